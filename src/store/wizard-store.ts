/**
 * The wizard's state machine: a zustand vanilla store (no React), so tests and
 * non-interactive callers drive it directly and the Ink view only subscribes.
 * Side effects arrive as injected dependencies (session, probe runner, command
 * runner, incident writer); every change goes to `session.apply` at once.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Checklist, Item, Section } from '../checklist/types.js';
import { probeJobs, type ProbeJob } from '../probes/jobs.js';
import type { RunOptions } from '../probes/runner.js';
import type { ProbeResult } from '../probes/types.js';
import type { Vars } from '../config/vars.js';
import { countResults, isFailing } from '../verdict/probe.js';
import { createRedactor, type Redactor } from '../secrets/redactor.js';
import { applyChange, type Change } from '../session/changes.js';
import type { ItemState, Session } from '../session/schema.js';
import type { OpenSession } from '../session/store.js';
import { evaluateRollback, type RollbackBanner } from './rollback.js';
import { fillIncidentTemplate, findIncidentTemplate, type IncidentFields } from './incident.js';
import { commandBlocks, firstWord, itemState, probeVerdict, walkSections } from './progress.js';
import { overridesProbes } from '../verdict/items.js';

export type Screen =
  | 'resume-picker'
  | 'overview'
  | 'section'
  | 'help'
  | 'note-editor'
  | 'skip-reason'
  | 'command-confirm'
  | 'emergency'
  | 'signoff';

/** Runs a command block (the whole fenced script); output arrives in chunks. */
export type CommandRunner = (
  script: string,
  opts: { signal: AbortSignal; onOutput: (chunk: string) => void },
) => Promise<{ exitCode: number | null }>;

export interface WizardDeps {
  checklist: Checklist;
  session: OpenSession;
  runProbes: (jobs: ProbeJob[], options: RunOptions) => Promise<ProbeResult[]>;
  vars: Vars;
  operator: string;
  /** Show what a command block would run instead of running it. */
  dryRun?: boolean;
  runCommand?: CommandRunner;
  /** Writes the filled incident template as incident number `n`; returns the file path. */
  writeIncident?: (n: number, text: string) => Promise<string>;
  /** Writes the Markdown report for the sign-off screen; returns its path. */
  writeReport?: (session: Session) => Promise<string>;
  /**
   * The previous session of this environment (asked once, after the first
   * frame): the banner judges response times against it as the report does.
   */
  previousSession?: () => Promise<Session | undefined>;
  /** Shown once on open, e.g. items added/removed by reconciliation. */
  notice?: string;
  /** Clock for durations (tests pin it). */
  now?: () => number;
}

export interface RunningProbe {
  key: string;
  itemId?: string;
  kind: string;
  spec: string;
  startedAt: number;
}

export interface RunSummary {
  passed: number;
  failed: number;
  other: number;
  durationMs: number;
  cancelled: boolean;
}

export interface CommandState {
  /** Index into the section's command blocks. */
  index: number;
  output: string;
  running: boolean;
  exitCode?: number | null;
  /** Set under --dry-run once confirmed: what would have run. */
  wouldRun?: string;
}

export interface WizardState {
  screen: Screen;
  /** Where help and the forms return to. */
  back: Screen;
  session: Session;
  /** Current position (persisted as a `cursor` change). */
  cursor: { sectionId: string; itemId?: string };
  /** Highlighted section on the overview. */
  overviewSectionId: string;
  running: Record<string, RunningProbe>;
  /** Finished results of this process, oldest first (rendered once, in <Static>). */
  results: ProbeResult[];
  lastRun?: RunSummary;
  banner?: RollbackBanner;
  error?: string;
  notice?: string;
  command?: CommandState;
  exit?: 'quit' | 'interrupt';
  /**
   * Changes not on disk because saving failed, with the one-line reason. Not
   * cleared by other actions (unlike `error`): only a save that succeeds
   * clears it. `copy`: where the unsaved document was written on exit.
   */
  unsaved?: { count: number; reason: string; kept: boolean; copy?: string };
  dryRun: boolean;
  operator: string;
  /** The checklist walked (the sign-off screen reads roles and statuses from it). */
  checklist: Checklist;
  /** Report writer for the sign-off screen (see WizardDeps). */
  writeReport?: (session: Session) => Promise<string>;
}

