/**
 * The wizard's watch of the rollback criteria, as a zustand slice: it lives in
 * the store, not in a component, so it keeps measuring while the operator
 * walks other sections. The loop is `deploy-wizard watch`'s (src/watch/run.ts)
 * over the same criteria and limits (src/watch/criteria.ts); each measurement
 * is one session change (one write), so the session holds the window and a
 * resumed wizard continues it on the same interval grid.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Checklist, Criterion } from '../checklist/types.js';
import type { Vars } from '../config/vars.js';
import type { Session, WatchRecord } from '../session/schema.js';
import { findWatch } from '../session/changes.js';
import { resolveLimits, unmeasurable } from '../watch/criteria.js';
import { BASELINE_VAR, chooseBaseline, withBaseline, type BaselineChoice } from '../session/baseline.js';
import { clockText } from '../grammar/time-format.js';
import { missedSlots, savedVerdict, worstPhase, type Measurement, type WindowLimits, type WindowVerdict } from '../watch/judge.js';
import { baselineOf, thresholdOf, thresholdText, verdictWord } from '../watch/format.js';
import type { Wizard } from './wizard-store.js';

export interface WatchSlice {
  /** This wizard is measuring the session's latest watch now. */
  watching: boolean;
  /**
   * Set while `s` waits for y/n: a window of this session met a criterion, and
   * a new window must not look like it wiped that decision.
   */
  watchQuestion?: string;
  /** Per criterion id, what it is held against in words (`max +50 % of 20 ms`) and the baseline it compares with: the watch screen's figures. */
  watchLimits: Record<string, { threshold: string; baselineMs?: number; window: WindowLimits }>;
  /** Start a watch over the checklist's rollback criteria (`watch:` annotations); after a met window, ask first. */
  startWatch(): void;
  /** What watchQuestion asks: to start a new window, or to stop the running one (x). */
  watchAsking?: 'start' | 'stop';
  /** The answer to watchQuestion: y starts the new window (or stops the running one), n leaves things as they are. */
  answerWatch(yes: boolean): void;
  /** x: ask before stopping the running window (it would end incomplete, and resume would not continue it). */
  askStopWatch(): void;
  /** Stop the running watch for good (recorded; resume does not continue it). */
  stopWatch(): Promise<void>;
  /**
   * Continue the session's unfinished watch where its window is now, whoever
   * started it, unless its starter has the session open right now (team mode:
   * the store's presence; file mode: the lock means one wizard, so always).
   */
  resumeWatch(): void;
  /** Stop measuring without ending the window (quit, interrupt): resume continues it. */
  suspendWatch(): Promise<void>;
}

export interface WatchSliceDeps {
  checklist: Checklist;
  vars: Vars;
  operator: string;
  /** Epoch ms (the store's clock). */
  now: () => number;
  /** Team mode: how long the others' presence takes to arrive before another operator's window is taken over (default PRESENCE_SETTLE_MS). */
  presenceSettleMs?: number;
}

/** The others' "here" answers the hello at once; a heartbeat later their absence is real. */
const PRESENCE_SETTLE_MS = 1500;

type Full = Wizard;

const NO_CRITERIA = 'no rollback criteria to watch in this checklist: annotate one with <!-- watch: KIND ... --> (docs/checklist-format.md)';

