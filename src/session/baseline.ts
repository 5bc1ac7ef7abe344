/**
 * Performance baselines kept in sessions, pure: the p50/p95 a `baseline` probe
 * measured is stored with its result in the session; a new session of the
 * same environment takes, in this order (chooseBaseline): its own baseline
 * measurement, the last SUCCESS session's (previous.ts finds it through the
 * session store), `BASELINE_P50_MS`.
 */
import type { ProbeResult, Vars } from '../probes/types.js';
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

/**
 * A result that established a baseline: a passing `baseline` probe that
 * compared with none (its annotation gives no `baseline_ms`/`baseline_file`),
 * i.e. the "Performance metrics baseline established" item. A Final Checklist
 * comparison ("Response times within acceptable limits") is a measurement
 * against a baseline, never one.
 */
function establishesBaseline(r: Pick<ProbeResult, 'kind' | 'status' | 'metrics' | 'spec'>): boolean {
  const p50 = r.metrics?.p50_ms;
  return r.kind === 'baseline' && r.status === 'pass' && typeof p50 === 'number' && p50 > 0 && r.metrics?.baseline_ms === undefined && !/\bbaseline_(ms|file)=/.test(r.spec ?? '');
}

/** The newest baseline a session established (establishesBaseline), when it has one. */
export function storedBaseline(session: Pick<Session, 'items'>): StoredBaseline | undefined {
  let best: StoredBaseline | undefined;
  for (const [itemId, rec] of Object.entries(session.items)) {
    for (const r of rec.probes) {
      if (!establishesBaseline(r)) continue;
      if (best && best.at >= r.at) continue;
      const p50 = r.metrics!.p50_ms;
      best = { p50, at: r.at, itemId, ...(typeof r.metrics?.p95_ms === 'number' ? { p95: r.metrics.p95_ms } : {}) };
    }
  }
  return best;
}

/** A session whose release went well: completed with a SUCCESS status. */
export function isSuccessfulSession(session: Session): boolean {
  return session.status === 'completed' && isSuccessStatus(session.signoff.status ?? '');
}

/** Where the baseline a comparison uses came from. */
export type BaselineChoice =
  | { ok: true; p50: number; from: 'this session' | 'last success' | 'variable'; sessionId?: string }
  /** No baseline anywhere: why, for people (the criterion "cannot be measured: <why>"), and the reason as data. */
  | { ok: false; reason: 'not-configured'; why: string };

/**
 * The one precedence for the baseline a response-time comparison uses:
 * this session's own baseline measurement first (it measured the release's
 * own environment today), then the last SUCCESS session's of the environment,
 * then `BASELINE_P50_MS`. Pure: the caller found the previous session.
 */
export function chooseBaseline(
  own: Pick<Session, 'items' | 'id'> | undefined,
  previous: { session: Pick<Session, 'id'>; baseline: StoredBaseline } | undefined,
  given: string | undefined,
  environment?: string,
): BaselineChoice {
  const mine = own && storedBaseline(own);
  if (mine) return { ok: true, p50: mine.p50, from: 'this session', sessionId: own!.id };
  if (previous) return { ok: true, p50: previous.baseline.p50, from: 'last success', sessionId: previous.session.id };
  const text = given?.trim();
  if (text) {
    const n = Number(text);
    if (Number.isFinite(n) && n > 0) return { ok: true, p50: n, from: 'variable' };
    return { ok: false, reason: 'not-configured', why: `${BASELINE_VAR} is "${text.slice(0, 20)}", not a number of ms` };
  }
  const where = environment ? `no earlier SUCCESS session of ${environment} measured one` : 'no earlier SUCCESS session measured one';
  return { ok: false, reason: 'not-configured', why: `no baseline: ${own ? 'this session has not measured its baseline item yet, ' : ''}${where}, and ${BASELINE_VAR} is unset` };
}

/** The variables with the chosen baseline in BASELINE_P50_MS (whole ms), or as they are when there is none. */
export function withBaseline(vars: Vars, choice: BaselineChoice): Vars {
  return choice.ok ? { ...vars, [BASELINE_VAR]: String(Math.max(1, Math.round(choice.p50))) } : vars;
}

/**
 * The variables with the inherited baseline filled in (chooseBaseline without
 * this session's own measurement). `from` says where it came from (for a
 * notice), when it came from a session.
 */
export function withInheritedBaseline(vars: Vars, found: { session: Session; baseline: StoredBaseline } | undefined, own?: Pick<Session, 'items' | 'id'>): { vars: Vars; from?: { sessionId: string; p50: number; own?: boolean } } {
  const choice = chooseBaseline(own, found, vars[BASELINE_VAR]);
  const out = withBaseline(vars, choice);
  return choice.ok && choice.from !== 'variable' ? { vars: out, from: { sessionId: choice.sessionId!, p50: choice.p50, ...(choice.from === 'this session' ? { own: true } : {}) } } : { vars: out };
}
