/**
 * The verdict vocabulary of a probe, in one place: the statuses, the reasons a
 * result did not judge (data that code switches on; the summary is for people),
 * their order of severity, and the outcomes every probe builds the same way.
 * Pure: no I/O. The runner, check output, the store, sessions and reports ask here.
 */
import type { ProbeOutcome } from '../probes/types.js';

export const PROBE_STATUSES = ['pass', 'warn', 'fail', 'error', 'skipped', 'inconclusive'] as const;
export type ProbeStatus = (typeof PROBE_STATUSES)[number];

/**
 * Why a result did not judge: `cancelled` (Esc/Ctrl-C), `not-configured` (a
 * variable is unset), `timeout` (no answer by the deadline), `no-data` (the
 * question had no data to judge, e.g. an empty Prometheus result),
 * `cannot-judge-here` (the answer depends on where the probe runs or lives in
 * the client, e.g. exposure of a port of this same host).
 */
export const PROBE_REASONS = ['cancelled', 'not-configured', 'timeout', 'no-data', 'cannot-judge-here'] as const;
export type ProbeReason = (typeof PROBE_REASONS)[number];

/** Severity order for folding findings: the highest wins. Skipped and inconclusive never outrank a pass. */
export const SEVERITY: Record<ProbeStatus, number> = { pass: 0, skipped: 0, inconclusive: 0, warn: 1, fail: 2, error: 3 };

/** The worst of some statuses (`pass` when there are none). */
export function worstStatus<S extends ProbeStatus>(statuses: Iterable<S>, start: S): S {
  let out = start;
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[out]) out = s;
  return out;
}

/** A verdict that counts against the release. */
export function isFailing(status: ProbeStatus): boolean {
  return status === 'fail' || status === 'error';
}

/** A result that verified nothing: skipped (did not run) or inconclusive (ran, could not judge). */
export function isUnjudged(status: ProbeStatus): status is 'skipped' | 'inconclusive' {
  return status === 'skipped' || status === 'inconclusive';
}

/**
 * A result of a run cancelled before the probe judged (Esc, Ctrl-C, terminal
 * loss): it says nothing about the item, so it never replaces earlier evidence.
 */
export function isCancelled(result: Pick<ProbeOutcome, 'reason'>): boolean {
  return result.reason === 'cancelled';
}

/** Cancelled (Esc/Ctrl-C): one rule for every kind. */
export function cancelled(evidence: string[] = []): ProbeOutcome {
  return { status: 'skipped', reason: 'cancelled', summary: 'cancelled', evidence };
}

/** A probe whose variables are unset. */
export function notConfigured(missing: string[]): ProbeOutcome {
  return { status: 'skipped', reason: 'not-configured', summary: `not configured: ${missing.join(', ')} unset`, evidence: [] };
}

/** No answer by the deadline. */
export function timedOut(summary: string, evidence: string[] = []): ProbeOutcome {
  return { status: 'error', reason: 'timeout', summary, evidence };
}

/** The probe ran but has no data to judge (never a guessed fail, never a pass). */
export function noData(summary: string, evidence: string[] = [], metrics?: Record<string, number>): ProbeOutcome {
  return { status: 'inconclusive', reason: 'no-data', summary, evidence, ...(metrics ? { metrics } : {}) };
}

/** The probe cannot judge from where it runs, or the setting lives in the client. */
export function cannotJudgeHere(summary: string, evidence: string[] = []): ProbeOutcome {
  return { status: 'inconclusive', reason: 'cannot-judge-here', summary, evidence };
}

/** What an unjudged result asks of the operator, by reason (for summaries, help and the README). */
const REASON_ADVICE: Record<ProbeReason, string> = {
  cancelled: 'run it again',
  'not-configured': 'set the variables it names (environment, --env-file or --config)',
  timeout: 'check the service answers, or give the probe a longer timeout=',
  'no-data': 'check by hand, or run again once there is data (traffic, series)',
  'cannot-judge-here': 'check by hand, or run the check from another host',
};

/**
 * What an unjudged result asks of the operator, one phrase: the probe's own
 * hint when it gave one, else its reason's advice. The one source for `check`'s
 * "→ …" lines and the wizard's probe lines. Undefined for a judged result and
 * for a cancelled one (running it again goes without saying).
 */
export function adviceFor(result: Pick<ProbeOutcome, 'status' | 'reason' | 'hint'>): string | undefined {
  if (!isUnjudged(result.status) || result.reason === 'cancelled') return undefined;
  return result.hint ?? (result.reason ? REASON_ADVICE[result.reason] : undefined);
}

/** A run's results counted by status (and the skipped by reason): what `check` and the wizard summarise. */
export interface ResultCounts {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  warnings: number;
  skipped: number;
  /** Ran but could not judge (no data, or not from where the check runs). */
  inconclusive: number;
  /** Of the skipped: probes whose variables are unset. */
  notConfigured: number;
  /** Of the skipped: probes cancelled (Esc, Ctrl-C). */
  cancelled: number;
}

export function countResults(results: ReadonlyArray<Pick<ProbeOutcome, 'status' | 'reason'>>): ResultCounts {
  const out: ResultCounts = { total: results.length, passed: 0, failed: 0, errors: 0, warnings: 0, skipped: 0, inconclusive: 0, notConfigured: 0, cancelled: 0 };
  for (const r of results) {
    if (r.status === 'pass') out.passed++;
    else if (r.status === 'fail') out.failed++;
    else if (r.status === 'error') out.errors++;
    else if (r.status === 'warn') out.warnings++;
    else if (r.status === 'inconclusive') out.inconclusive++;
    else {
      out.skipped++;
      if (r.reason === 'not-configured') out.notConfigured++;
      if (r.reason === 'cancelled') out.cancelled++;
    }
  }
  return out;
}

/** How a result line labels each status, in `check` and in the wizard alike. */
export const STATUS_LABEL: Record<ProbeStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP', inconclusive: 'INCONCLUSIVE' };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A run's counts in the words its lines use (`SKIP` lines are "skipped",
 * `INCONCLUSIVE` ones "inconclusive"; never "other"), e.g. `12 passed, 1
 * failed, 0 errors, 3 warnings, 27 skipped (not configured)`. `all`: every
 * count even when 0 (`check`'s summary line); otherwise passed and failed
 * always, the rest when there are some (the wizard's one line).
 */
export function countsText(c: ResultCounts, all = false): string {
  let skipped = `${c.skipped} skipped`;
  if (c.skipped && c.notConfigured === c.skipped) skipped += ' (not configured)';
  else if (c.skipped) {
    const rest = c.skipped - c.notConfigured - c.cancelled;
    const parts = [c.notConfigured && `${c.notConfigured} not configured`, c.cancelled && `${c.cancelled} cancelled`, rest && `${rest} not run`].filter(Boolean);
    skipped += ` (${parts.join(', ')})`;
  }
  const parts = [
    `${c.passed} passed`,
    `${c.failed} failed`,
    (all || c.errors) && plural(c.errors, 'error', 'errors'),
    (all || c.warnings) && plural(c.warnings, 'warning', 'warnings'),
    (all || c.skipped) && skipped,
    c.inconclusive && `${c.inconclusive} inconclusive`,
  ];
  return parts.filter(Boolean).join(', ');
}
