/**
 * The wizard's rollback banner: the first criterion the verdict core finds
 * met in the session (the report and `check` ask the same core), and where
 * `R` jumps to.
 */
import type { Checklist } from '../checklist/types.js';
import type { Session } from '../session/schema.js';
import { sessionRollback, triggeredLines } from '../verdict/rollback.js';
import { savedVerdict } from '../watch/judge.js';

export interface RollbackBanner {
  /** One line naming the criterion met and the measured figure. */
  criterion: string;
  /** The "Rollback Procedures" section to jump to, when the checklist has one. */
  sectionId?: string;
}

/** The "Rollback Procedures" section (by title), if any. */
export function findRollbackSection(checklist: Checklist): string | undefined {
  return checklist.sections.find((s) => /^rollback procedures$/i.test(s.title.trim()))?.id
    ?? checklist.sections.find((s) => /rollback/i.test(s.title))?.id;
}

/** The criteria the session's latest watch found met over their window, one line each. */
export function watchTriggeredLines(session: Pick<Session, 'watches'>): string[] {
  const record = session.watches?.at(-1);
  return (record?.criteria ?? []).flatMap((c) => {
    const v = savedVerdict(c, record!.stopped);
    if (v.phase !== 'failed') return [];
    // Short enough for one line at 80 columns: the latest figure, then the count that decided (the watch screen has the rest).
    const latest = c.measurements.at(-1)?.value;
    return [`${c.text}: ${latest !== undefined ? `${latest}, ` : ''}${v.counts.failed} failed > failure_limit ${c.limits.failureLimit}`];
  });
}

/**
 * The banner for the latest probe results held in a session (against the previous session when known)
 * and its latest watch's window verdicts, or undefined when no criterion is met.
 */
export function evaluateRollback(session: Session, checklist: Checklist, previous?: Session): RollbackBanner | undefined {
  const [criterion] = [...triggeredLines(sessionRollback(session, checklist, previous)), ...watchTriggeredLines(session)];
  return criterion ? { criterion, sectionId: findRollbackSection(checklist) } : undefined;
}
