/**
 * Probe runs: what is running, the results of this process, the last run's
 * summary. One result is one change to the session (its verdict rides on the
 * item's last result) and one store update, made when the session has it.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Item } from '../checklist/types.js';
import { probeJobs, type ProbeJob } from '../probes/jobs.js';
import type { ProbeResult } from '../probes/types.js';
import type { ItemState } from '../session/schema.js';
import { readOnlyLine } from '../session/signoff.js';
import { countResults, type ResultCounts } from '../verdict/probe.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { itemState, probeVerdict } from './progress.js';

export interface RunningProbe {
  key: string;
  itemId?: string;
  kind: string;
  spec: string;
  startedAt: number;
}

/** The last run: its results counted by the verdict core (the words its lines use), how long, whether cancelled. */
export interface RunSummary {
  counts: ResultCounts;
  durationMs: number;
  /** The run was cancelled (Esc). */
  cancelled: boolean;
}

export interface ProbeRunsSlice {
  running: Record<string, RunningProbe>;
  /** Finished results of this process, oldest first (rendered once, in <Static>). */
  results: ProbeResult[];
  lastRun?: RunSummary;
  runItemProbes(): Promise<void>;
  runSectionProbes(): Promise<void>;
  /** Esc: cancel the probes and the command block that run. */
  cancelProbes(): void;
}

export const probeRunsSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], ProbeRunsSlice> =>
  (set, get) => {
    const { deps, now, itemById } = ctx;
    const jobsFor = (items: (Item | undefined)[]): ProbeJob[] => probeJobs(items.filter((it): it is Item => it !== undefined));

    /** Run probe jobs under one root AbortController; results are saved and decide item states. */
    const runJobs = (jobs: ProbeJob[]) => ctx.tracked(runJobsNow(jobs));
    const runJobsNow = async (jobs: ProbeJob[]) => {
      if (jobs.length === 0) {
        set({ error: 'no probes here: nothing to run' });
        return;
      }
      if (ctx.controllers.probes) {
        set({ error: 'probes are already running (Esc cancels them)' });
        return;
      }
      if (get().session.status === 'completed') {
        // Their results could not be kept: say so before anything runs.
        set({ error: readOnlyLine(get().session) });
        return;
      }
      const ctl = new AbortController();
      ctx.controllers.probes = ctl;
      const started = now();
      const keyOf = new Map<ProbeJob, string>(jobs.map((j, i) => [j, `${j.itemId ?? ''}#${j.spec.line}#${i}`]));
      set({ error: undefined, lastRun: undefined });
      const byItem = new Map<string, ProbeResult[]>();
      const perItem = new Map<string, number>();
      for (const j of jobs) if (j.itemId) perItem.set(j.itemId, (perItem.get(j.itemId) ?? 0) + 1);
      /** The saves of this run's results: the run is over when the session has them all. */
      const saves: Promise<unknown>[] = [];
      try {
        await deps.runProbes(jobs, {
          vars: deps.vars,
          signal: ctl.signal,
          session: get().session,
          onStart: (job) => {
            const key = keyOf.get(job) ?? `${job.spec.line}`;
            set({ running: { ...get().running, [key]: { key, itemId: job.itemId, kind: job.spec.kind, spec: job.spec.raw, startedAt: now() } } });
          },
          onResult: (result, job) => {
            const key = keyOf.get(job);
            const r: ProbeResult = { ...result, itemId: result.itemId ?? job.itemId };
            let state: ItemState | undefined;
            if (r.itemId) {
              const rs = [...(byItem.get(r.itemId) ?? []), r];
              byItem.set(r.itemId, rs);
              // The item's last probe of this run carries its verdict: one change, one write.
              // A cancelled run says nothing about the items: their states stay.
              const item = itemById.get(r.itemId);
              const verdict = item && rs.length === perItem.get(r.itemId) && !ctl.signal.aborted ? probeVerdict(item, rs) : undefined;
              if (verdict && itemState(get().session, r.itemId) !== verdict) state = verdict;
            }
            // The result leaves the running lines and joins the finished ones in the same update as the saved document.
            const shown = (): Partial<Wizard> => {
              const running = { ...get().running };
              if (key) delete running[key];
              return { running, results: [...get().results, r] };
            };
            saves.push(ctx.applyNow(state ? { type: 'probe.result', result: r, state } : { type: 'probe.result', result: r }, { shown: 'saved', with: shown }));
          },
        });
      } catch (err) {
        // The runner promises never to reject; if it does, say so instead of crashing the screen.
        set({ error: `probe run failed: ${ctx.redact(err instanceof Error ? err.message : String(err))}` });
      } finally {
        ctx.controllers.probes = undefined;
      }
      const durationMs = now() - started;
      await Promise.allSettled(saves);
      const cancelled = ctl.signal.aborted;
      const counts = countResults([...byItem.values()].flat());
      set({
        running: {},
        lastRun: {
          counts,
          durationMs,
          cancelled,
        },
      });
    };

    return {
      running: {},
      results: [],
      async runItemProbes() {
        const it = ctx.currentItem();
        if (!it || it.probes.length === 0) {
          set({ error: it ? 'this item has no probes' : 'this section has no items, so no probes to run (→/l goes to the next section)' });
          return;
        }
        await runJobs(jobsFor([it]));
      },
      async runSectionProbes() {
        const s = ctx.section();
        await runJobs(jobsFor((s?.itemIds ?? []).map((id) => itemById.get(id))));
      },
      cancelProbes() {
        ctx.controllers.probes?.abort();
        ctx.controllers.command?.abort();
      },
    };
  };
