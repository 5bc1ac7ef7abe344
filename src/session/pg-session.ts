/**
 * Team mode's session core: one open session over the document adapter
 * (./pg-adapter.ts), its channel connection (./pg-connection.ts), presence
 * (./pg-presence.ts) and the offline journal (./pg-journal.ts).
 *
 * - No exclusive lock: every writer applies changes with optimistic
 *   concurrency (`UPDATE … WHERE revision = $base`); on conflict it reloads the
 *   fresh document and re-applies the change (a change is an operation, so
 *   re-applying it on fresher state is the merge). After a few conflicts it
 *   falls back to `SELECT … FOR UPDATE`, so a change is never starved or dropped.
 * - The write pump: changes apply locally at once (the screen shows them) and
 *   are saved in batches (group commit), one database operation at a time.
 * - Connection loss: changes are journalled to `<id>.pending.jsonl` and
 *   queued; on reconnect (backoff) the session re-LISTENs, re-syncs and
 *   flushes the queue in order.
 * - A change the fresh document refuses is never dropped silently: kept in the
 *   journal marked refused, recorded in the session (`change.refused`), told
 *   to its author.
 */
import { createHash, randomUUID } from 'node:crypto';
import { UserError } from '../errors.js';
import { redactDeep, type Redactor } from '../secrets/redactor.js';
import { applyChange, ChangeRefused, type Change } from './changes.js';
import type { Session } from './schema.js';
import type { OpenSession } from './store.js';
import { isConnectionError, storeError } from './pg-errors.js';
import { appendPending, journalPath, markRefused, readPending, readRefused, removePending, type PendingChange } from './pg-journal.js';
import { refusalRecord, type Refusal } from './refused.js';
import type { DocAdapter } from './pg-adapter.js';
import { saveBatch, type Outgoing, type SyncHost } from './pg-sync.js';
import { Backoff, ChannelListener } from './pg-connection.js';
import { Presence } from './pg-presence.js';

export { OPTIMISTIC_ATTEMPTS } from './pg-sync.js';

export type ConnectionState = 'online' | 'offline';

/** An open team-mode session: the OpenSession contract plus connection state. */
export interface TeamSession extends OpenSession {
  /** 'offline' while the database is unreachable (changes are kept locally meanwhile). */
  connectionState(): ConnectionState;
  /** Called on every switch between online and offline; returns an unsubscribe function. */
  onConnectionChange(cb: (state: ConnectionState) => void): () => void;
  /** The database revision the local document is based on. */
  revision(): number;
  /** Changes made here and not yet saved in the database (queued while offline, or in the batch being written). */
  pendingCount(): number;
  /** Who has the session open now (this terminal included), sorted, each name once. */
  presence(): string[];
  /** Called when someone joins or leaves (`who`, `joined`); returns an unsubscribe function. */
  onPresenceChange(cb: (here: string[], who: string, joined: boolean) => void): () => void;
  /**
   * Called when a change made offline is refused once the others' changes are known (the session was
   * completed, the role was signed meanwhile): the core's line, and the refusal (what, who, when, where it is kept).
   * The refusal is recorded in the session as a `change.refused` event too.
   */
  onRefused(cb: (message: string, refusal: Refusal) => void): () => void;
  /** Changes of this terminal the store refused, still kept in its journal for their author (earlier runs' included). */
  refusedChanges(): Refusal[];
}

/** What an open session needs of its store. */
export interface SessionContext {
  schema: string;
  url: string;
  redact: Redactor;
  where: string;
  journalDir: string;
  maxAttempts: number;
  docs: DocAdapter;
  loadPg(): Promise<typeof import('pg')>;
  forget(s: PgOpenSession): void;
}

/** Changes saved in one transaction at most (group commit; one document write and one NOTIFY per batch). */
const MAX_BATCH = 200;

/** Notification channel of one session (identifiers are short; ids are not). */
export function channelFor(schema: string, id: string): string {
  return `deploy_wizard_${createHash('sha256').update(`${schema}/${id}`).digest('hex').slice(0, 16)}`;
}

