/**
 * The store and its session: the document shown, what could not be saved,
 * the team line (team mode), others' changes as they arrive, and the way out
 * (flush, quit, interrupt). A document from the session is shown in one
 * update; the echo of our own change while it is being answered is not shown
 * twice (the answer shows it: src/store/wizard-context.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import { displayPath } from '../display-path.js';
import type { Checklist } from '../checklist/types.js';
import type { Change } from '../session/changes.js';
import type { Session } from '../session/schema.js';
import { describeConflict } from '../session/item-conflict.js';
import { describeChange, type Refusal } from '../session/refused.js';
import type { RollbackBanner } from './rollback.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';

export interface TeamStatus {
  sessionId: string;
  /** Who has the session open now, this operator included. */
  here: string[];
  offline: boolean;
  /** Changes made here and not yet in the database. */
  queued: number;
  /** Changes of this terminal the store refused, kept in its journal (see refusedLine). */
  refused?: number;
}

export interface SyncSlice {
  session: Session;
  banner?: RollbackBanner;
  /** This terminal's operator. */
  operator: string;
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
  /** Apply any change. */
  apply(change: Change): Promise<void>;
  /** Wait until every change handed to the session has been persisted. */
  flush(): Promise<void>;
  /** Save and quit (q). */
  quit(): Promise<void>;
  /** Ctrl-C / SIGTERM / SIGHUP: cancel, save, exit 130. */
  interrupt(): Promise<void>;
  /**
   * An open form registers how to hand over what it holds (e.g. keep its
   * draft in the session) while it is mounted; every way out (q, Ctrl-C,
   * SIGTERM, SIGHUP) runs these before it saves. Returns the unregistration.
   */
  onLeaving(handOver: () => Promise<unknown> | void): () => void;
  /** Stop listening to the session (the caller closes it). */
  dispose(): void;
}

