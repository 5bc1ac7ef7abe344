/**
 * Rollback decision criteria from the reference document, evaluated from probe
 * metrics: "Error rate exceeds 5% of requests" (a prometheus probe's `value`
 * on an error-rate item) and "Response time increases by more than 50%" (a
 * baseline probe's `increase_pct`). Pure, so it is unit-tested without Ink.
 */
import type { Checklist } from '../checklist/types.js';
import type { ProbeResult } from '../probes/types.js';
import type { Session } from '../session/schema.js';

/** Error rate (fraction of requests) above which rollback is advised. */
export const ERROR_RATE_LIMIT = 0.05;
/** Response-time increase (percent against the stored baseline) above which rollback is advised. */
export const LATENCY_INCREASE_LIMIT = 50;

export interface RollbackBanner {
  /** One line naming the criterion met and the measured figure. */
  criterion: string;
  /** Item whose probe met the criterion. */
  itemId?: string;
  /** The "Rollback Procedures" section to jump to, when the checklist has one. */
  sectionId?: string;
}

const ERROR_RATE_TEXT = /error[\s_-]*rate/i;

/** The "Rollback Procedures" section (by title), if any. */
export function findRollbackSection(checklist: Checklist): string | undefined {
  return checklist.sections.find((s) => /^rollback procedures$/i.test(s.title.trim()))?.id
    ?? checklist.sections.find((s) => /rollback/i.test(s.title))?.id;
}

/** Whether a probe result belongs to an error-rate check (by item text or the annotation itself). */
function isErrorRate(result: ProbeResult, itemText: string | undefined): boolean {
  return ERROR_RATE_TEXT.test(itemText ?? '') || ERROR_RATE_TEXT.test(result.spec);
}

/** The first criterion met by these results, or undefined. */
export function rollbackCriterion(
  results: readonly ProbeResult[],
  itemText: (id: string) => string | undefined = () => undefined,
): Omit<RollbackBanner, 'sectionId'> | undefined {
  for (const r of results) {
    const value = r.metrics?.value;
    if (r.kind === 'prometheus' && typeof value === 'number' && value > ERROR_RATE_LIMIT && isErrorRate(r, r.itemId ? itemText(r.itemId) : undefined)) {
      return { criterion: `Error rate exceeds 5% of requests (${(value * 100).toFixed(1)}%)`, itemId: r.itemId };
    }
    const inc = r.metrics?.increase_pct;
    if (r.kind === 'baseline' && typeof inc === 'number' && inc > LATENCY_INCREASE_LIMIT) {
      return { criterion: `Response time increases by more than 50% (+${inc.toFixed(0)}% against the baseline)`, itemId: r.itemId };
    }
  }
  return undefined;
}

/** Evaluate the latest probe results held in a session against the checklist. */
export function evaluateRollback(session: Session, checklist: Checklist): RollbackBanner | undefined {
  const text = new Map(checklist.items.map((i) => [i.id, i.text]));
  const results = Object.values(session.items).flatMap((r) => r.probes);
  const hit = rollbackCriterion(results, (id) => text.get(id));
  return hit ? { ...hit, sectionId: findRollbackSection(checklist) } : undefined;
}