export function createWatchSlice(deps: WatchSliceDeps): StateCreator<Full, [], [], WatchSlice> {
  const byId = new Map((deps.checklist.criteria ?? []).map((c) => [c.id, c]));
  return (set, get) => {
    let controller: AbortController | undefined;
    let loop: Promise<void> | undefined;
    let suspending = false;
    // Team mode: until the others have answered our hello, their absence from `team.here` means nothing.
    let presenceSettled = false;
    let settleTimer: ReturnType<typeof setTimeout> | undefined;

    /** Measure the latest watch record from where it is; record how it ended unless suspended. */
    const run = (record: WatchRecord) => {
      const planned = record.criteria.flatMap((c) => {
        const criterion = byId.get(c.id);
        return criterion ? [{ criterion, limits: c.limits, measurements: c.measurements, ...(c.cannot ? { cannot: c.cannot } : {}), ...(c.reference ? { reference: c.reference } : {}) }] : [];
      });
      const reference = record.criteria.find((c) => c.reference)?.reference;
      const ctl = new AbortController();
      controller = ctl;
      set({ watching: true });
      loop = (async () => {
        let why: NonNullable<WatchRecord['stopped']> = 'operator';
        try {
          // The probe libraries load with the first watch, not for the first frame.
          const { runWatch } = await import('../watch/run.js');
          const outcome = await runWatch(planned, {
            // The window keeps the baseline it started with (a resumed window too).
            vars: reference ? { ...deps.vars, [BASELINE_VAR]: String(reference.ms) } : withBaseline(deps.vars, baselineNow()),
            signal: ctl.signal,
            now: deps.now,
            startedAt: Date.parse(record.startedAt),
            onMeasurement: (w, m) => {
              // A completed session is read-only: the watch ends with it (its measurements so far stay).
              if (get().session.status === 'completed') return void ctl.abort(new Error('the session was completed'));
              // Another wizard stopped this window (a new one replaced it): nothing more to measure here.
              if (findWatch(get().session, record.startedAt)?.stopped) return void ctl.abort(new Error('the window was stopped elsewhere'));
              void get().apply({ type: 'watch.measurement', startedAt: record.startedAt, criterionId: w.criterion.id, measurements: [m] });
            },
          });
          why = outcome.met ? 'met' : outcome.interrupted ? 'operator' : 'ended';
          // The "watching" line goes when the window ends: say how it ended, until the next key.
          if (why !== 'operator') {
            const how = outcome.met ? `${verdictWord('failed')}: ${outcome.met.criterion.text}` : `${verdictWord(worstPhase(outcome.watches.map((w) => w.verdict.phase)))}${outcome.phase === 'successful' ? ' (none met)' : ''}`;
            set({ notice: `watch ended: ${how}` });
          }
        } catch (err) {
          set({ error: `the watch stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
        } finally {
          controller = undefined;
          set({ watching: false });
        }
        if (!suspending && get().session.status !== 'completed') await get().apply({ type: 'watch.stop', startedAt: record.startedAt, why });
      })();
    };

    /** The baseline now, by the one precedence: this session's own measurement, the last SUCCESS session's (in deps.vars since start), BASELINE_P50_MS. */
    const baselineNow = (): BaselineChoice => chooseBaseline(get().session, undefined, deps.vars[BASELINE_VAR], get().session.environment);

    /** Each criterion as a window to record: its limits, and why it cannot be measured or which baseline it compares with. */
    const planCriteria = (criteria: readonly Criterion[]) => {
      const baseline = baselineNow();
      const vars = withBaseline(deps.vars, baseline);
      const explain: Record<string, string> = baseline.ok ? {} : { [BASELINE_VAR]: baseline.why };
      return criteria.map((c) => {
        const cannot = unmeasurable(c, vars, explain);
        const usesBaseline = baseline.ok && !cannot && c.probe.kind === 'baseline' && String(c.probe.params.baseline_ms ?? '').includes(BASELINE_VAR);
        const from = baseline.ok ? (baseline.from === 'this session' ? 'this session' : baseline.from === 'last success' ? `session ${baseline.sessionId} (the last SUCCESS)` : BASELINE_VAR) : '';
        return {
          id: c.id,
          text: c.text,
          kind: c.probe.kind,
          spec: c.probe.raw,
          limits: resolveLimits(c.window),
          ...(cannot ? { cannot } : {}),
          ...(usesBaseline ? { reference: { ms: Number(vars[BASELINE_VAR]), from } } : {}),
        };
      });
    };

    /** When a window of the session met a criterion: the latest such window's stop time. */
    const metAt = (): string | undefined => {
      const met = (get().session.watches ?? []).filter((w) => w.stopped === 'met');
      const last = met.at(-1);
      return last ? (last.stoppedAt ?? last.startedAt) : undefined;
    };

    const start = (confirmed: boolean) => {
        if (controller) {
          set({ error: 'a watch is running already (x stops it)' });
          return;
        }
        const criteria = deps.checklist.criteria ?? [];
        if (!criteria.length) {
          set({ error: NO_CRITERIA });
          return;
        }
        // A criterion that cannot be measured (no baseline anywhere, a variable unset) is recorded as such and
        // never stops the others; only a watch where nothing at all can be measured is refused, saying why for each.
        const plan = planCriteria(criteria);
        if (plan.every((p) => p.cannot)) {
          set({ error: `nothing to watch: ${plan.map((p) => `"${p.text}" cannot be measured: ${p.cannot!.why}`).join('; ')}` });
          return;
        }
        // An unfinished window (measured in another wizard, or paused): a new one replaces it only when asked.
        const open = get().session.watches?.at(-1);
        if (open && !open.stopped && !confirmed) {
          set({ watchAsking: 'start', watchQuestion: `A window started by ${open.by} at ${clockText(open.startedAt, { seconds: false })} is still open. Start a new one (the old one is stopped)? y/n` });
          return;
        }
        const met = metAt();
        if (met && !confirmed) {
          set({ watchAsking: 'start', watchQuestion: `A criterion was met at ${clockText(met, { seconds: false })}. Start a new window? y/n` });
          return;
        }
        if (open && !open.stopped) void get().apply({ type: 'watch.stop', startedAt: open.startedAt, why: 'operator' });
        const startedAt = new Date(deps.now()).toISOString();
        void get().apply({
          type: 'watch.start',
          startedAt,
          criteria: plan,
        });
        // Applied at once (or refused: a completed session; the error line says so).
        const record = get().session.watches?.at(-1);
        if (record && record.startedAt === startedAt && !record.stopped) {
          set({ error: undefined });
          run(record);
        }
    };

    return {
      watching: false,
      watchQuestion: undefined,
      watchAsking: undefined,
      watchLimits: Object.fromEntries(
        (deps.checklist.criteria ?? []).map((c) => {
          const baselineMs = baselineOf(c, deps.vars);
          return [c.id, { threshold: thresholdText(c, deps.vars), window: resolveLimits(c.window), ...(baselineMs !== undefined ? { baselineMs } : {}) }];
        }),
      ),
      startWatch() {
        start(false);
      },
      answerWatch(yes) {
        if (!get().watchQuestion) return;
        const asking = get().watchAsking;
        set({ watchQuestion: undefined, watchAsking: undefined });
        if (!yes) return;
        if (asking === 'stop') void get().stopWatch();
        else start(true);
      },
      askStopWatch() {
        if (!controller) {
          set({ error: 'no watch is running (s starts one)' });
          return;
        }
        const record = get().session.watches?.at(-1);
        const progress = (record?.criteria ?? []).filter((c) => !c.cannot).map((c) => `${c.measurements.length}/${c.limits.count}`).join(', ');
        set({ watchAsking: 'stop', watchQuestion: `Stop the watch? The window ends incomplete (${progress} samples) and resume will not continue it. y/n` });
      },
      async stopWatch() {
        if (!controller) {
          set({ error: 'no watch is running (s starts one)' });
          return;
        }
        controller.abort(new Error('stopped by the operator'));
        await loop;
      },
      resumeWatch() {
        const record = get().session.watches?.at(-1);
        if (controller || !record || record.stopped || starterElsewhere(get(), record, deps.operator) || get().session.status === 'completed') return;
        // Team mode: who is here is learned a moment after opening; someone else's window waits for that before taking it over.
        if (record.by !== deps.operator && get().team && !presenceSettled) {
          settleTimer ??= setTimeout(() => {
            presenceSettled = true;
            get().resumeWatch();
          }, deps.presenceSettleMs ?? PRESENCE_SETTLE_MS);
          settleTimer.unref?.();
          return;
        }
        // Another operator's window: this wizard takes it over, and the session says who did.
        if (record.by !== deps.operator && record.continuedBy?.at(-1) !== deps.operator) void get().apply({ type: 'watch.continue', startedAt: record.startedAt });
        const t0 = Date.parse(record.startedAt);
        // Slots that passed while the wizard was closed are saved as missed (inconclusive), never invented.
        for (const c of record.criteria) {
          const missed = missedSlots(c.limits, t0, deps.now(), c.measurements.length);
          if (missed.length) void get().apply({ type: 'watch.measurement', startedAt: record.startedAt, criterionId: c.id, measurements: missed });
        }
        const now = get().session.watches!.at(-1)!;
        // Every window ended (full, or over a limit with the missed slots): recorded as ended, nothing measured.
        if (now.criteria.every((c) => savedVerdict(c).phase !== 'running' || !byId.has(c.id))) {
          void get().apply({ type: 'watch.stop', startedAt: record.startedAt, why: 'ended' });
          return;
        }
        run(now);
      },
      async suspendWatch() {
        if (settleTimer) clearTimeout(settleTimer);
        if (!controller) return;
        suspending = true;
        controller.abort(new Error('suspended'));
        await loop;
        suspending = false;
      },
    };
  };
}

/**
 * The window's starter has this session open right now in another wizard
 * (team mode, the store's presence), which measures it: this one must not.
 * File mode has no presence: the session lock means one wizard, so never.
 */
export function starterElsewhere(s: Pick<Wizard, 'team'>, record: Pick<WatchRecord, 'by'>, operator: string): boolean {
  return record.by !== operator && (s.team?.here ?? []).includes(record.by);
}

export type SampleGap = 'error' | 'missed' | 'no-data';

/** Why a measurement has no value, for the sparkline's marks. */
function gapOf(m: Measurement): SampleGap | undefined {
  if (m.value !== undefined) return undefined;
  if (m.missed) return 'missed';
  return m.phase === 'error' || m.phase === 'failed' ? 'error' : 'no-data';
}

/** One row of the watch screen: a criterion, its series over the window and its verdict. */
export interface WatchRow {
  id: string;
  text: string;
  /** The charted value of each measurement (undefined: no value, e.g. no data or missed). */
  series: (number | undefined)[];
  /** What each measurement without a value was: `error` (the probe failed to ask), `missed` (the wizard was closed), `no-data`. */
  gaps: (SampleGap | undefined)[];
  /** The criterion's probe kind (units of its figures). */
  kind: string;
  threshold?: { value: number; sense: 'max' | 'min' };
  latest?: Measurement;
  done: number;
  count: number;
  /** Slots missed while the wizard was closed. */
  missed: number;
  verdict: WindowVerdict;
  /** Could not be measured at the start: why. */
  cannot?: { reason: string; why: string };
  /** The baseline this window compares with, and where it came from. */
  reference?: { ms: number; from: string };
}

/** The rows of the session's latest watch (pure: the screen and tests ask this). */
export function watchRows(session: Pick<Session, 'watches'>, checklist: Pick<Checklist, 'criteria'>): WatchRow[] {
  const record = session.watches?.at(-1);
  if (!record) return [];
  const byId = new Map((checklist.criteria ?? []).map((c) => [c.id, c]));
  return record.criteria.map((c) => {
    const ms: Measurement[] = c.measurements;
    const criterion: Criterion | undefined = byId.get(c.id);
    const threshold = criterion ? thresholdOf({ criterion }) : undefined;
    return {
      id: c.id,
      text: c.text,
      series: ms.map((m) => m.value),
      gaps: ms.map(gapOf),
      kind: c.kind,
      ...(threshold ? { threshold } : {}),
      latest: ms.at(-1),
      done: ms.length,
      count: c.limits.count,
      missed: ms.filter((m) => m.missed).length,
      verdict: savedVerdict(c, record.stopped),
      ...(c.cannot ? { cannot: c.cannot } : {}),
      ...(c.reference ? { reference: c.reference } : {}),
    };
  });
}
