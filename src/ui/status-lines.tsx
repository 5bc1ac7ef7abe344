import React from 'react';
import { Text } from 'ink';
import { teamLine, unsavedLine, type WizardState, type WizardStore } from '../store/wizard-store.js';
import { forTerminal } from '../report/escape.js';
import { useWizard } from './use-wizard.js';

/**
 * The team line (team mode: session id, who is here, offline with the queued count), the rollback banner (one line), the unsaved-work line, the error line and
 * the one-time notice. The unsaved and error lines wrap rather than being cut:
 * a save error names a file, a reason and what to do, and all of it matters.
 */
export function StatusLines({ store }: { store: WizardStore }) {
  const banner = useWizard(store, (s) => s.banner);
  const unsaved = useWizard(store, (s) => s.unsaved);
  const error = useWizard(store, (s) => s.error);
  const notice = useWizard(store, (s) => s.notice);
  const team = useWizard(store, (s) => s.team);
  return (
    <>
      {team ? (
        <Text color={team.offline ? 'red' : undefined} bold={team.offline} dimColor={!team.offline} wrap="truncate">
          {team.offline ? '⚠' : '⇄'} {forTerminal(teamLine(team))}
        </Text>
      ) : null}
      {banner ? (
        <Text color="red" bold wrap="truncate">
          ⚠ ROLLBACK CRITERION MET: {banner.criterion}{banner.sectionId ? ' — R: rollback procedures' : ''}
        </Text>
      ) : null}
      {unsaved ? (
        <Text color="red" bold wrap="wrap">
          ✗ {forTerminal(unsavedLine(unsaved))}
        </Text>
      ) : null}
      {error ? (
        <Text color="red" wrap="wrap">
          ✗ {forTerminal(error)}
        </Text>
      ) : null}
      {notice ? (
        <Text color="yellow" wrap="truncate">
          ℹ {forTerminal(notice)}
        </Text>
      ) : null}
    </>
  );
}

/** Rows a wrapped line of `text` takes at `columns` (2 for the mark and its space). */
function rowsOf(text: string, columns: number): number {
  return Math.max(1, Math.ceil((text.length + 2) / Math.max(1, columns)));
}

/** Rows StatusLines takes at `columns` (for layout budgets). */
export function statusHeight(s: Pick<WizardState, 'banner' | 'error' | 'notice' | 'unsaved'> & Partial<Pick<WizardState, 'team'>>, columns = 80): number {
  return (s.team ? 1 : 0) + (s.banner ? 1 : 0) + (s.unsaved ? rowsOf(unsavedLine(s.unsaved), columns) : 0) + (s.error ? rowsOf(s.error, columns) : 0) + (s.notice ? 1 : 0);
}