/** One line for another operator's change, e.g. `grace marked "Backups verified" done`. */
function describeRemote(by: string, event: Session['events'][number], checklist: Checklist): string {
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
    case 'signoff.draft':
      return `${by} edited the sign-off draft (${event.detail ?? ''})`;
    case 'incident.draft':
      return `${by} ${event.detail === 'cleared' ? 'cleared' : 'kept'} an incident draft`;
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
function newConflictLine(doc: Session, operator: string, checklist: Checklist, seen: Set<string>): string | undefined {
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
export function unsavedLine(u: NonNullable<SyncSlice['unsaved']>): string {
  const n = `${u.count} change${u.count === 1 ? '' : 's'}`;
  return u.kept
    ? `NOT SAVED: ${n} — ${u.reason}. They are kept here and saved with your next change (moving the cursor is enough); q tries once more.`
    : `NOT SAVED: ${n} lost — ${u.reason}. Make ${u.count === 1 ? 'it' : 'them'} again once saving works.`;
}

/** The team line: `team session production-…  here: ada, grace` (plus the offline state). */
export function teamLine(t: TeamStatus): string {
  const refused = t.refused ? ` · ${t.refused} change${t.refused === 1 ? '' : 's'} refused (kept in the journal)` : '';
  const base = `session ${t.sessionId} · here: ${t.here.join(', ') || '—'}${refused}`;
  if (!t.offline) return base;
  const n = `${t.queued} change${t.queued === 1 ? '' : 's'}`;
  return `OFFLINE — ${n} queued here, saved when the team store is back · ${base}`;
}

/** What a team-mode session adds to OpenSession (src/session/pg-store.ts). */
interface ConnectionAware {
  onConnectionChange(cb: (state: 'online' | 'offline') => void): () => void;
  connectionState?(): 'online' | 'offline';
  pendingCount?(): number;
  presence?(): string[];
  onPresenceChange?(cb: (here: string[], who: string, joined: boolean) => void): () => void;
}

interface RefusalAware {
  onRefused(cb: (message: string, refusal?: Refusal) => void): () => void;
  refusedChanges?(): Refusal[];
}

/**
 * What this terminal's author is told about changes the store refused: what,
 * why, and how to apply them, e.g. `2 changes refused: "Backups verified"
 * marked failed; note on "Backups verified": "disk full" — session … was
 * completed by alice …; to apply: reopen the session (o on the sign-off
 * screen) and make them again (kept in sessions/….pending.jsonl)`.
 */
function refusedLine(refusals: Refusal[], checklist: Checklist, shownPath: (file: string) => string = (f) => f): string {
  const text = (id: string) => checklist.items.find((i) => i.id === id)?.text;
  const n = refusals.length;
  const byWhy = new Map<string, string[]>();
  // The read-only line's own advice ("reopen it …") is said once, as how to apply.
  for (const r of refusals) {
    const why = r.completed ? r.why.replace(/; reopen it\b.*$/, '') : r.why;
    byWhy.set(why, [...(byWhy.get(why) ?? []), describeChange(r.change, text)]);
  }
  const what = [...byWhy].map(([why, changes]) => `${changes.join('; ')} — ${why}`).join('; ');
  const them = n === 1 ? 'it' : 'them';
  const how = refusals.some((r) => r.completed) ? `reopen the session (o on the sign-off screen) and make ${them} again` : `make ${them} again if ${n === 1 ? 'it still holds' : 'they still hold'}`;
  const kept = [...new Set(refusals.map((r) => r.keptIn).filter((f): f is string => Boolean(f)))];
  return `${n} change${n === 1 ? '' : 's'} refused: ${what}; to apply: ${how}${kept.length ? ` (kept in ${kept.map(shownPath).join(', ')})` : ''}`;
}

const sameTeam = (a: TeamStatus | undefined, b: TeamStatus): boolean =>
  a !== undefined && a.sessionId === b.sessionId && a.offline === b.offline && a.queued === b.queued && a.refused === b.refused && a.here.join('\n') === b.here.join('\n');

export const syncSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], SyncSlice> =>
  (set, get) => {
    const { deps, session, checklist } = ctx;
    const operator = deps.operator;

    // Team mode: the store says when the database goes away and comes back, and who comes and goes.
    const team = session as Partial<ConnectionAware>;
    const teamMode = typeof team.onConnectionChange === 'function';
    let offline = team.connectionState?.() === 'offline';
    const refusalAware = session as Partial<RefusalAware>;
    const teamStatus = (): TeamStatus => {
      const refused = refusalAware.refusedChanges?.().length ?? 0;
      return {
        sessionId: session.id,
        here: team.presence?.() ?? [operator],
        offline,
        queued: team.pendingCount?.() ?? 0,
        ...(refused ? { refused } : {}),
      };
    };
    // Refusals since the store was last reached: said together, and instead of "changes synchronised".
    let refusedNow: Refusal[] = [];

    // Conflicts on one item (team mode) already known: only new ones are announced, to both people involved.
    const conflictsSeen = new Set(session.current().events.filter((e) => e.conflict).map(conflictKey));
    // What a document from the session changes besides itself and the banner: another operator's change
    // is named so nobody wonders why the screen moved; a new conflict is told; the queued count follows.
    ctx.onDoc = (doc, by) => {
      const before = get().session;
      // Cursor moves log no event: only real changes by someone else are announced.
      // Joins are announced by presence (which also says who left), not as "updated the session".
      const last = doc.events[doc.events.length - 1];
      const news = by && by !== operator && doc.events.length > before.events.length && last?.what !== 'operator.join' ? last : undefined;
      const clash = newConflictLine(doc, operator, checklist, conflictsSeen);
      const status = teamMode ? teamStatus() : undefined;
      return {
        ...(news ? { notice: describeRemote(by, news, checklist) } : {}),
        ...(clash ? { notice: clash } : {}),
        ...(status && !sameTeam(get().team, status) ? { team: status } : {}),
      };
    };

    // Others' changes (team mode) and the session's own saves outside a change of this store (a retried save) land here.
    const offDoc = session.subscribe((doc, by) => {
      // Our own change still being answered: its answer shows it, in one update.
      if (by === operator && ctx.inFlight() > 0) return;
      if (doc === get().session && (!teamMode || sameTeam(get().team, teamStatus()))) return;
      set(ctx.showDoc(doc, by));
    });
    const offConnection = team.onConnectionChange?.((state) => {
      offline = state === 'offline';
      if (offline) {
        refusedNow = [];
        set({ team: teamStatus() });
        return;
      }
      const n = refusedNow.length;
      const notice = n
        ? `team store back online: ${n} change${n === 1 ? '' : 's'} refused (see the line above), the rest synchronised`
        : 'team store back online: changes synchronised';
      set({ team: teamStatus(), notice });
    });
    const offPresence = team.onPresenceChange?.((_here, who, joined) => set({ team: teamStatus(), notice: `${who} ${joined ? 'joined' : 'left'} the session` }));
    // Team mode: a change made offline that the others' changes refuse (e.g. the role was signed meanwhile).
    // Never dropped silently: its author is told what, why and how to apply it; the team line keeps the count.
    const offRefused = refusalAware.onRefused?.((message, refusal) => {
      if (!refusal) {
        set({ error: message, signoff: { error: message } });
        return;
      }
      refusedNow = [...refusedNow, refusal];
      const line = refusedLine(refusedNow, checklist, displayPath);
      set({ error: line, signoff: { error: line }, team: teamMode ? teamStatus() : undefined });
    });

    void deps.previousSession?.().then(
      (doc) => {
        ctx.previous = doc;
        if (doc) set({ banner: ctx.banner(get().session) });
      },
      () => {}, // a comparison is a bonus: without it the banner judges the stored baselines alone
    );

    /**
     * On the way out with unsaved work: one more save, and when that fails too,
     * a copy of the document elsewhere so the work can be restored by hand.
     */
    const lastTry = async () => {
      if (!get().unsaved || !session.retrySave) return;
      try {
        await session.retrySave();
        ctx.noteSaved();
      } catch (err) {
        ctx.noteSaveFailure(err);
        const copy = await session.rescue?.().catch(() => undefined);
        if (copy) set({ unsaved: { ...get().unsaved!, copy } });
      }
    };

    // Open forms' hand-overs (onLeaving): what is typed and not yet in the session.
    const handOvers = new Set<() => Promise<unknown> | void>();

    /** Hand over open forms' drafts, cancel what runs, wait until its cancelled results are handed to the session, then for every save. */
    const stopAndSave = async () => {
      // A form that cannot hand over must not stop the rest from being saved.
      await Promise.allSettled([...handOvers].map(async (h) => h()));
      get().cancelProbes();
      // The watch stops measuring but its window stays open: resume continues it.
      await get().suspendWatch();
      while (ctx.runs.size > 0) await Promise.allSettled([...ctx.runs]);
      await get().flush();
      await lastTry();
    };

    return {
      session: session.current(),
      banner: ctx.banner(session.current()),
      operator,
      ...(teamMode ? { team: teamStatus() } : {}),
      async apply(change) {
        await ctx.applyNow(change);
      },
      async flush() {
        while (ctx.pending.size > 0) await Promise.allSettled([...ctx.pending]);
      },
      async quit() {
        await stopAndSave();
        set({ exit: 'quit' });
      },
      async interrupt() {
        await stopAndSave();
        set({ exit: 'interrupt' });
      },
      onLeaving(handOver) {
        handOvers.add(handOver);
        return () => void handOvers.delete(handOver);
      },
      dispose() {
        offDoc();
        offConnection?.();
        offPresence?.();
        offRefused?.();
      },
    };
  };
