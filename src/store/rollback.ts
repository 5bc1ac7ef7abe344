/**
 * The wizard's rollback banner: the first criterion the verdict core finds
 * met in the session (the report and `check` ask the same core), and where
 * `R` jumps to.
 */
import type { Checklist } from '../checklist/types.js';
import type { Session } from '../session/schema.js';
import { triggeredLines } from '../verdict/rollback.js';
import { evaluateRollback } from '../watch/saved.js';

export interface RollbackBanner {
  /** One line naming the criterion met and the measured figure. */
  criterion: string;
  /** The criterion's name alone and the figure alone (the banner's two lines at 80 columns). */
  name?: string;
  figure?: string;
  /** The "Rollback Procedures" section to jump to, when the checklist has one. */
  sectionId?: string;
}

/** The "Rollback Procedures" section (by title), if any. */
export function findRollbackSection(checklist: Checklist): string | undefined {
  return checklist.sections.find((s) => /^rollback procedures$/i.test(s.title.trim()))?.id
    ?? checklist.sections.find((s) => /rollback/i.test(s.title))?.id;
}

/**
 * The banner for the latest probe results held in a session (against the previous session when known)
 * and its watches' window verdicts (a window met stays met), or undefined when no criterion is met.
 */
export function rollbackBanner(session: Session, checklist: Checklist, previous?: Session): RollbackBanner | undefined {
  const verdicts = evaluateRollback(session, checklist, previous);
  const [criterion] = triggeredLines(verdicts);
  const first = verdicts.find((v) => v.verdict === 'triggered');
  return criterion && first ? { criterion, name: first.criterion, figure: first.observed, sectionId: findRollbackSection(checklist) } : undefined;
}
