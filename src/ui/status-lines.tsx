import React from 'react';
import { Text } from 'ink';
import { unsavedLine, type WizardState, type WizardStore } from '../store/wizard-store.js';
import { forTerminal } from '../report/escape.js';
import { useWizard } from './use-wizard.js';

/**
 * The rollback banner (one line), the unsaved-work line, the error line and
 * the one-time notice. The unsaved and error lines wrap rather than being cut:
 * a save error names a file, a reason and what to do, and all of it matters.
 */
export function StatusLines({ store }: { store: WizardStore }) {
  const banner = useWizard(store, (s) => s.banner);
  const unsaved = useWizard(store, (s) => s.unsaved);
  const error = useWizard(store, (s) => s.error);
  const notice = useWizard(store, (s) => s.notice);
  return (
    <>
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
export function statusHeight(s: Pick<WizardState, 'banner' | 'error' | 'notice' | 'unsaved'>, columns = 80): number {
  return (s.banner ? 1 : 0) + (s.unsaved ? rowsOf(unsavedLine(s.unsaved), columns) : 0) + (s.error ? rowsOf(s.error, columns) : 0) + (s.notice ? 1 : 0);
}
