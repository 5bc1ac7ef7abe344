/**
 * The window judge: a rollback criterion judged over a monitoring window, the
 * way Argo Rollouts' analysis does it. A measurement is data (phase, value,
 * message, startedAt/finishedAt); one pure function turns the measurements
 * of a window plus its limits into a verdict. No I/O, no clock: the caller
 * says whether the window has ended.
 *
 * The rules:
 * - `failed` as soon as failed measurements exceed `failureLimit` (a rollback
 *   criterion is met: the watch stops there);
 * - a measurement that verified nothing (inconclusive: no series, no traffic;
 *   or error: Prometheus down) is never a pass: together they may not exceed
 *   `inconclusiveLimit`; as soon as they do the window ends `inconclusive`
 *   (that criterion stops measuring, the others go on);
 * - a window without one successful measurement ends `inconclusive` whatever
 *   the limits (the no-data rule);
 * - otherwise the window ends `successful`; before its end it is `running`.
 *
 * The single-sample rollback rule (src/verdict/rollback.ts: the wizard's
 * banner, the report, `check`) is this judge with one measurement, `count` 1
 * and `failureLimit` 0 (SINGLE_SAMPLE).
 */
import type { ProbeOutcome, ProbeReason } from '../probes/types.js';

const MEASUREMENT_PHASES = ['successful', 'failed', 'inconclusive', 'error'] as const;
export type MeasurementPhase = (typeof MEASUREMENT_PHASES)[number];

/** One sample of a criterion. */
export interface Measurement {
  phase: MeasurementPhase;
  /** The figure the probe judged (error rate, p50 ms, status), when it had one. */
  value?: number;
  /** What was observed, for people (the probe's summary). */
  message: string;
  /** Why it did not judge (no-data, timeout, not-configured…), as data. */
  reason?: ProbeReason;
  /** A slot of the window that passed while the wizard was closed: nothing measured, counted as inconclusive. */
  missed?: boolean;
  /** ISO times. */
  startedAt: string;
  finishedAt: string;
}

/** How a criterion is judged over its window. */
export interface WindowLimits {
  /** Time between the starts of two measurements (ms). */
  intervalMs: number;
  /** Measurements in the window. */
  count: number;
  /** Failed measurements tolerated; one more meets the criterion (Argo's failureLimit, default 0). */
  failureLimit: number;
  /** Measurements that verified nothing (inconclusive or error) tolerated (Argo's inconclusiveLimit, default 0). */
  inconclusiveLimit: number;
}

const WINDOW_PHASES = ['running', 'successful', 'failed', 'inconclusive'] as const;
export type WindowPhase = (typeof WINDOW_PHASES)[number];

