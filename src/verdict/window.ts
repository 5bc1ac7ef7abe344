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

export const MEASUREMENT_PHASES = ['successful', 'failed', 'inconclusive', 'error'] as const;
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

export const WINDOW_PHASES = ['running', 'successful', 'failed', 'inconclusive'] as const;
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

export function plural(n: number, word: string): string {
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
export const ERROR_PHASE: Readonly<Record<string, MeasurementPhase>> = { http: 'failed', baseline: 'failed' };

/** The figure each kind's measurement is charted by. */
export const VALUE_KEY: Readonly<Record<string, string>> = { prometheus: 'value', baseline: 'p50_ms', http: 'latency_ms' };

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
  const value = valueKey !== undefined ? metrics[valueKey] : Object.values(metrics)[0];
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

/**
 * The verdict of a saved window (a watch in the session): ended once all its
 * slots are taken, or the watch `stopped` because it ended or the session was
 * completed (`signoff`: judged over the samples so far, never left running).
 */
export function savedVerdict(c: { measurements: readonly Measurement[]; limits: WindowLimits }, stopped?: string): WindowVerdict {
  return judgeWindow(c.measurements, c.limits, c.measurements.length >= c.limits.count || stopped === 'ended' || stopped === 'signoff');
}

/** The verdict of a whole watch: the worst criterion decides (failed > inconclusive > running > successful). */
export const WATCH_ORDER: Record<WindowPhase, number> = { successful: 0, running: 1, inconclusive: 2, failed: 3 };

export function worstPhase(phases: Iterable<WindowPhase>): WindowPhase {
  let out: WindowPhase = 'successful';
  for (const p of phases) if (WATCH_ORDER[p] > WATCH_ORDER[out]) out = p;
  return out;
}

/** Exit code of `watch` (DESIGN.md): 0 none met, 1 one met, 3 inconclusive. */
export function watchExitCode(phase: WindowPhase): 0 | 1 | 3 {
  return phase === 'failed' ? 1 : phase === 'successful' ? 0 : 3;
}
