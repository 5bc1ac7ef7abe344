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
import { applyChange, ChangeRefused, type Change } from '../session/changes.js';
import { completionGuard, readOnlyLine, sessionFingerprint, signoffPolicy, unsignedRoles } from '../session/signoff.js';
import type { ItemState, Session } from '../session/schema.js';
import type { OpenSession } from '../session/store.js';
import { describeConflict } from '../session/item-conflict.js';
import { evaluateRollback, type RollbackBanner } from './rollback.js';
import { fillIncidentTemplate, findIncidentTemplate, incidentHeader, templateChoices, type IncidentFields } from './incident.js';
import { itemState, probeVerdict, walkSections } from './progress.js';
import { commandChoices, judgeRun, missingVariables } from './command-plan.js';
import { overridesProbes } from '../verdict/items.js';
import { createWatchSlice, type WatchSlice } from './watch-slice.js';

export type Screen =
  | 'resume-picker'
  | 'overview'
  | 'section'
  | 'help'
  | 'detail'
  | 'note-editor'
  | 'skip-reason'
  | 'command-confirm'
  | 'emergency'
  | 'signoff'
  | 'watch';

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
  /** Index into the section's command choices (blocks, or the alternatives of one; src/store/command-plan.ts). */
  index: number;
  output: string;
  running: boolean;
  exitCode?: number | null;
  /** Set under --dry-run once confirmed: what would have run. */
  wouldRun?: string;
  /** After a run: why it counts as failed (non-zero exit, killed, a `… FAILED` line), else undefined. */
  failed?: string;
  /** Placeholders of the chosen script, the variable each maps to and its (redacted) value when set. */
  variables: { placeholder: string; variable: string; value?: string }[];
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
  /**
   * Team mode only: the session id, who has it open now, and the connection.
   * Shown as a line of its own while the session is open, so going offline
   * stays on screen (with the count of changes queued here) whatever is pressed.
   */
  team?: TeamStatus;
  dryRun: boolean;
  operator: string;
  /** What the reason form asks for: a skip, or a failed item marked otherwise (done, n/a). */
  reasonFor?: 'skipped' | 'done' | 'na';
  /** The checklist walked (the sign-off screen reads roles and statuses from it). */
  checklist: Checklist;
  /** Report writer for the sign-off screen (see WizardDeps). */
  writeReport?: (session: Session) => Promise<string>;
  /** The open incident, while its status is not RESOLVED: when its next update is due (epoch ms). */
  incident?: { n: number; dueAt: number; everyMin: number };
  /** The store's clock (the reminder counts minutes with it; tests pin it). */
  clock: () => number;
  /** What the last sign-off action said: a refusal (`error`), what happened, where the report went. */
  signoff: SignoffFeedback;
}

export interface SignoffFeedback {
  error?: string;
  notice?: string;
  reportPath?: string;
  reportError?: string;
  /** A sign-off action is being saved. */
  busy?: boolean;
}

/** What completing the sign-off records besides the signatures already there. */
export interface Completion {
  status: string;
  notes: string;
  nextSteps: string;
  overrideReason?: string;
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
  /** Choose among the section's command choices (relative move). */
  selectCommand(delta: number): void;
  /** Choose the command choice at `index` (the alternatives picker). */
  chooseCommand(index: number): void;
  /** Run the selected block once the operator typed its first word. */
  runCommandBlock(confirmation: string): Promise<void>;
  saveEmergency(fields: IncidentFields): Promise<void>;
  /** Apply any change. */
  apply(change: Change): Promise<void>;
  /** Sign `role` as this terminal's operator, bound to the session as it is now. */
  signRole(role: string, signature: string): Promise<boolean>;
  /** Withdraw this operator's own signature of `role`. */
  revokeRole(role: string): Promise<boolean>;
  /** Record the status (every role signed, or an override reason), then write the report. */
  completeSignoff(c: Completion): Promise<boolean>;
  /** Make a completed session editable again (recorded with who and why). */
  reopenSession(reason: string): Promise<boolean>;
  /** Write the Markdown report of the session as it is now. */
  writeSignoffReport(): Promise<void>;
  /** Forget the sign-off screen's last message. */
  clearSignoffFeedback(): void;
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

export type WizardStore = StoreApi<WizardState & WizardActions & WatchSlice>;

const SCREENS_WITH_BACK: Screen[] = ['help', 'detail', 'note-editor', 'skip-reason', 'command-confirm', 'emergency', 'signoff'];
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
      return `${by} signed ${event.detail ?? ''}`.trimEnd();
    case 'signoff.revoke':
      return `${by} revoked the signature of ${(event.detail ?? '').split(':')[0]}`;
    case 'signoff.complete':
      return `${by} completed the sign-off (${event.detail ?? ''}): the session is read-only now`;
    case 'signoff.reopen':
      return `${by} reopened the session: ${event.detail ?? ''}`;
    default:
      return `${by} updated the session`;
  }
}