export interface WindowCounts {
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface WindowVerdict {
  phase: WindowPhase;
  counts: WindowCounts;
  /** One line: what decided, against which limit. */
  message: string;
}

export function countPhases(measurements: readonly Measurement[]): WindowCounts {
  const counts: WindowCounts = { successful: 0, failed: 0, inconclusive: 0, error: 0 };
  for (const m of measurements) counts[m.phase]++;
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One measurement judged alone: the single-sample rollback rule's window. */
export const SINGLE_SAMPLE: WindowLimits = { intervalMs: 0, count: 1, failureLimit: 0, inconclusiveLimit: 0 };

/** The verdict of a window from its measurements and limits. `ended`: no measurement is still to come. */
export function judgeWindow(measurements: readonly Measurement[], limits: WindowLimits, ended: boolean): WindowVerdict {
  const counts = countPhases(measurements);
  const tally = `${counts.successful} ok, ${counts.failed} failed, ${counts.inconclusive} inconclusive, ${counts.error} errors of ${measurements.length}`;
  if (counts.failed > limits.failureLimit) {
    return { phase: 'failed', counts, message: `${plural(counts.failed, 'failed measurement')} > failure_limit ${limits.failureLimit} (${tally})` };
  }
  const unjudged = counts.inconclusive + counts.error;
  // Argo's rule: more unjudged measurements than tolerated end the window at once, whatever is still to come.
  if (unjudged > limits.inconclusiveLimit) {
    return { phase: 'inconclusive', counts, message: `${plural(unjudged, 'measurement')} without a verdict (inconclusive or error) > inconclusive_limit ${limits.inconclusiveLimit} (${tally})` };
  }
  const done = ended || measurements.length >= limits.count;
  if (!done) return { phase: 'running', counts, message: tally };
  if (counts.successful === 0) return { phase: 'inconclusive', counts, message: `no measurement judged: nothing verified (${tally})` };
  return { phase: 'successful', counts, message: `no criterion met (${tally})` };
}

/**
 * What a probe `error` (refused, reset, timeout, TLS failure) means, by kind.
 * A criterion whose probe asks the app itself (http, baseline) guards against
 * the app not answering: the error IS a failed measurement. One that asks an
 * instrument (prometheus, anything else) cannot judge: monitoring down is not
 * the app failing, so the error stays unjudged. Not-configured is never an
 * error (it is skipped) and stays unjudged for every kind.
 */
const ERROR_PHASE: Readonly<Record<string, MeasurementPhase>> = { http: 'failed', baseline: 'failed' };

/** The figure each kind's measurement is charted by. */
const VALUE_KEY: Readonly<Record<string, string>> = { prometheus: 'value', baseline: 'judged_ms', http: 'latency_ms' };

/**
 * A probe outcome as a measurement of a criterion of `kind`: pass/warn →
 * successful, fail → failed, error → ERROR_PHASE[kind] (else error),
 * skipped/inconclusive → inconclusive. The value is the kind's VALUE_KEY figure.
 */
export function measurementOf(outcome: Pick<ProbeOutcome, 'status' | 'summary' | 'reason' | 'metrics'>, startedAt: string, finishedAt: string, kind?: string): Measurement {
  const phase: MeasurementPhase =
    outcome.status === 'pass' || outcome.status === 'warn'
      ? 'successful'
      : outcome.status === 'fail'
        ? 'failed'
        : outcome.status === 'error'
          ? (kind !== undefined && Object.hasOwn(ERROR_PHASE, kind) ? ERROR_PHASE[kind] : 'error')
          : 'inconclusive';
  const metrics = outcome.metrics ?? {};
  const valueKey = kind !== undefined && Object.hasOwn(VALUE_KEY, kind) ? VALUE_KEY[kind] : undefined;
  // A baseline result from before the percentile was a parameter has only its p50.
  const value = valueKey !== undefined ? (metrics[valueKey] ?? (kind === 'baseline' ? metrics.p50_ms : undefined)) : Object.values(metrics)[0];
  return {
    phase,
    message: outcome.summary,
    startedAt,
    finishedAt,
    ...(typeof value === 'number' && Number.isFinite(value) ? { value } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}

/**
 * Slots of a window that passed unmeasured (the wizard was closed): the window
 * runs on the grid `t0 + i × intervalMs`; a slot whose whole interval passed
 * without a measurement is missed, the slot under way is measured at once.
 * They verify nothing, so they are inconclusive measurements (they count
 * against inconclusive_limit), never invented values.
 */
export function missedSlots(limits: WindowLimits, t0: number, now: number, measured: number): Measurement[] {
  const current = Math.floor((now - t0) / limits.intervalMs);
  const n = Math.max(0, Math.min(current, limits.count) - measured);
  return Array.from({ length: n }, (_, k) => {
    const at = new Date(t0 + (measured + k) * limits.intervalMs).toISOString();
    return { phase: 'inconclusive' as const, missed: true, message: 'not measured: the wizard was closed', startedAt: at, finishedAt: at };
  });
}

/** Why a criterion could not be measured at all (no baseline anywhere, a variable unset): data, and words for people. */
export interface Unmeasurable {
  reason: ProbeReason;
  why: string;
}

/** The verdict of a criterion that could not be measured: inconclusive from the start (never a pass), saying why. */
export function unmeasurableVerdict(cannot: Unmeasurable): WindowVerdict {
  return { phase: 'inconclusive', counts: { successful: 0, failed: 0, inconclusive: 0, error: 0 }, message: `cannot be measured: ${cannot.why}` };
}

/**
 * The verdict of a saved window (a watch in the session): judged as ended
 * once windowOver says so; a criterion that could not be measured says why.
 */
export function savedVerdict(c: { measurements: readonly Measurement[]; limits: WindowLimits; cannot?: Unmeasurable }, stopped?: string): WindowVerdict {
  if (c.cannot) return unmeasurableVerdict(c.cannot);
  return judgeWindow(c.measurements, c.limits, windowOver(c, stopped));
}

/**
 * Is a saved window over, decided once: all its slots taken, or the loop
 * ended it (`ended`: every criterion over a limit or done). A window stopped
 * before its end (`operator`: x or Ctrl-C; `signoff`: the session completed)
 * is NOT over: its verdict stays running, shown as incomplete (N/M samples),
 * never a pass.
 */
function windowOver(c: { measurements: readonly unknown[]; limits: Pick<WindowLimits, 'count'> }, stopped?: string): boolean {
  return c.measurements.length >= c.limits.count || stopped === 'ended';
}

/** The verdict of a whole watch: the worst criterion decides (failed > inconclusive > running > successful). */
const WATCH_ORDER: Record<WindowPhase, number> = { successful: 0, running: 1, inconclusive: 2, failed: 3 };

export function worstPhase(phases: Iterable<WindowPhase>): WindowPhase {
  let out: WindowPhase = 'successful';
  for (const p of phases) if (WATCH_ORDER[p] > WATCH_ORDER[out]) out = p;
  return out;
}

/** Exit code of `watch` (README, Commands): 0 none met, 1 one met, 3 inconclusive. */
export function watchExitCode(phase: WindowPhase): 0 | 1 | 3 {
  return phase === 'failed' ? 1 : phase === 'successful' ? 0 : 3;
}

/**
 * The verdict of one criterion, one vocabulary for every output: the window
 * judge's phase plus what the window's record says (could not be measured;
 * stopped before its end; still measured; paused). Each output renders it
 * through its own map below, so a window stopped early is "incomplete"
 * everywhere and never "not met".
 */
const CRITERION_STATES = ['met', 'not-met', 'inconclusive', 'cannot-measure', 'incomplete', 'running', 'paused'] as const;
export type CriterionState = (typeof CRITERION_STATES)[number];

/** Where a window is: `live` (measured now), `paused` (saved unfinished: resume continues it), `stopped` (no more measurement). */
export type WindowState = 'live' | 'paused' | 'stopped';

/** The criterion's state from its window verdict, whether it could be measured, and where its window is. */
export function criterionState(verdict: Pick<WindowVerdict, 'phase'>, opts: { cannot?: unknown; window?: WindowState } = {}): CriterionState {
  if (opts.cannot) return 'cannot-measure';
  if (verdict.phase === 'failed') return 'met';
  if (verdict.phase === 'successful') return 'not-met';
  if (verdict.phase === 'inconclusive') return 'inconclusive';
  return opts.window === 'live' ? 'running' : opts.window === 'paused' ? 'paused' : 'incomplete';
}

/** Plain text (CLI lines, the watch screen): capitals for a verdict, lower case while it may still change. */
export const STATE_TEXT: Record<CriterionState, string> = {
  met: 'MET',
  'not-met': 'NOT MET',
  inconclusive: 'INCONCLUSIVE',
  'cannot-measure': 'CANNOT MEASURE',
  incomplete: 'INCOMPLETE',
  running: 'running',
  paused: 'paused',
};
/** JSON words. */
export const STATE_JSON: Record<CriterionState, string> = { met: 'met', 'not-met': 'not-met', inconclusive: 'inconclusive', 'cannot-measure': 'cannot-measure', incomplete: 'incomplete', running: 'running', paused: 'paused' };
/** Markdown (the report, `watch --format md`). */
export const STATE_MARKDOWN: Record<CriterionState, string> = {
  met: '🔴 **rollback criterion met**',
  'not-met': '🟢 not met',
  inconclusive: '⚪ inconclusive (not a pass)',
  'cannot-measure': '⚪ cannot be measured (not a pass)',
  incomplete: '⏸ incomplete (not a pass)',
  running: '⏳ running',
  paused: '⏸ paused',
};
/** JUnit: met → <failure>, not met → passed, anything else → <skipped> (not a pass). */
export const STATE_JUNIT: Record<CriterionState, 'failure' | 'passed' | 'skipped'> = {
  met: 'failure',
  'not-met': 'passed',
  inconclusive: 'skipped',
  'cannot-measure': 'skipped',
  incomplete: 'skipped',
  running: 'skipped',
  paused: 'skipped',
};
/** The rollback table's verdict (the banner, the report's Rollback criteria). */
export const STATE_ROLLBACK: Record<CriterionState, 'triggered' | 'ok' | 'unmeasured'> = {
  met: 'triggered',
  'not-met': 'ok',
  inconclusive: 'unmeasured',
  'cannot-measure': 'unmeasured',
  incomplete: 'unmeasured',
  running: 'unmeasured',
  paused: 'unmeasured',
};

/**
 * A row of the rollback table (one figure against its limit, or a watched
 * criterion): triggered (met), ok (measured and within), unmeasured (needs a
 * person). Rendered per output through the maps below.
 */
export type RollbackVerdict = (typeof STATE_ROLLBACK)[CriterionState];
/** Markdown (the report's Rollback criteria). */
const ROLLBACK_MARKDOWN: Record<RollbackVerdict, string> = { triggered: STATE_MARKDOWN.met, ok: '🟢 within limits', unmeasured: '⚪ not measured' };
/** Markdown list words (the incident file). */
export const ROLLBACK_WORDS: Record<RollbackVerdict, string> = { triggered: '**MET**', ok: 'within limits', unmeasured: 'not measured' };

/** A rollback row in Markdown: a window that decided the row says what it is (incomplete, cannot be measured…); met and not met say the row's verdict. */
export function rollbackMarkdown(v: { verdict: RollbackVerdict; state?: CriterionState }): string {
  return v.state && v.state !== 'met' && v.state !== 'not-met' ? STATE_MARKDOWN[v.state] : ROLLBACK_MARKDOWN[v.verdict];
}

/** `incomplete (5/60 samples)`: a window that stopped before its end, how far it got. */
export function progressText(state: CriterionState, done: number, count: number): string {
  return state === 'incomplete' || state === 'running' || state === 'paused' ? `${state} (${done}/${count} samples)` : STATE_JSON[state];
}