export class PgOpenSession implements TeamSession {
  /** Tells our own notifications from everyone else's. */
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly journal: string;
  private readonly listeners = new Set<(session: Session, by: string) => void>();
  private readonly connListeners = new Set<(state: ConnectionState) => void>();
  private readonly refusedListeners = new Set<(message: string, refusal: Refusal) => void>();
  /** Refusals met before anyone listened (e.g. flushing a journal on open): the first listener hears them. */
  private readonly undelivered: Refusal[] = [];
  /** Refused changes kept in the journal (this run's and earlier runs'). */
  private refusals: Refusal[] = [];
  /**
   * Changes applied here but not yet in the database, oldest first. The screen
   * shows `base` with these on top at once; the pump saves them in batches.
   */
  private queue: Outgoing[] = [];
  /** The database's document as last read or written, and its revision. */
  private base: Session;
  private rev: number;
  /** What the terminal shows: `base` plus the queue. */
  private doc: Session;
  /** One database operation at a time per open session: batches, fetches, re-syncs keep their order. */
  private chain: Promise<unknown> = Promise.resolve();
  private pumping = false;
  /** Someone else committed (a notification): read the document once the current batch is done. */
  private wantFetch = false;
  /** The newest revision a notification announced. */
  private heardRev = 0;
  private state: ConnectionState = 'online';
  private readonly listener: ChannelListener;
  private readonly presenceOf: Presence;
  private readonly backoff = new Backoff();
  private readonly syncHost: SyncHost;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ctx: SessionContext,
    readonly id: string,
    private readonly who: string,
    doc: Session,
    rev: number,
  ) {
    this.syncHost = this.syncHostOf();
    this.channel = channelFor(ctx.schema, id);
    this.journal = journalPath(ctx.journalDir, id);
    this.listener = new ChannelListener({
      url: ctx.url,
      channel: this.channel,
      loadPg: ctx.loadPg,
      onNotify: (payload) => this.onNotify(payload),
      onLost: () => {
        if (!this.closed) this.goOffline();
      },
    });
    this.presenceOf = new Presence(
      who,
      (note) => this.listener.notify(JSON.stringify({ presence: note, who: this.ctx.redact(this.who), origin: this.origin })),
      () => this.state === 'online',
    );
    this.base = doc;
    this.doc = doc;
    this.rev = rev;
    this.refusals = readRefused(this.journal).map((e) => ({ changeId: e.changeId, who: e.who, at: e.at, change: e.change, why: e.refused!.why, keptIn: this.journal, completed: doc.status === 'completed' }));
  }

  refusedChanges(): Refusal[] {
    return [...this.refusals];
  }

  current(): Session {
    return this.doc;
  }

  revision(): number {
    return this.rev;
  }

  pendingCount(): number {
    return this.queue.length;
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  onConnectionChange(cb: (state: ConnectionState) => void): () => void {
    this.connListeners.add(cb);
    return () => this.connListeners.delete(cb);
  }

  subscribe(listener: (session: Session, by: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  presence(): string[] {
    return this.presenceOf.here();
  }

  onPresenceChange(cb: (here: string[], who: string, joined: boolean) => void): () => void {
    return this.presenceOf.onChange(cb);
  }

  /** LISTEN, then save whatever a crashed earlier run left in the journal. */
  async start(): Promise<void> {
    await this.listen();
    const left = readPending(this.journal);
    if (left.length) {
      for (const entry of left) this.queue.push({ entry, journalled: true, answered: true, settle: () => {}, fail: () => {} });
      await this.enqueue(() => this.flush());
    }
  }

  /**
   * Apply a change: it shows at once (the subscribers hear of it before this
   * returns), and the promise resolves once it is kept: committed with the
   * next batch (group commit), or journalled when the database is away.
   */
  apply(change: Change): Promise<Session> {
    if (this.closed) return Promise.reject(new UserError(`session ${this.id} is closed; open it again to make changes`));
    // What this screen showed for the item: re-applied on fresher state, it tells a conflict from a sequel.
    if (change.type === 'item.state' && change.seen === undefined) change = { ...change, seen: this.doc.items[change.itemId]?.state ?? 'pending' };
    const entry: PendingChange = {
      changeId: randomUUID(),
      who: this.ctx.redact(this.who),
      at: new Date().toISOString(),
      change: redactDeep(change, this.ctx.redact),
    };
    return new Promise<Session>((settle, fail) => {
      const out: Outgoing = {
        entry,
        journalled: false,
        answered: false,
        settle: (doc) => {
          out.answered = true;
          settle(doc);
        },
        fail: (err) => {
          out.answered = true;
          fail(err);
        },
      };
      const accept = (next: Session): void => {
        if (this.state === 'offline') {
          try {
            this.keep(out);
          } catch (err) {
            fail(err);
            return;
          }
        }
        this.queue.push(out);
        this.doc = next;
        this.emit(this.who);
        if (this.state === 'offline') out.settle(this.doc);
        else this.kick();
      };
      try {
        accept(this.applyLocal(this.doc, entry));
      } catch (err) {
        // Refused on what this terminal shows (e.g. the role is signed already): never queued nor journalled.
        if (!(err instanceof ChangeRefused) || this.state !== 'online') {
          fail(err);
          return;
        }
        // Online, what this terminal shows may be behind (someone revoked or reopened a moment ago):
        // catch up with the database first, then decide on that.
        void this.enqueue(() => this.catchUp()).then(() => {
          if (this.closed) return fail(new UserError(`session ${this.id} is closed; open it again to make changes`));
          let next: Session;
          try {
            next = this.applyLocal(this.doc, entry);
          } catch (e) {
            fail(e);
            return;
          }
          accept(next);
        });
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let the pump save what is queued (or journal it when the database is away); stop when it makes no progress.
    while (this.state === 'online' && this.queue.some((o) => !o.journalled)) {
      const before = this.queue.length;
      this.kick();
      await this.chain.catch(() => {});
      if (this.queue.length >= before && !this.pumping) break;
    }
    await this.chain.catch(() => {});
    this.closed = true;
    this.ctx.forget(this);
    this.presenceOf.stop(this.listener.connected);
    await this.listener.settled();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.listener.drop();
    // Changes still queued stay in the journal: the next open flushes them.
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Start the pump unless it runs: it saves the queue in batches and reads others' changes between them. */
  private kick(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void this.enqueue(() => this.pump()).finally(() => {
      this.pumping = false;
      // Something arrived after the pump's last look.
      if (this.state === 'online' && (this.queue.some((o) => !o.journalled) || this.wantFetch)) this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (!this.closed && this.state === 'online') {
      if (this.queue.length) {
        const batch = this.queue.slice(0, MAX_BATCH);
        try {
          await this.write(batch);
        } catch (err) {
          if (isConnectionError(err)) {
            // Whether that commit landed is unknown: the change ids make the later flush exactly-once.
            this.goOffline();
            break;
          }
          // The database refused these changes: take them off the screen and tell whoever made them.
          this.queue = this.queue.filter((o) => !batch.includes(o));
          this.rebuild();
          this.emit(this.who);
          const e = storeError(`cannot save a change to session ${this.id}`, this.ctx.where, err, this.ctx.redact);
          for (const o of batch) o.fail(e);
        }
        continue;
      }
      if (this.wantFetch) {
        this.wantFetch = false;
        // Our own batch under the row lock may have brought what was announced.
        if (this.heardRev && this.heardRev <= this.rev) continue;
        try {
          await this.fetchLatest();
        } catch (err) {
          if (isConnectionError(err)) this.goOffline();
          break;
        }
        continue;
      }
      break;
    }
  }

  /**
   * The stored document was redacted when it was written and the entry (change
   * and who) is redacted when it is made; applyChange only copies strings from
   * those two, so the result is redacted without re-walking the whole document
   * (which costs ~20 ms on a 600-event session, inside the row lock).
   */
  private applyLocal(doc: Session, e: PendingChange): Session {
    return applyChange(doc, e.change, { who: e.who, at: e.at });
  }

  /**
   * The screen's document: the database's with our unsaved changes on top. A
   * change the fresh document refuses (e.g. someone else signed that role
   * first) leaves the queue and its caller (or the listeners) hears why.
   */
  private rebuild(): void {
    let d = this.base;
    // By index: a refusal leaves the queue and appends its record, which is applied in turn.
    for (let i = 0; i < this.queue.length; ) {
      const o = this.queue[i];
      try {
        d = this.applyLocal(d, o.entry);
        i++;
      } catch (err) {
        if (!(err instanceof ChangeRefused)) throw err;
        this.refuse(o, err, d);
      }
    }
    this.doc = d;
  }

  /**
   * A change refused on the fresh document leaves the queue, and is never
   * dropped silently: a journalled one stays in the journal marked refused (its
   * author sees it there and on screen), the refusal is recorded in the session
   * (a `change.refused` change, queued like any other), and its caller or (made
   * offline) the listeners hear what and why.
   */
  private refuse(o: Outgoing, err: ChangeRefused, on: Session): void {
    this.queue = this.queue.filter((x) => x !== o);
    const refusal: Refusal = { changeId: o.entry.changeId, who: o.entry.who, at: o.entry.at, change: o.entry.change, why: this.ctx.redact(err.message), completed: on.status === 'completed' };
    if (o.journalled) {
      try {
        markRefused(this.journal, o.entry.changeId, refusal.why, new Date().toISOString());
        refusal.keptIn = this.journal;
      } catch {
        /* still in the journal, unmarked: the next open tries it again and refuses it again */
      }
      o.journalled = false;
    }
    if (o.entry.change.type !== 'change.refused') this.queue.push(this.recordOf(refusal));
    if (o.answered) {
      if (refusal.keptIn) this.refusals.push(refusal);
      this.emitRefused(refusal);
    } else o.fail(err);
  }

  /** The change that records a refusal in the session, made by the refused change's author. */
  private recordOf(refusal: Refusal): Outgoing {
    return {
      entry: { changeId: randomUUID(), who: refusal.who, at: new Date().toISOString(), change: refusalRecord(refusal) },
      journalled: false,
      answered: true,
      settle: () => {},
      fail: () => {},
    };
  }

  onRefused(cb: (message: string, refusal: Refusal) => void): () => void {
    this.refusedListeners.add(cb);
    // Refusals met while opening (a journal left by an earlier run) reach the first listener.
    for (const r of this.undelivered.splice(0)) cb(r.why, r);
    return () => this.refusedListeners.delete(cb);
  }

  private emitRefused(refusal: Refusal): void {
    if (this.refusedListeners.size === 0) this.undelivered.push(refusal);
    for (const l of [...this.refusedListeners]) {
      try {
        l(refusal.why, refusal);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  /** Save a batch (group commit, optimistic then under the row lock: ./pg-sync.ts). */
  private write(batch: Outgoing[]): Promise<void> {
    return saveBatch(this.syncHost, this.ctx.docs, batch, this.ctx.maxAttempts);
  }

  /** What the sync algorithm sees of this session. */
  private syncHostOf(): SyncHost {
    return {
      id: this.id,
      queued: (o) => this.queue.includes(o),
      base: () => ({ doc: this.base, revision: this.rev }),
      adopt: (fresh) => {
        if (fresh.revision <= this.rev) return;
        this.base = fresh.doc;
        this.rev = fresh.revision;
        this.rebuild();
        this.emit(fresh.who);
      },
      applyLocal: (doc, o) => this.applyLocal(doc, o.entry),
      refuse: (o, err, on) => this.refuse(o, err, on),
      refusedSome: () => {
        this.rebuild();
        this.emit(this.who);
      },
      request: (base, next, todo) => ({
        id: this.id,
        base,
        next,
        entries: todo.map((o) => o.entry),
        notify: { channel: this.channel, who: todo[todo.length - 1].entry.who, origin: this.origin },
      }),
      saved: (batch, next, revision) => this.saved(batch, next, revision),
      forgetSaved: (batch) => this.forgetSaved(batch),
      reload: () => this.reload(),
    };
  }

  /** A batch is committed: it becomes the base, leaves the queue and its journal lines, and its callers hear. */
  private saved(batch: Outgoing[], next: Session, revision: number): void {
    if (revision > this.rev) {
      this.base = next;
      this.rev = revision;
    }
    this.forgetSaved(batch);
  }

  private forgetSaved(batch: Outgoing[]): void {
    if (!batch.length) return;
    const gone = new Set(batch);
    this.queue = this.queue.filter((o) => !gone.has(o));
    this.rebuild();
    const journalled = batch.filter((o) => o.journalled).map((o) => o.entry.changeId);
    if (journalled.length) removePending(this.journal, new Set(journalled));
    this.emit(batch[batch.length - 1].entry.who);
    for (const o of batch) o.settle(this.doc);
  }

  /** Take the database's document (after a replay found changes saved already). */
  private async reload(): Promise<void> {
    const fresh = await this.ctx.docs.read(this.id);
    if (!fresh) throw new UserError(`session ${this.id} no longer exists in ${this.ctx.where}`);
    if (fresh.revision >= this.rev) {
      this.base = fresh.doc;
      this.rev = fresh.revision;
      this.rebuild();
    }
  }

  /** Journal one change (offline); a UserError when the disk refuses it too. */
  private keep(o: Outgoing): void {
    if (o.journalled) return;
    try {
      appendPending(this.journal, this.ctx.journalDir, o.entry);
    } catch (err) {
      // Neither the database nor the disk took it: say so rather than keep it only in memory.
      throw new UserError(
        `the session store is unreachable and the change could not be kept in ${this.journal} (${(err as NodeJS.ErrnoException).code ?? 'write failed'}); free space or fix permissions, then retry`,
      );
    }
    o.journalled = true;
  }

  private emit(by: string): void {
    for (const l of [...this.listeners]) {
      try {
        l(this.doc, by);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const cb of [...this.connListeners]) {
      try {
        cb(state);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  /** LISTEN on the session's channel and say hello (presence). */
  private async listen(): Promise<void> {
    await this.listener.connect();
    this.presenceOf.start();
  }

  private onNotify(payload: string): void {
    let p: { revision?: number; origin?: string; presence?: string; who?: string };
    try {
      p = JSON.parse(payload);
    } catch {
      return;
    }
    if (p.presence) {
      if (p.origin && p.origin !== this.origin && typeof p.who === 'string') this.presenceOf.seen(p.origin, p.who, p.presence);
      return;
    }
    if (p.origin && p.origin !== this.origin && typeof p.who === 'string') this.presenceOf.heard(p.origin);
    if (p.origin === this.origin || (typeof p.revision === 'number' && p.revision <= this.rev)) return;
    // A burst of notifications is one read, after the batch in flight (which may bring it anyway).
    if (typeof p.revision === 'number') this.heardRev = Math.max(this.heardRev, p.revision);
    this.wantFetch = true;
    if (this.state === 'online') this.kick();
  }

  /** fetchLatest for apply(): a lost connection takes the session offline instead of failing. */
  private async catchUp(): Promise<void> {
    if (this.closed || this.state !== 'online') return;
    try {
      await this.fetchLatest();
    } catch (err) {
      if (isConnectionError(err)) this.goOffline();
    }
  }

  /** Read the database's document; our unsaved changes stay on top of it. */
  private async fetchLatest(): Promise<void> {
    const fresh = await this.ctx.docs.read(this.id);
    if (!fresh || this.closed || this.state !== 'online') return;
    if (fresh.revision > this.rev) {
      this.base = fresh.doc;
      this.rev = fresh.revision;
      this.rebuild();
      this.emit(fresh.who);
    }
  }

  private goOffline(): void {
    if (this.closed) return;
    const wasOnline = this.state === 'online';
    this.setState('offline');
    // What was on its way to the database is journalled now and counts as kept.
    for (const o of [...this.queue]) {
      if (o.journalled) continue;
      try {
        this.keep(o);
        o.settle(this.doc);
      } catch (err) {
        this.queue = this.queue.filter((x) => x !== o);
        o.fail(err);
      }
    }
    this.rebuild();
    void this.listener.drop();
    if (wasOnline || !this.reconnectTimer) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.enqueue(() => this.reconnect());
    }, this.backoff.next());
  }

  /** Re-LISTEN, fetch the fresh document, flush the queue in order; back to online only when all is saved. */
  private async reconnect(): Promise<void> {
    if (this.closed || this.state === 'online') return;
    try {
      await this.listener.drop();
      await this.listen();
      const by = await this.flush();
      this.backoff.reset();
      this.setState('online');
      this.emit(by);
      if (this.queue.length) this.kick();
    } catch (err) {
      await this.listener.drop();
      if (!isConnectionError(err) && !(err instanceof UserError)) {
        // Not a connection problem (e.g. a bad document): keep the queue and keep trying, slowly.
        this.backoff.slow();
      }
      this.scheduleReconnect();
    }
  }

  /** Save queued changes on the fresh document, oldest first, in batches; the local view keeps the rest on top. */
  private async flush(): Promise<string> {
    const fresh = await this.ctx.docs.read(this.id);
    if (!fresh) throw new UserError(`session ${this.id} no longer exists in ${this.ctx.where}`);
    this.base = fresh.doc;
    this.rev = fresh.revision;
    this.rebuild();
    let by = fresh.who;
    while (this.queue.length) {
      const batch = this.queue.slice(0, MAX_BATCH);
      await this.write(batch);
      by = batch[batch.length - 1].entry.who;
    }
    return by;
  }
}
