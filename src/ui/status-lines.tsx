import React, { useEffect, useState } from 'react';
import { Text } from 'ink';
import { teamLine, unsavedLine, type WizardState, type WizardStore } from '../store/wizard-store.js';
import { forTerminal } from '../text/escape.js';
import { figureText } from '../watch/format.js';
import { useWizard } from './use-wizard.js';

/**
 * The team line (team mode: session id, who is here, offline with the queued count), the rollback banner (one line), the unsaved-work line, the error line and
 * the one-time notice. The unsaved and error lines wrap rather than being cut:
 * a save error names a file, a reason and what to do, and all of it matters.
 */
export function StatusLines({ store, watchLine = true }: { store: WizardStore; /** The "watching" line (the watch screen says it in its title). */ watchLine?: boolean }) {
  const watching = useWizard(store, (s) => (watchLine && s.watching ? watchingText(s.session, s.watchLimits) : undefined));
  const warned = useWizard(store, (s) => watchLine && s.watching && watchHasFailed(s.session));
  const banner = useWizard(store, (s) => s.banner);
  const unsaved = useWizard(store, (s) => s.unsaved);
  const error = useWizard(store, (s) => s.error);
  const notice = useWizard(store, (s) => s.notice);
  const incident = useWizard(store, (s) => s.incident);
  return (
    <>
      <TeamLine store={store} />
      {watching ? (
        <Text color={warned ? 'yellow' : 'cyan'} wrap="truncate">
          {forTerminal(watching)}
        </Text>
      ) : null}
      {incident ? <IncidentReminder store={store} incident={incident} /> : null}
      {banner ? (
        <>
          {/* Two lines so it fits 80 columns: the criterion (and where R goes), then the figure, wrapped. */}
          <Text color="red" bold wrap="truncate">
            ⚠ ROLLBACK CRITERION MET: {forTerminal(banner.name ?? banner.criterion)}{banner.sectionId ? ' · R: rollback' : ''}
          </Text>
          {banner.figure ? (
            <Text color="red" wrap="wrap">
              {'  '}
              {forTerminal(banner.figure)}
            </Text>
          ) : null}
        </>
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
      {/* Wrapped, never cut: a team conflict notice names who, what and which state stayed, and all of it matters. */}
      {notice ? (
        <Text color="yellow" wrap="wrap">
          ℹ {forTerminal(notice)}
        </Text>
      ) : null}
    </>
  );
}

/**
 * Team mode's line (session, who is here; OFFLINE with the queued count),
 * on every screen: a person must always see that their terminal is cut off.
 * Nothing in file mode.
 */
export function TeamLine({ store }: { store: WizardStore }) {
  const team = useWizard(store, (s) => s.team);
  if (!team) return null;
  return (
    <Text color={team.offline ? 'red' : undefined} bold={team.offline} dimColor={!team.offline} wrap="truncate">
      {team.offline ? '⚠' : '⇄'} {forTerminal(teamLine(team))}
    </Text>
  );
}

/** Rows TeamLine takes (for layout budgets). */
export function teamHeight(s: Partial<Pick<WizardState, 'team'>>): number {
  return s.team ? 1 : 0;
}

/** "next update due in N min" for the open incident; re-counted every 15 s on the store's clock. */
function IncidentReminder({ store, incident }: { store: WizardStore; incident: NonNullable<WizardState['incident']> }) {
  const clock = useWizard(store, (s) => s.clock);
  const [now, setNow] = useState(clock);
  useEffect(() => {
    setNow(clock());
    const t = setInterval(() => setNow(clock()), 15_000);
    return () => clearInterval(t);
  }, [clock, incident.dueAt]);
  return (
    <Text color={now > incident.dueAt ? 'red' : 'yellow'} wrap="truncate">
      {reminderText(incident, now)}
    </Text>
  );
}

/** The reminder line, e.g. `⏱ incident 1: next update due in 12 min (every 15 min; ! posts one)`. */
export function reminderText(incident: NonNullable<WizardState['incident']>, now: number): string {
  const min = Math.ceil((incident.dueAt - now) / 60_000);
  const when = min > 0 ? `next update due in ${min} min` : `next update OVERDUE by ${Math.max(1, -min)} min`;
  return `⏱ incident ${incident.n}: ${when} (every ${incident.everyMin} min; ! posts one)`;
}

/**
 * `◉ watching 3 rollback criteria: 14/60 samples (w: watch screen)`, while the
 * watch runs. A failed sample the window tolerates (failure_limit) is said on
 * it too, the figure against its limit and the counts within 80 columns:
 * `◉ watching: 6/180 samples · ⚠ 0.12 vs max 0.05 (1 failed, 1 tolerated) — Error rate exceeds 5% of requests`.
 */
export function watchingText(session: Pick<WizardState['session'], 'watches'>, limits: WizardState['watchLimits'] = {}): string {
  const criteria = session.watches?.at(-1)?.criteria ?? [];
  const done = criteria.reduce((n, c) => n + c.measurements.length, 0);
  const count = criteria.reduce((n, c) => n + c.limits.count, 0);
  const base = `◉ watching ${criteria.length} rollback criteri${criteria.length === 1 ? 'on' : 'a'}: ${done}/${count} samples`;
  const failing = criteria.filter((c) => c.measurements.some((m) => m.phase === 'failed'));
  if (!failing.length) return `${base} (w: watch screen)`;
  const c = failing[0];
  const failed = c.measurements.filter((m) => m.phase === 'failed');
  const more = failing.length > 1 ? ` (+${failing.length - 1} more criteri${failing.length === 2 ? 'on' : 'a'} with failed samples)` : '';
  // The figure against its limit first (`0.2 vs max 0.05`: 80 columns keep it), the criterion's text after; no figure: the probe's summary.
  const m = failed.at(-1)!;
  const figure = figureText(m, c.kind);
  const threshold = limits[c.id]?.threshold;
  const what = figure !== undefined ? `${figure}${threshold ? ` vs ${threshold}` : ''}` : m.message;
  // The criteria count gives way, so the warning fits 80 columns.
  return `◉ watching: ${done}/${count} samples · ⚠ ${what} (${failed.length} failed, ${c.limits.failureLimit} tolerated)${more} — ${c.text} (w: watch screen)`;
}

/** A sample of the running watch failed (tolerated so far): the watching line turns yellow. */
export function watchHasFailed(session: Pick<WizardState['session'], 'watches'>): boolean {
  return (session.watches?.at(-1)?.criteria ?? []).some((c) => c.measurements.some((m) => m.phase === 'failed'));
}

/** Rows a wrapped line of `text` takes at `columns` (2 for the mark and its space). */
function rowsOf(text: string, columns: number): number {
  return Math.max(1, Math.ceil((text.length + 2) / Math.max(1, columns)));
}

/** Rows StatusLines takes at `columns` (for layout budgets). */
export function statusHeight(s: Pick<WizardState, 'banner' | 'error' | 'notice' | 'unsaved' | 'incident'> & Partial<Pick<WizardState, 'team'>> & { watching?: boolean }, columns = 80): number {
  return (s.watching ? 1 : 0) + (s.team ? 1 : 0) + (s.incident ? 1 : 0) + (s.banner ? 1 + (s.banner.figure ? rowsOf(s.banner.figure, columns) : 0) : 0) + (s.unsaved ? rowsOf(unsavedLine(s.unsaved), columns) : 0) + (s.error ? rowsOf(s.error, columns) : 0) + (s.notice ? rowsOf(s.notice, columns) : 0);
}