export interface WizardActions {
  /** Move the item cursor within the section (clamped). */
  moveItem(delta: number): void;
  /** Open the previous/next section in walk order. */
  moveSection(delta: number): void;
  /** Move the highlight on the overview. */
  moveOverview(delta: number): void;
  /** Open a section (default: the highlighted one) at its first item or the saved one. */
  openSection(sectionId?: string, itemId?: string): void;
  showOverview(): void;
  /** Jump to the Rollback Procedures section named by the banner. */
  jumpToRollback(): void;
  /** Open a help/form screen; `closeScreen` returns to where it came from. */
  openScreen(screen: Screen): void;
  closeScreen(): void;
  mark(state: Exclude<ItemState, 'skipped'>): Promise<void>;
  skip(reason: string): Promise<void>;
  note(text: string): Promise<void>;
  runItemProbes(): Promise<void>;
  runSectionProbes(): Promise<void>;
  cancelProbes(): void;
  /** Choose among the section's command blocks. */
  selectCommand(delta: number): void;
  /** Run the selected block once the operator typed its first word. */
  runCommandBlock(confirmation: string): Promise<void>;
  saveEmergency(fields: IncidentFields): Promise<void>;
  /** Apply any change (the sign-off screen uses it). */
  apply(change: Change): Promise<void>;
  dismiss(): void;
  /** Wait until every change handed to the session has been persisted. */
  flush(): Promise<void>;
  /** Save and quit (q). */
  quit(): Promise<void>;
  /** Ctrl-C / SIGTERM / SIGHUP: cancel, save, exit 130. */
  interrupt(): Promise<void>;
  /** Stop listening to the session (the caller closes it). */
  dispose(): void;
}

export type WizardStore = StoreApi<WizardState & WizardActions>;

const SCREENS_WITH_BACK: Screen[] = ['help', 'note-editor', 'skip-reason', 'command-confirm', 'emergency', 'signoff'];
/** Bytes of command output kept in the screen and in the evidence. */
const OUTPUT_LIMIT = 16_000;

/** Create the wizard store over an open session. */
/** One line for another operator's change, e.g. `grace marked "Backups verified" done`. */
export function describeRemote(by: string, event: Session['events'][number], checklist: Checklist): string {
  const item = event.itemId ? checklist.items.find((i) => i.id === event.itemId)?.text : undefined;
  const on = item ? ` "${item}"` : '';
  switch (event.what) {
    case 'item.state':
      return `${by} marked${on} ${event.detail ?? ''}`.trimEnd();
    case 'item.note':
      return `${by} noted${on}`;
    case 'probe.result':
      return `${by} ran a probe${on ? ` on${on}` : ''}: ${(event.detail ?? '').split(':')[0]}`;
    case 'signoff.sign':
      return `${by} signed (${event.detail ?? ''})`;
    default:
      return `${by} updated the session`;
  }
}

/** The wizard's line for unsaved work: what was not saved, why (said once), and how to get it saved. */
export function unsavedLine(u: NonNullable<WizardState['unsaved']>): string {
  const n = `${u.count} change${u.count === 1 ? '' : 's'}`;
  return u.kept
    ? `NOT SAVED: ${n} — ${u.reason}. They are kept here and saved with your next change (moving the cursor is enough); q tries once more.`
    : `NOT SAVED: ${n} lost — ${u.reason}. Make ${u.count === 1 ? 'it' : 'them'} again once saving works.`;
}

/** What a team-mode session adds to OpenSession (src/session/pg-store.ts). */
interface ConnectionAware {
  onConnectionChange(cb: (state: 'online' | 'offline') => void): () => void;
}