function conflictKey(e: Session['events'][number]): string {
  return `${e.at}|${e.who}|${e.itemId ?? ''}`;
}

/**
 * The line for the newest conflict this operator is part of and has not been
 * told about yet (marking the new ones seen), e.g. `bob marked "Backups
 * verified" failed 0.2 s after you marked it done; failed stays (…)`.
 */
export function newConflictLine(doc: Session, operator: string, checklist: Checklist, seen: Set<string>): string | undefined {
  let line: string | undefined;
  for (let i = doc.events.length - 1; i >= 0; i--) {
    const e = doc.events[i];
    if (!e.conflict) continue;
    const key = conflictKey(e);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!line && (e.who === operator || e.conflict.other === operator)) {
      line = describeConflict(e.conflict, e.who, e.at, operator, checklist.items.find((it) => it.id === e.itemId)?.text);
    }
  }
  return line;
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
  connectionState?(): 'online' | 'offline';
  pendingCount?(): number;
  presence?(): string[];
  onPresenceChange?(cb: (here: string[], who: string, joined: boolean) => void): () => void;
}

export interface TeamStatus {
  sessionId: string;
  /** Who has the session open now, this operator included. */
  here: string[];
  offline: boolean;
  /** Changes made here and not yet in the database. */
  queued: number;
}

/** The team line: `team session production-…  here: ada, grace` (plus the offline state). */
export function teamLine(t: TeamStatus): string {
  const base = `session ${t.sessionId} · here: ${t.here.join(', ') || '—'}`;
  if (!t.offline) return base;
  const n = `${t.queued} change${t.queued === 1 ? '' : 's'}`;
  return `OFFLINE — ${n} queued here, saved when the team store is back · ${base}`;
}
interface RefusalAware {
  onRefused(cb: (message: string) => void): () => void;
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

  // The incident template's own Status/Severity values and update interval (checklist's Communication Template).
  const template = findIncidentTemplate(checklist);
  const allowed = templateChoices(template);
  /** The reminder for the last incident logged, unless it is resolved or the template names no interval. */
  const reminderOf = (doc: Session): WizardState['incident'] => {
    const last = doc.incidents.at(-1);
    if (!last || !allowed.updateEveryMin || /RESOLVED/i.test(last.status)) return undefined;
    return { n: doc.incidents.length, dueAt: Date.parse(last.at) + allowed.updateEveryMin * 60_000, everyMin: allowed.updateEveryMin };
  };

