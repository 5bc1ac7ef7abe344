/**
 * Performance baselines kept in sessions, pure: the p50/p95 a `baseline` probe
 * measured is stored with its result in the session; a new session of the
 * same environment takes the baseline of the last SUCCESS session
 * (previous.ts finds it through the session store) unless one is given
 * (`BASELINE_P50_MS`).
 */
import type { Vars } from '../probes/types.js';
import type { Session } from './schema.js';
import { isSuccessStatus } from './signoff.js';

/** The variable the shipped checklist's baseline annotations read. */
export const BASELINE_VAR = 'BASELINE_P50_MS';

export interface StoredBaseline {
  p50: number;
  p95?: number;
  /** When it was measured (ISO). */
  at: string;
  itemId?: string;
}

/** The newest passing `baseline` measurement in a session, when it has one. */
export function storedBaseline(session: Session): StoredBaseline | undefined {
  let best: StoredBaseline | undefined;
  for (const [itemId, rec] of Object.entries(session.items)) {
    for (const r of rec.probes) {
      const p50 = r.metrics?.p50_ms;
      if (r.kind !== 'baseline' || r.status !== 'pass' || typeof p50 !== 'number' || !(p50 > 0)) continue;
      if (best && best.at >= r.at) continue;
      best = { p50, at: r.at, itemId, ...(typeof r.metrics?.p95_ms === 'number' ? { p95: r.metrics.p95_ms } : {}) };
    }
  }
  return best;
}

/** A session whose release went well: completed with a SUCCESS status. */
export function isSuccessfulSession(session: Session): boolean {
  return session.status === 'completed' && isSuccessStatus(session.signoff.status ?? '');
}

/**
 * The variables with the inherited baseline filled in, unless one is given.
 * `from` says where it came from (for a notice), when it was used.
 */
export function withInheritedBaseline(vars: Vars, found: { session: Session; baseline: StoredBaseline } | undefined): { vars: Vars; from?: { sessionId: string; p50: number } } {
  if (vars[BASELINE_VAR]?.trim() || !found) return { vars };
  return { vars: { ...vars, [BASELINE_VAR]: String(Math.max(1, Math.round(found.baseline.p50))) }, from: { sessionId: found.session.id, p50: found.baseline.p50 } };
}
