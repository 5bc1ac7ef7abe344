/**
 * What the wizard store's slices share: the injected dependencies, lookups
 * over the checklist, and the one path a change takes to the session
 * (`applyNow`). Built once per store, inside its creator, from zustand's
 * `set`/`get`; every slice receives it (src/store/*-slice.ts).
 */
import type { StoreApi } from 'zustand/vanilla';
import type { Checklist, Item, Section } from '../checklist/types.js';
import type { ProbeJob } from '../probes/jobs.js';
import type { RunOptions } from '../probes/runner.js';
import type { BlockStep, KubeContext, ProbeResult } from '../probes/types.js';
import type { Vars } from '../config/vars.js';
import { createRedactor, type Redactor } from '../secrets/redactor.js';
import { applyChange, ChangeRefused, type Change } from '../session/changes.js';
import type { ItemState, Session } from '../session/schema.js';
import type { OpenSession } from '../session/store.js';
import { overridesProbes } from '../verdict/items.js';
import { rollbackBanner, type RollbackBanner } from './rollback.js';
import { walkSections } from './progress.js';
import type { Wizard } from './wizard-store.js';
import type { Signer } from '../signing/signer.js';
import type { AnnouncementKind } from '../grammar/notifications.js';
import type { Delivery } from '../notify/types.js';

/**
 * Runs a command block (the whole fenced script). Output arrives in chunks;
 * a runner that records the block command by command (src/probes/shell-steps.ts)
 * also reports the steps as they go and returns them.
 */
export type CommandRunner = (
  script: string,
  opts: { signal: AbortSignal; onOutput: (chunk: string) => void; onSteps?: (steps: BlockStep[]) => void },
) => Promise<{ exitCode: number | null; steps?: BlockStep[]; notRun?: string[] }>;

export interface WizardDeps {
  checklist: Checklist;
  session: OpenSession;
  runProbes: (jobs: ProbeJob[], options: RunOptions) => Promise<ProbeResult[]>;
  vars: Vars;
  operator: string;
  /** Show what a command block would run instead of running it. */
  dryRun?: boolean;
  runCommand?: CommandRunner;
  /** kubectl's current context and namespace (asked before a block that calls kubectl). */
  kubeContext?: () => Promise<KubeContext>;
  /** Writes the incident file of incident number `n` (rendered from the session); returns the file path. */
  writeIncident?: (n: number, text: string) => Promise<string>;
  /** Where writeIncident puts incident `n` (recorded with the incident before the file is written). */
  incidentPath?: (n: number) => string;
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
  /**
   * The key this terminal signs sign-off actions with (src/signing/signer.ts), or
   * why there is none (`signerProblem`, shown on the sign-off screen).
   */
  signer?: Signer;
  signerProblem?: string;
  /**
   * Sending an item's announcement (src/notify/): `preview` is the text and the
   * targets (audience and host) it would go to, from the session as it stands;
   * `send` resolves once each target's outcome is recorded in the session.
   * Absent: no webhook configured.
   */
  announce?: {
    preview(kind: AnnouncementKind, audience: string | undefined): { text: string; targets: string[] };
    send(kind: AnnouncementKind, audience: string | undefined, itemId: string): Promise<Delivery[]>;
  };
  /** Team mode: how long the others' presence takes to arrive before this wizard takes over another operator's watch (src/store/watch-slice.ts). */
  presenceSettleMs?: number;
}

export type SetWizard = StoreApi<Wizard>['setState'];
export type GetWizard = StoreApi<Wizard>['getState'];

/** How a change shows: at once (then replaced by the saved document), or only once the session has it. */
interface ApplyOptions {
  /**
   * 'now' (default): the change shows at once and the saved document replaces it when it lands.
   * 'saved': nothing shows until the session answers; then `with` rides on that one update.
   */
  shown?: 'now' | 'saved';
  /** More state for the same update (computed when it is made). */
  with?: () => Partial<Wizard>;
}

export interface WizardContext {
  deps: WizardDeps;
  checklist: Checklist;
  session: OpenSession;
  now: () => number;
  redact: Redactor;
  /** Sections in walk order (the ones with something of their own). */
  sections: Section[];
  sectionById: Map<string, Section>;
  itemById: Map<string, Item>;
  /** Changes handed to the session and not settled yet (`flush` waits for them). */
  pending: Set<Promise<unknown>>;
  /** Probe runs and command blocks under way: quitting waits until their (cancelled) results are handed over. */
  runs: Set<Promise<unknown>>;
  /** What Esc / Ctrl-C aborts. */
  controllers: { probes?: AbortController; command?: AbortController };
  /** The previous session of this environment, once found (see WizardDeps.previousSession). */
  previous?: Session;
  /** Keep `p` in `runs` until it settles. */
  tracked<T>(p: Promise<T>): Promise<T>;
  section(): Section | undefined;
  currentItem(): Item | undefined;
  /**
   * Hand a change to the session; a failed save becomes `unsaved` (retried by the next change).
   * A change the session's rules refuse is not kept: its line goes to `error` and the promise resolves with it.
   */
  applyNow(change: Change, opts?: ApplyOptions): Promise<string | undefined>;
  /** Changes of this store handed to the session and not answered yet (their echoes are not shown twice). */
  inFlight(): number;
  /** What showing the session's document `doc` (changed by `by`) sets; the sync slice adds notices and the team line. */
  showDoc(doc: Session, by: string): Partial<Wizard>;
  /** Set by the sync slice: the rest of what a document from the session changes on screen. */
  onDoc?: (doc: Session, by: string) => Partial<Wizard>;
  setCursor(sectionId: string, itemId: string | undefined): void;
  banner(doc: Session): RollbackBanner | undefined;
  /** The operator overrides the probes when they set a state their last run contradicts (the verdict core's rule). */
  isOverride(itemId: string, state: ItemState): boolean;
  noteSaved(): void;
  /** A variable was given in the wizard: the redactor learns its value. */
  varsChanged(): void;
  noteSaveFailure(err: unknown, extra?: Partial<Wizard>): void;
}