  const store = createStore<WizardState & WizardActions & WatchSlice>()((set, get, api) => {
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

    /**
     * Hand a change to the session now; show it at once; a failed save becomes `unsaved` (and is retried by the next change).
     * A change the session's rules refuse (a completed session, a role signed by someone else) is not kept:
     * the one line goes to `error` and the promise resolves with it.
     */
    const applyNow = (change: Change): Promise<string | undefined> => {
      try {
        set({ session: applyChange(get().session, change, { who: deps.operator }) });
      } catch (err) {
        if (!(err instanceof ChangeRefused)) throw err;
        set({ error: err.message });
        return Promise.resolve(err.message);
      }
      const p = session.apply(change).then(
        (doc): string | undefined => {
          // Only the last change in flight shows the saved document (see the subscriber below).
          if (pending.size <= 1) set({ session: doc });
          noteSaved();
          return undefined;
        },
        (err): string | undefined => {
          // Refused on the stored document (another terminal got there first): show what the store holds.
          if (err instanceof ChangeRefused) {
            set({ error: err.message, session: session.current() });
            return err.message;
          }
          noteSaveFailure(err);
          return undefined;
        },
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
      if (get().session.status === 'completed') {
        // Their results could not be kept: say so before anything runs.
        set({ error: readOnlyLine(get().session) });
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
      const choice = commandChoices(section())[c?.index ?? -1];
      if (!c || !choice || c.running) return;
      const word = choice.word;
      if (confirmation.trim() !== word) {
        set({ error: `type "${word}" to confirm running this block` });
        return;
      }
      // A placeholder of the reference (yourdomain.com) must not run against an empty host.
      const missing = missingVariables(choice, deps.vars);
      if (missing.length) {
        set({ error: `set ${missing.join(', ')} (--env-file or the environment) before running this block: it uses ${choice.variables.map((v) => v.placeholder).join(', ')}` });
        return;
      }
      set({ error: undefined });
      if (deps.dryRun || !deps.runCommand) {
        set({ command: { ...c, wouldRun: `bash -c ${JSON.stringify(redact(choice.script))}` } });
        return;
      }
      const ctl = new AbortController();
      commandController = ctl;
      set({ command: { ...c, output: '', running: true, exitCode: undefined, failed: undefined } });
      let output = '';
      let exitCode: number | null = null;
      try {
        ({ exitCode } = await deps.runCommand(choice.script, {
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
      const verdict = judgeRun(exitCode, shown);
      const failed = verdict.failed ? verdict.why : undefined;
      set({ command: { ...get().command!, output: shown, running: false, exitCode, failed } });
      await applyNow({
        type: 'command.run',
        sectionId: get().cursor.sectionId,
        itemId: get().cursor.itemId,
        command: redact(choice.script),
        exitCode,
        output: shown,
        ...(failed ? { failed } : {}),
      });
    };

    /** A fresh command state for choice `index` (its variables and their values, redacted). */
    const commandAt = (index: number): CommandState => {
      const choice = commandChoices(section())[index];
      const variables = (choice?.variables ?? []).map((v) => ({ ...v, value: deps.vars[v.variable] ? redact(deps.vars[v.variable]) : undefined }));
      return { index, output: '', running: false, variables };
    };

    /** One sign-off change, saved before it answers: true when it holds, else the refusal is the screen's error. */
    const signoffStep = async (change: Change, done: string): Promise<boolean> => {
      set({ signoff: { busy: true } });
      const refused = await applyNow(change);
      await get().flush();
      const failed = refused ?? (get().unsaved ? unsavedLine(get().unsaved!) : undefined);
      set({ signoff: failed ? { error: failed } : { notice: done }, error: undefined });
      return !failed;
    };

    /** Cancel what runs, wait until its cancelled results are handed to the session, then for every save. */
    const stopAndSave = async () => {
      get().cancelProbes();
      await get().suspendWatch();
      while (runs.size > 0) await Promise.allSettled([...runs]);
      await get().flush();
    };

    return {
      ...createWatchSlice({ checklist, vars: deps.vars, operator: deps.operator, now })(set, get, api),
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
      incident: reminderOf(session.current()),
      clock: now,
      signoff: {},

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
        const same = get().cursor.sectionId === id;
        const keep = same ? get().cursor.itemId : undefined;
        const item = itemId ?? keep ?? s.itemIds[0];
        // The last run's summary belongs to the section it ran in.
        set({ screen: 'section', error: undefined, ...(same ? {} : { lastRun: undefined }) });
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
          const blocks = commandChoices(section());
          if (blocks.length === 0) {
            set({ error: 'this section has no command blocks to run' });
            return;
          }
          set({ command: commandAt(0) });
        }
        if ((screen === 'note-editor' || screen === 'skip-reason' || screen === 'detail') && !currentItem()) {
          set({ error: 'no item selected' });
          return;
        }
        const back = SCREENS_WITH_BACK.includes(cur) ? get().back : cur;
        set({ screen, back, error: undefined, ...(screen === 'skip-reason' ? { reasonFor: 'skipped' as const } : {}) });
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
        // A failed item marked done or n/a needs a reason (asked in the reason form, recorded in the event).
        if ((state === 'done' || state === 'na') && itemState(get().session, it.id) === 'failed') {
          get().openScreen('skip-reason');
          set({ reasonFor: state });
          return;
        }
        await applyNow({ type: 'item.state', itemId: it.id, state, override: isOverride(it.id, state) });
      },
      async skip(reason) {
        const it = currentItem();
        const why = reason.trim();
        if (!it) return;
        const state = get().reasonFor ?? 'skipped';
        if (!why) {
          set({ error: state === 'skipped' ? 'a reason is required to skip an item' : `a reason is required to mark a failed item ${state === 'na' ? 'n/a' : state}` });
          return;
        }
        set({ screen: get().back, error: undefined, reasonFor: undefined });
        await applyNow({ type: 'item.state', itemId: it.id, state, reason: why, override: isOverride(it.id, state) });
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
        const n = commandChoices(section()).length;
        if (!c || c.running || n === 0) return;
        set({ command: commandAt((c.index + delta + n) % n) });
      },
      chooseCommand(index) {
        const c = get().command;
        const n = commandChoices(section()).length;
        if (!c || c.running || index < 0 || index >= n) return;
        if (index !== c.index) set({ command: commandAt(index), error: undefined });
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
        for (const [label, value, values] of [['status', clean.status, allowed.statuses], ['severity', clean.severity, allowed.severities]] as const) {
          if (!values.includes(value)) {
            set({ error: `${label} ${value} is not one of the template's: ${values.join(', ')}` });
            return;
          }
        }
        const n = get().session.incidents.length + 1;
        const at = now();
        const header = incidentHeader({ n, at, environment: get().session.environment, operator: deps.operator, sessionId: get().session.id, updateEveryMin: allowed.updateEveryMin });
        const text = redact(header) + fillIncidentTemplate(template, clean);
        let file: string | undefined;
        if (deps.writeIncident) {
          try {
            file = await deps.writeIncident(n, text);
          } catch (err) {
            set({ error: `could not write the incident file: ${redact(err instanceof Error ? err.message : String(err))}` });
          }
        }
        await applyNow({ type: 'incident', ...clean, file });
        set({
          screen: get().back,
          notice: file ? `incident written to ${file}` : 'incident logged',
          // Counted from the store's clock (the time written in the file), not the save.
          incident: allowed.updateEveryMin && !/RESOLVED/i.test(clean.status) ? { n, dueAt: at + allowed.updateEveryMin * 60_000, everyMin: allowed.updateEveryMin } : undefined,
        });
      },
      async apply(change) {
        await applyNow(change);
      },
      async signRole(role, signature) {
        return signoffStep({ type: 'signoff.sign', role, signature: signature.trim(), fingerprint: sessionFingerprint(get().session), policy: signoffPolicy(checklist) }, `signed ${role} as ${deps.operator}`);
      },
      async revokeRole(role) {
        return signoffStep({ type: 'signoff.revoke', role }, `revoked your signature of ${role}`);
      },
      async completeSignoff(c) {
        const roles = signoffPolicy(checklist).roles;
        const reason = c.overrideReason?.trim() || undefined;
        const guard = completionGuard(get().session, checklist, c.status, reason);
        if (!guard.allowed) {
          set({ signoff: { error: `${c.status} is blocked by the Final Checklist (${guard.reasons.join('; ')}): give an override reason, or choose another status` } });
          return false;
        }
        const missing = unsignedRoles(get().session, roles);
        const ok = await signoffStep({ type: 'signoff.complete', status: c.status, notes: c.notes.trim(), nextSteps: c.nextSteps.trim(), overrideReason: reason, roles }, `completed: ${c.status}${missing.length ? ` with ${missing.length} unsigned (override)` : ''}`);
        if (ok) await get().writeSignoffReport();
        return ok;
      },
      async reopenSession(reason) {
        return signoffStep({ type: 'signoff.reopen', reason: reason.trim() }, 'reopened: the session takes changes again');
      },
      async writeSignoffReport() {
        await get().flush();
        if (!deps.writeReport) {
          set({ signoff: { ...get().signoff, reportError: 'no report writer was given; run deploy-wizard report ID' } });
          return;
        }
        try {
          set({ signoff: { ...get().signoff, reportPath: await deps.writeReport(get().session), reportError: undefined } });
        } catch (err) {
          set({ signoff: { ...get().signoff, reportError: redact(err instanceof Error ? err.message.split('\n')[0] : String(err)) } });
        }
      },
      clearSignoffFeedback() {
        set({ signoff: {} });
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
  // Conflicts on one item (team mode) already known: only new ones are announced, to both people involved.
  const conflictsSeen = new Set(session.current().events.filter((e) => e.conflict).map(conflictKey));
  const unsubscribeDoc = session.subscribe((doc, by) => {
    // Our own write while later changes of ours are still queued: that document
    // lacks them, and showing it would flick them off screen until they land.
    if (by === deps.operator && pending.size > 1) return;
    const before = store.getState().session;
    // Cursor moves log no event: only real changes by someone else are announced.
    // Joins are announced by presence (which also says who left), not as "updated the session".
    const last = doc.events[doc.events.length - 1];
    const news = by && by !== deps.operator && doc.events.length > before.events.length && last?.what !== 'operator.join' ? last : undefined;
    const remote = news ? { notice: describeRemote(by, news, checklist) } : {};
    const clash = newConflictLine(doc, deps.operator, checklist, conflictsSeen);
    store.setState({ session: doc, banner: evaluateRollback(doc, checklist, previous), ...remote, ...(clash ? { notice: clash } : {}) });
  });
  // Team mode: the store says when the database goes away and comes back, and who comes and goes.
  const team = session as Partial<ConnectionAware>;
  let offline = team.connectionState?.() === 'offline';
  const teamStatus = (): TeamStatus => ({
    sessionId: session.id,
    here: team.presence?.() ?? [deps.operator],
    offline,
    queued: team.pendingCount?.() ?? 0,
  });
  const offConnection = team.onConnectionChange?.((state) => {
    offline = state === 'offline';
    store.setState({ team: teamStatus(), ...(offline ? {} : { notice: 'team store back online: changes synchronised' }) });
  });
  const offPresence = team.onPresenceChange?.((_here, who, joined) =>
    store.setState({ team: teamStatus(), notice: `${who} ${joined ? 'joined' : 'left'} the session` }),
  );
  // The queued count follows every change made or saved.
  const offQueued = team.onConnectionChange ? session.subscribe(() => store.setState({ team: teamStatus() })) : undefined;
  if (team.onConnectionChange) store.setState({ team: teamStatus() });
  // Team mode: a change made offline that the others' changes refuse (e.g. the role was signed meanwhile).
  const offRefused = (session as Partial<RefusalAware>).onRefused?.((message) => store.setState({ error: message, signoff: { error: message } }));
  const unsubscribe = () => {
    unsubscribeDoc();
    offConnection?.();
    offPresence?.();
    offQueued?.();
    offRefused?.();
  };
  store.setState({ banner: evaluateRollback(session.current(), checklist) });
  store.getState().resumeWatch();
  void deps.previousSession?.().then(
    (doc) => {
      previous = doc;
      if (doc) store.setState({ banner: evaluateRollback(store.getState().session, checklist, previous) });
    },
    () => {}, // a comparison is a bonus: without it the banner judges the stored baselines alone
  );
  return store;
}
