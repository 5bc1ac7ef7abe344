/**
 * The watch loop: each criterion measured every `intervalMs`, `count` times,
 * through the probe runner (deadlines, cancellation, redaction are its), each
 * measurement judged by the window judge. Stops everything as soon as one
 * criterion is met (exit 1 without waiting for the window to end); a criterion
 * whose window ended inconclusive stops alone, the others go on. A cancelled
 * measurement (Ctrl-C) is not recorded: what was measured before it is kept.
 *
 * The window is `count × interval` long and each measurement stands for its
 * interval, so a window that takes all its measurements ends at
 * `t0 + count × interval`, not at its last measurement: the loop waits out the
 * last interval (`--for 10s --interval 2s`: 5 samples, ended after 10 s, as
 * announced). A window ended early (met, over its inconclusive limit, Ctrl-C)
 * ends at once.
 */
import type { Criterion } from '../checklist/types.js';
import { runProbes } from '../probes/runner.js';
import type { Vars } from '../probes/types.js';
import { isCancelled } from '../probes/verdict.js';
import { judgeWindow, measurementOf, unmeasurableVerdict, worstPhase, type Measurement, type Unmeasurable, type WindowLimits, type WindowPhase, type WindowVerdict } from './judge.js';

export interface CriterionWatch {
  criterion: Criterion;
  limits: WindowLimits;
  measurements: Measurement[];
  verdict: WindowVerdict;
  /** Could not be measured at all (no baseline anywhere, a variable unset): said from the start, never measured; the others go on. */
  cannot?: Unmeasurable;
  /** The baseline a baseline criterion compares with, and where it came from. */
  reference?: { ms: number; from: string };
}

export interface WatchOutcome {
  watches: CriterionWatch[];
  /** The worst criterion's phase (`running` when a window was cut short before its end: incomplete). */
  phase: WindowPhase;
  /** The criterion met first, when one was. */
  met?: CriterionWatch;
  interrupted: boolean;
}

export interface WatchOptions {
  vars: Vars;
  /** Ctrl-C: stop measuring, keep what was measured. */
  signal?: AbortSignal;
  /** Deadline of one measurement when the annotation sets none (default: the interval, at most 10 s). */
  defaultTimeoutMs?: number;
  /** Epoch ms (injectable for tests). */
  now?: () => number;
  /** Start of the window's interval grid (epoch ms; default now): a resumed watch passes its saved start. */
  startedAt?: number;
  /** The watches as they start (live views read them as they fill). */
  onStart?: (watches: readonly CriterionWatch[]) => void;
  onMeasurement?: (watch: CriterionWatch, measurement: Measurement) => void;
  /** The first criterion met, once. */
  onMet?: (watch: CriterionWatch) => void;
}

/** Resolve after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A criterion to watch; `measurements`: those of the window so far (a resumed watch), the loop goes on from there. */
export async function runWatch(
  criteria: { criterion: Criterion; limits: WindowLimits; measurements?: Measurement[]; cannot?: Unmeasurable; reference?: { ms: number; from: string } }[],
  opts: WatchOptions,
): Promise<WatchOutcome> {
  const now = opts.now ?? Date.now;
  // One controller for the whole watch: Ctrl-C, or a criterion met, stops every loop.
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const watches: CriterionWatch[] = criteria.map(({ criterion, limits, measurements = [], cannot, reference }) => ({
    criterion,
    limits,
    measurements: [...measurements],
    verdict: cannot ? unmeasurableVerdict(cannot) : judgeWindow(measurements, limits, false),
    ...(cannot ? { cannot } : {}),
    ...(reference ? { reference } : {}),
  }));
  let met: CriterionWatch | undefined;
  const t0 = opts.startedAt ?? now();
  opts.onStart?.(watches);

  const loop = async (w: CriterionWatch) => {
    if (w.cannot) return;
    for (let i = w.measurements.length; i < w.limits.count && !stop.signal.aborted && w.verdict.phase === 'running'; i++) {
      await pause(t0 + i * w.limits.intervalMs - now(), stop.signal);
      if (stop.signal.aborted) break;
      const startedAt = new Date(now()).toISOString();
      // The probe's own deadline (declared, else the default), never the interval: a deadline equal to
      // the interval made a verdict depend on the scheduler (a loaded machine turned a slow answer into
      // "no answer"). The loop is sequential: a late measurement only delays the next one.
      const timeout = w.criterion.probe.timeoutMs ?? opts.defaultTimeoutMs ?? 10_000;
      const [result] = await runProbes([{ itemId: w.criterion.itemId, spec: w.criterion.probe }], {
        vars: opts.vars,
        signal: stop.signal,
        concurrency: 1,
        defaultTimeoutMs: timeout,
      });
      if (isCancelled(result)) break;
      const m = measurementOf(result, startedAt, new Date(now()).toISOString(), w.criterion.probe.kind);
      w.measurements.push(m);
      w.verdict = judgeWindow(w.measurements, w.limits, false);
      opts.onMeasurement?.(w, m);
      if (w.verdict.phase === 'failed') {
        if (!met) {
          met = w;
          // Said once, by the loop that decided it (the CLI's notification; the wizard's goes with the session change).
          opts.onMet?.(w);
        }
        stop.abort(new Error('rollback criterion met'));
      }
    }
    // All its measurements taken: the window still covers the last one's interval.
    if (w.measurements.length >= w.limits.count && !stop.signal.aborted) await pause(t0 + w.limits.count * w.limits.intervalMs - now(), stop.signal);
  };
  try {
    await Promise.all(watches.map(loop));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const interrupted = opts.signal?.aborted === true;
  // A window ends when all its measurements were taken; a stopped one keeps its running verdict (incomplete, never a pass).
  for (const w of watches) w.verdict = w.cannot ? unmeasurableVerdict(w.cannot) : judgeWindow(w.measurements, w.limits, w.measurements.length >= w.limits.count);
  return { watches, phase: met ? 'failed' : worstPhase(watches.map((w) => w.verdict.phase)), met, interrupted };
}