export function createWizardStore(deps: WizardDeps): WizardStore {
  const { checklist, session } = deps;
  const now = deps.now ?? Date.now;
  const redact: Redactor = createRedactor(deps.vars);
  const sections = walkSections(checklist);
  const sectionById = new Map(checklist.sections.map((s) => [s.id, s]));
  const itemById = new Map(checklist.items.map((i) => [i.id, i]));
  const pending = new Set<Promise<unknown>>();
  /** The previous session of this environment, once found (see WizardDeps.previousSession). */
  let previous: Session | undefined;
  /** Probe runs and command blocks under way: quitting waits until their (cancelled) results are handed over. */
  const runs = new Set<Promise<unknown>>();
  const tracked = <T>(p: Promise<T>): Promise<T> => {
    runs.add(p);
    void p.finally(() => runs.delete(p)).catch(() => {});
    return p;
  };
  let controller: AbortController | undefined;
  let commandController: AbortController | undefined;

  // A new session starts where the first item is (not on a title-only heading).
  const first = sectionById.get(checklist.items[0]?.sectionId ?? '') ?? sections[0] ?? checklist.sections[0];
  const saved = session.current().cursor;
  const savedSection = saved.sectionId && sectionById.has(saved.sectionId) ? saved.sectionId : undefined;
  const startSection = savedSection ?? first?.id ?? '';
  const startItem =
    savedSection && saved.itemId && sectionById.get(savedSection)!.itemIds.includes(saved.itemId)
      ? saved.itemId
      : sectionById.get(startSection)?.itemIds[0];

  const store = createStore<WizardState & WizardActions>()((set, get) => {
    const section = (): Section | undefined => sectionById.get(get().cursor.sectionId);
    const currentItem = (): Item | undefined => {
      const id = get().cursor.itemId;
      return id ? itemById.get(id) : undefined;
    };

    /** After a save attempt: what is still not on disk (the store's count when it keeps unsaved changes). */
    const noteSaveFailure = (err: unknown) => {
      const reason = redact(err instanceof Error ? err.message.split('\n')[0] : String(err));
      // A store that keeps unsaved changes retries them with the next write; one that does not has lost this change.
      const kept = typeof session.unsaved === 'function';
      const count = kept ? session.unsaved!() : (get().unsaved?.count ?? 0) + 1;
      set({ unsaved: { count, reason, kept }, session: session.current() });
    };
    const noteSaved = () => {
      const u = get().unsaved;
      if (!u?.kept || session.unsaved!() > 0) return;
      set({ unsaved: undefined, notice: `saved again: ${u.count === 1 ? 'the change' : `all ${u.count} changes`} that could not be saved are on disk now` });
    };

    /** Hand a change to the session now; show it at once; a failed save becomes `unsaved` (and is retried by the next change). */
    const applyNow = (change: Change): Promise<void> => {
      set({ session: applyChange(get().session, change, { who: deps.operator }) });
      const p = session.apply(change).then(
        (doc) => {
          // Only the last change in flight shows the saved document (see the subscriber below).
          if (pending.size <= 1) set({ session: doc });
          noteSaved();
        },
        noteSaveFailure,
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    };

    /**
     * On the way out with unsaved work: one more save, and when that fails too,
     * a copy of the document elsewhere so the work can be restored by hand.
     */
    const lastTry = async () => {
      if (!get().unsaved || !session.retrySave) return;
      try {
        await session.retrySave();
        noteSaved();
      } catch (err) {
        noteSaveFailure(err);
        const copy = await session.rescue?.().catch(() => undefined);
        if (copy) set({ unsaved: { ...get().unsaved!, copy } });
      }
    };

    const setCursor = (sectionId: string, itemId: string | undefined) => {
      set({ cursor: { sectionId, itemId }, overviewSectionId: sectionId });
      void applyNow({ type: 'cursor', sectionId, itemId });
    };

    const refreshBanner = () => set({ banner: evaluateRollback(get().session, checklist, previous) });

    /** Run probe jobs under one root AbortController; results are saved and decide item states. */
    const runJobs = (jobs: ProbeJob[]) => tracked(runJobsNow(jobs));
    const runJobsNow = async (jobs: ProbeJob[]) => {
      if (jobs.length === 0) {
        set({ error: 'no probes here: nothing to run' });
        return;
      }
      if (controller) {
        set({ error: 'probes are already running (Esc cancels them)' });
        return;
      }
      const ctl = new AbortController();
      controller = ctl;
      const started = now();
      const keyOf = new Map<ProbeJob, string>(jobs.map((j, i) => [j, `${j.itemId ?? ''}#${j.spec.line}#${i}`]));
      set({ error: undefined, lastRun: undefined });
      const byItem = new Map<string, ProbeResult[]>();
      const perItem = new Map<string, number>();
      for (const j of jobs) if (j.itemId) perItem.set(j.itemId, (perItem.get(j.itemId) ?? 0) + 1);
      try {
        await deps.runProbes(jobs, {
          vars: deps.vars,
          signal: ctl.signal,
          onStart: (job) => {
            const key = keyOf.get(job) ?? `${job.spec.line}`;
            set({ running: { ...get().running, [key]: { key, itemId: job.itemId, kind: job.spec.kind, spec: job.spec.raw, startedAt: now() } } });
          },
          onResult: (result, job) => {
            const key = keyOf.get(job);
            const running = { ...get().running };
            if (key) delete running[key];
            const r: ProbeResult = { ...result, itemId: result.itemId ?? job.itemId };
            set({ running, results: [...get().results, r] });
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
            void applyNow(state ? { type: 'probe.result', result: r, state } : { type: 'probe.result', result: r });
            refreshBanner();
          },
        });
      } catch (err) {
        // The runner promises never to reject; if it does, say so instead of crashing the screen.
        set({ error: `probe run failed: ${redact(err instanceof Error ? err.message : String(err))}` });
      } finally {
        controller = undefined;
      }
      const cancelled = ctl.signal.aborted;
      const counts = countResults([...byItem.values()].flat());
      set({
        running: {},
        lastRun: {
          passed: counts.passed,
          failed: counts.failed + counts.errors,
          other: counts.total - counts.passed - counts.failed - counts.errors,
          durationMs: now() - started,
          cancelled,
        },
      });
    };

    const jobsFor = (items: (Item | undefined)[]): ProbeJob[] => probeJobs(items.filter((it): it is Item => it !== undefined));

    /** The operator overrides the probes when they set a state their last run contradicts (the verdict core's rule). */
    const isOverride = (itemId: string, state: ItemState): boolean => overridesProbes(get().session.items[itemId]?.probes ?? [], state);

    /** Run the selected command block once the operator typed its first word. */
    const runCommandBlockNow = async (confirmation: string) => {
      const c = get().command;
      const block = commandBlocks(section())[c?.index ?? -1];
      if (!c || !block || c.running) return;
      const word = firstWord(block.text);
      if (confirmation.trim() !== word) {
        set({ error: `type "${word}" to confirm running this block` });
        return;
      }
      set({ error: undefined });
      if (deps.dryRun || !deps.runCommand) {
        set({ command: { ...c, wouldRun: `bash -c ${JSON.stringify(redact(block.text.trimEnd()))}` } });
        return;
      }
      const ctl = new AbortController();
      commandController = ctl;
      set({ command: { ...c, output: '', running: true, exitCode: undefined } });
      let output = '';
      let exitCode: number | null = null;
      try {
        ({ exitCode } = await deps.runCommand(block.text, {
          signal: ctl.signal,
          onOutput: (chunk) => {
            output = (output + chunk).slice(-OUTPUT_LIMIT);
            set({ command: { ...get().command!, output: redact(output) } });
          },
        }));
      } catch (err) {
        output += `\n${err instanceof Error ? err.message : String(err)}`;
      } finally {
        commandController = undefined;
      }
      const shown = redact(output);
      set({ command: { ...get().command!, output: shown, running: false, exitCode } });
      await applyNow({
        type: 'command.run',
        sectionId: get().cursor.sectionId,
        itemId: get().cursor.itemId,
        command: redact(block.text.trimEnd()),
        exitCode,
        output: shown,
      });
    };

    /** Cancel what runs, wait until its cancelled results are handed to the session, then for every save. */
    const stopAndSave = async () => {
      get().cancelProbes();
      while (runs.size > 0) await Promise.allSettled([...runs]);
      await get().flush();
    };

    return {
      screen: savedSection ? 'section' : 'overview',
      back: 'overview',
      session: session.current(),
      cursor: { sectionId: startSection, itemId: startItem },
      overviewSectionId: startSection,
      running: {},
      results: [],
      notice: deps.notice,
      dryRun: Boolean(deps.dryRun),
      operator: deps.operator,
      checklist,
      writeReport: deps.writeReport,

      moveItem(delta) {
        const s = section();
        if (!s || s.itemIds.length === 0) return;
        const i = Math.max(0, s.itemIds.indexOf(get().cursor.itemId ?? ''));
        const next = Math.min(s.itemIds.length - 1, Math.max(0, i + delta));
        if (s.itemIds[next] !== get().cursor.itemId) setCursor(s.id, s.itemIds[next]);
      },
      moveSection(delta) {
        const i = sections.findIndex((s) => s.id === get().cursor.sectionId);
        const next = sections[Math.min(sections.length - 1, Math.max(0, i + delta))];
        if (next && next.id !== get().cursor.sectionId) get().openSection(next.id);
      },
      moveOverview(delta) {
        const all = checklist.sections;
        const i = all.findIndex((s) => s.id === get().overviewSectionId);
        const next = all[Math.min(all.length - 1, Math.max(0, i + delta))];
        if (next) set({ overviewSectionId: next.id });
      },
      openSection(sectionId, itemId) {
        let id = sectionId ?? get().overviewSectionId;
        // A heading with nothing of its own opens its first walkable descendant.
        const target = sectionById.get(id);
        if (target && !sections.includes(target)) {
          const idx = checklist.sections.indexOf(target);
          const after = checklist.sections.slice(idx).find((s) => sections.includes(s));
          if (after) id = after.id;
        }
        const s = sectionById.get(id);
        if (!s) return;
        const keep = get().cursor.sectionId === id ? get().cursor.itemId : undefined;
        const item = itemId ?? keep ?? s.itemIds[0];
        set({ screen: 'section', error: undefined });
        setCursor(id, item);
      },
      showOverview() {
        set({ screen: 'overview', overviewSectionId: get().cursor.sectionId, error: undefined });
      },
      jumpToRollback() {
        const target = get().banner?.sectionId;
        if (!target) {
          set({ error: 'this checklist has no Rollback Procedures section' });
          return;
        }
        get().openSection(target);
      },
      openScreen(screen) {
        const cur = get().screen;
        if (screen === cur) return;
        if (screen === 'command-confirm') {
          const blocks = commandBlocks(section());
          if (blocks.length === 0) {
            set({ error: 'this section has no command blocks to run' });
            return;
          }
          set({ command: { index: 0, output: '', running: false } });
        }
        if ((screen === 'note-editor' || screen === 'skip-reason') && !currentItem()) {
          set({ error: 'no item selected' });
          return;
        }
        const back = SCREENS_WITH_BACK.includes(cur) ? get().back : cur;
        set({ screen, back, error: undefined });
      },
      closeScreen() {
        if (get().command?.running) return;
        set({ screen: get().back, command: undefined });
      },
      async mark(state) {
        const it = currentItem();
        if (!it) {
          set({ error: 'no item selected' });
          return;
        }
        set({ error: undefined });
        await applyNow({ type: 'item.state', itemId: it.id, state, override: isOverride(it.id, state) });
      },
      async skip(reason) {
        const it = currentItem();
        const why = reason.trim();
        if (!it) return;
        if (!why) {
          set({ error: 'a reason is required to skip an item' });
          return;
        }
        set({ screen: get().back, error: undefined });
        await applyNow({ type: 'item.state', itemId: it.id, state: 'skipped', reason: why, override: isOverride(it.id, 'skipped') });
      },
      async note(text) {
        const it = currentItem();
        if (!it) return;
        set({ screen: get().back });
        await applyNow({ type: 'item.note', itemId: it.id, note: text.trim() });
      },
      async runItemProbes() {
        const it = currentItem();
        if (!it || it.probes.length === 0) {
          set({ error: 'this item has no probes' });
          return;
        }
        await runJobs(jobsFor([it]));
      },
      async runSectionProbes() {
        const s = section();
        await runJobs(jobsFor((s?.itemIds ?? []).map((id) => itemById.get(id))));
      },
      cancelProbes() {
        controller?.abort();
        commandController?.abort();
      },
      selectCommand(delta) {
        const c = get().command;
        const n = commandBlocks(section()).length;
        if (!c || c.running || n === 0) return;
        set({ command: { index: (c.index + delta + n) % n, output: '', running: false } });
      },
      runCommandBlock(confirmation) {
        return tracked(runCommandBlockNow(confirmation));
      },
      async saveEmergency(fields) {
        const clean = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, redact(String(v).trim())])) as unknown as IncidentFields;
        if (!clean.status || !clean.severity || !clean.impact) {
          set({ error: 'status, severity and impact are required' });
          return;
        }
        const text = fillIncidentTemplate(findIncidentTemplate(checklist), clean);
        let file: string | undefined;
        if (deps.writeIncident) {
          try {
            file = await deps.writeIncident(get().session.incidents.length + 1, text);
          } catch (err) {
            set({ error: `could not write the incident file: ${redact(err instanceof Error ? err.message : String(err))}` });
          }
        }
        await applyNow({ type: 'incident', ...clean, file });
        set({ screen: get().back, notice: file ? `incident written to ${file}` : 'incident logged' });
      },
      async apply(change) {
        await applyNow(change);
      },
      dismiss() {
        set({ notice: undefined, error: undefined });
      },
      async flush() {
        while (pending.size > 0) await Promise.allSettled([...pending]);
      },
      async quit() {
        await stopAndSave();
        await lastTry();
        set({ exit: 'quit' });
      },
      async interrupt() {
        await stopAndSave();
        await lastTry();
        set({ exit: 'interrupt' });
      },
      dispose() {
        unsubscribe();
      },
    };
  });

  // Others' changes (team mode) and the store's own confirmed writes land here;
  // another operator's change is named so nobody wonders why the screen moved.
  const unsubscribeDoc = session.subscribe((doc, by) => {
    // Our own write while later changes of ours are still queued: that document
    // lacks them, and showing it would flick them off screen until they land.
    if (by === deps.operator && pending.size > 1) return;
    const before = store.getState().session;
    // Cursor moves log no event: only real changes by someone else are announced.
    const news = by && by !== deps.operator && doc.events.length > before.events.length ? doc.events[doc.events.length - 1] : undefined;
    const remote = news ? { notice: describeRemote(by, news, checklist) } : {};
    store.setState({ session: doc, banner: evaluateRollback(doc, checklist, previous), ...remote });
  });
  // Team mode: the store says when the database goes away and comes back.
  const offConnection = (session as Partial<ConnectionAware>).onConnectionChange?.((state) =>
    store.setState({
      notice: state === 'offline' ? 'team store offline: your changes are kept and will sync when it is back' : 'team store back online: changes synchronised',
    }),
  );
  const unsubscribe = () => {
    unsubscribeDoc();
    offConnection?.();
  };
  store.setState({ banner: evaluateRollback(session.current(), checklist) });
  void deps.previousSession?.().then(
    (doc) => {
      previous = doc;
      if (doc) store.setState({ banner: evaluateRollback(store.getState().session, checklist, previous) });
    },
    () => {}, // a comparison is a bonus: without it the banner judges the stored baselines alone
  );
  return store;
}