export function createWizardContext(deps: WizardDeps, set: SetWizard, get: GetWizard): WizardContext {
  const { checklist, session } = deps;
  const runs = new Set<Promise<unknown>>();
  const pending = new Set<Promise<unknown>>();
  let inFlight = 0;
  let shownEarly = 0;
  // Rebuilt when a variable is given in the wizard (a secret given then is masked from then on).
  let redactor = createRedactor(deps.vars);

  const ctx: WizardContext = {
    deps,
    checklist,
    session,
    now: deps.now ?? Date.now,
    redact: (text) => redactor(text),
    varsChanged() {
      redactor = createRedactor(deps.vars);
    },
    sections: walkSections(checklist),
    sectionById: new Map(checklist.sections.map((s) => [s.id, s])),
    itemById: new Map(checklist.items.map((i) => [i.id, i])),
    pending,
    runs,
    controllers: {},
    tracked(p) {
      runs.add(p);
      void p.finally(() => runs.delete(p)).catch(() => {});
      return p;
    },
    section: () => ctx.sectionById.get(get().cursor.sectionId),
    currentItem() {
      const id = get().cursor.itemId;
      return id ? ctx.itemById.get(id) : undefined;
    },
    inFlight: () => inFlight,
    showDoc: (doc, by) => ({ session: doc, banner: ctx.banner(doc), ...ctx.onDoc?.(doc, by) }),
    applyNow(change, opts = {}) {
      const extra = opts.with ?? (() => ({}));
      try {
        // Checked here too, so a refusal is said at once (and nothing is queued).
        const next = applyChange(get().session, change, { who: deps.operator });
        if (opts.shown !== 'saved') set({ session: next });
      } catch (err) {
        if (!(err instanceof ChangeRefused)) throw err;
        set({ error: err.message, ...extra() });
        return Promise.resolve(err.message);
      }
      inFlight++;
      // Changes shown before they were saved: a saved document that lacks one of them must not replace the screen.
      const early = opts.shown !== 'saved';
      if (early) shownEarly++;
      const p = session.apply(change).then(
        (doc): string | undefined => {
          inFlight--;
          if (early) shownEarly--;
          // A saved document is shown unless a change already on screen is still on its way (it lacks it).
          const update = { ...(shownEarly === 0 ? ctx.showDoc(doc, deps.operator) : {}), ...extra() };
          if (Object.keys(update).length > 0) set(update);
          ctx.noteSaved();
          return undefined;
        },
        (err): string | undefined => {
          inFlight--;
          if (early) shownEarly--;
          // Refused on the stored document (another terminal got there first): show what the store holds.
          if (err instanceof ChangeRefused) {
            set({ error: err.message, session: session.current(), ...extra() });
            return err.message;
          }
          ctx.noteSaveFailure(err, extra());
          return undefined;
        },
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    },
    setCursor(sectionId, itemId) {
      set({ cursor: { sectionId, itemId }, overviewSectionId: sectionId });
      // A completed session is read-only: looking around in it must not rewrite it (updatedAt, `list`'s "just now").
      if (get().session.status === 'completed') return;
      void ctx.applyNow({ type: 'cursor', sectionId, itemId });
    },
    banner: (doc) => rollbackBanner(doc, checklist, ctx.previous),
    isOverride: (itemId, state) => overridesProbes(get().session.items[itemId]?.probes ?? [], state),
    noteSaved() {
      const u = get().unsaved;
      if (!u?.kept || session.unsaved!() > 0) return;
      set({ unsaved: undefined, notice: `saved again: ${u.count === 1 ? 'the change' : `all ${u.count} changes`} that could not be saved are on disk now` });
    },
    noteSaveFailure(err, extra = {}) {
      const reason = ctx.redact(err instanceof Error ? err.message.split('\n')[0] : String(err));
      // A store that keeps unsaved changes retries them with the next write; one that does not has lost this change.
      const kept = typeof session.unsaved === 'function';
      const count = kept ? session.unsaved!() : (get().unsaved?.count ?? 0) + 1;
      set({ unsaved: { count, reason, kept }, session: session.current(), ...extra });
    },
  };
  return ctx;
}
