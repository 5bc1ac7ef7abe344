/**
 * Team mode: the session store on PostgreSQL, shared by several terminals.
 *
 * - No exclusive lock: every writer applies changes with optimistic
 *   concurrency (`UPDATE … WHERE revision = $base`); on conflict it reloads the
 *   fresh document and re-applies the change (a change is an operation, so
 *   re-applying it on fresher state is the merge). After a few conflicts it
 *   falls back to `SELECT … FOR UPDATE`, so a change is never starved or dropped.
 * - Every change appends one event (append-only, unique per revision and per
 *   change id) and NOTIFYs `deploy_wizard_<hash>` on commit; each open session
 *   LISTENs on its own connection and fetches the fresh document.
 * - Connection loss: changes apply locally at once, are journalled to
 *   `<id>.pending.jsonl` and queued; on reconnect (backoff) the session
 *   re-LISTENs, re-syncs and flushes the queue in order.
 */
import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Client, Notification, Pool } from 'pg';
import { UserError } from '../errors.js';
import { redactDeep, type Redactor } from '../secrets/redactor.js';
import { applyChange, ChangeRefused, type Change } from './changes.js';
import { SessionSchema, type Session } from './schema.js';
import type { NewSession, OpenSession, SessionStore, SessionSummary } from './store.js';
import { migrate, quoteSchema } from './pg-migrations.js';
import { newSessionId, redactStoreUrl, storeRedactor, summarize } from './pg-doc.js';
import { newSessionDocument } from './new-document.js';
import { isConnectionError, storeError } from './pg-errors.js';
import { appendPending, journalPath, readPending, removePending, type PendingChange } from './pg-journal.js';

export type ConnectionState = 'online' | 'offline';

/** An open team-mode session: the OpenSession contract plus connection state. */
export interface TeamSession extends OpenSession {
  /** 'offline' while the database is unreachable (changes are kept locally meanwhile). */
  connectionState(): ConnectionState;
  /** Called on every switch between online and offline; returns an unsubscribe function. */
  onConnectionChange(cb: (state: ConnectionState) => void): () => void;
  /** The database revision the local document is based on. */
  revision(): number;
  /** Changes made offline and not yet saved in the database. */
  pendingCount(): number;
  /** Called when a change made offline is refused once the others' changes are known (e.g. the role was signed meanwhile). */
  onRefused(cb: (message: string) => void): () => void;
}

export interface PgSessionStore extends SessionStore {
  create(init: NewSession): Promise<TeamSession>;
  open(id: string, operator: string): Promise<TeamSession>;
  /** Connect and migrate now (otherwise done on first use); throws a redacted UserError. */
  ready(): Promise<void>;
  /** Close every open session and the connection pool. */
  end(): Promise<void>;
}

export interface PgStoreOptions {
  /** Applied to every document, event and journal line before it is written. */
  redact?: Redactor;
  /** Schema of our own (default `deploy_wizard`). */
  schema?: string;
  /** Where offline journals go (the sessions directory; default `./sessions`). */
  journalDir?: string;
  /** Attempts per change before giving up with a UserError (default 8). */
  maxAttempts?: number;
}

const DEFAULT_SCHEMA = 'deploy_wizard';
/**
 * Optimistic attempts before taking the row lock. One: uncontended changes cost
 * a single round trip; contended ones then queue on the lock (fair, no
 * starvation) instead of re-colliding, which measured ~10x slower with 3 writers.
 */
const OPTIMISTIC_ATTEMPTS = 1;
/** Transient refusals worth another try: serialization failure, deadlock, lock not available, query canceled (timeout). */
const RETRYABLE = new Set(['40001', '40P01', '55P03', '57014']);
const CONNECT_TIMEOUT_MS = 3000;
const QUERY_TIMEOUT_MS = 15_000;
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5000;

type PgModule = typeof import('pg');

/** pg is heavy: load it only when the team store is actually used. */
async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as unknown as { default?: PgModule } & PgModule;
  return mod.default ?? mod;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Notification channel of one session (identifiers are short; ids are not). */
export function channelFor(schema: string, id: string): string {
  return `deploy_wizard_${createHash('sha256').update(`${schema}/${id}`).digest('hex').slice(0, 16)}`;
}

interface Fresh {
  doc: Session;
  revision: number;
  who: string;
}

/** Create the PostgreSQL session store for `url` (nothing connects until first use). */
export function createPgStore(url: string, opts: PgStoreOptions = {}): PgSessionStore {
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const redact = storeRedactor(url, opts.redact);
  const where = redactStoreUrl(url);
  const journalDir = resolve(opts.journalDir ?? 'sessions');
  const maxAttempts = Math.max(OPTIMISTIC_ATTEMPTS + 1, opts.maxAttempts ?? 8);
  const open = new Set<PgOpenSession>();
  let pool: Pool | undefined;
  let readyP: Promise<void> | undefined;

  const getPool = async (): Promise<Pool> => {
    if (pool) return pool;
    const pg = await loadPg();
    pool = new pg.Pool({
      connectionString: url,
      max: 5,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      idleTimeoutMillis: 5000,
      allowExitOnIdle: true,
    });
    // An idle client dropped by the server is not our caller's problem: the next query reconnects or fails.
    pool.on('error', () => {});
    return pool;
  };

  const ready = (): Promise<void> =>
    (readyP ??= (async () => {
      const p = await getPool();
      const c = await p.connect();
      try {
        await migrate(c, schema);
      } finally {
        c.release();
      }
    })().catch((err) => {
      readyP = undefined;
      throw storeError('cannot open the team store', where, err, redact);
    }));

  const fetchFresh = async (id: string): Promise<Fresh | undefined> => {
    const p = await getPool();
    const r = await p.query<{ doc: Session; revision: string; who: string | null }>(
      `SELECT s.doc, s.revision,
              (SELECT e.who FROM ${q}.events e WHERE e.session_id = s.id ORDER BY e.revision DESC LIMIT 1) AS who
         FROM ${q}.sessions s WHERE s.id = $1`,
      [id],
    );
    const row = r.rows[0];
    return row ? { doc: row.doc, revision: Number(row.revision), who: row.who ?? '' } : undefined;
  };

  const validated = (id: string, doc: unknown): Session => {
    const parsed = SessionSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`session ${id} in ${where} is not a valid session document (${issue?.path.join('.') || 'root'}: ${issue?.message}); start a new session`);
    }
    return parsed.data;
  };

  const ctx: StoreContext = { q, schema, url, redact, where, journalDir, maxAttempts, getPool, fetchFresh, loadPg, forget: (s) => open.delete(s) };

  const store: PgSessionStore = {
    ready,

    async list(): Promise<SessionSummary[]> {
      try {
        await ready();
        const p = await getPool();
        const r = await p.query<{ doc: Session }>(`SELECT doc FROM ${q}.sessions ORDER BY updated_at DESC, id`);
        return r.rows.map((row) => summarize(row.doc));
      } catch (err) {
        throw storeError('cannot list sessions', where, err, redact);
      }
    },

    async read(id: string): Promise<Session> {
      let fresh: Fresh | undefined;
      try {
        await ready();
        fresh = await fetchFresh(id);
      } catch (err) {
        throw storeError(`cannot read session ${id}`, where, err, redact);
      }
      if (!fresh) throw new UserError(`no session ${id} in ${where}; run \`deploy-wizard list --store …\` to see the sessions there`);
      return validated(id, fresh.doc);
    },

    async create(init: NewSession): Promise<TeamSession> {
      try {
        await ready();
        const p = await getPool();
        for (let attempt = 0; ; attempt++) {
          const at = new Date().toISOString();
          const id = newSessionId(init.environment);
          const doc = redactDeep(newSessionDocument(id, init, at), redact);
          try {
            await p.query(
              `WITH s AS (INSERT INTO ${q}.sessions (id, doc, revision) VALUES ($1, $2, 0) RETURNING id)
               INSERT INTO ${q}.events (session_id, revision, who, at, change, change_id)
               SELECT s.id, 0, $3, $4, $5, 'create' FROM s`,
              [id, JSON.stringify(doc), doc.operators[0], at, JSON.stringify({ type: 'session.create', doc })],
            );
          } catch (err) {
            // A readable id can collide (same env, same minute, same 4 chars): draw another.
            if ((err as { code?: string }).code === '23505' && attempt < 5) continue;
            throw err;
          }
          const s = new PgOpenSession(ctx, id, doc.operators[0], doc, 0);
          open.add(s);
          await s.start();
          return s;
        }
      } catch (err) {
        throw storeError('cannot create a session', where, err, redact);
      }
    },

    async open(id: string, operator: string): Promise<TeamSession> {
      let fresh: Fresh | undefined;
      try {
        await ready();
        fresh = await fetchFresh(id);
      } catch (err) {
        throw storeError(`cannot open session ${id}`, where, err, redact);
      }
      if (!fresh) throw new UserError(`no session ${id} in ${where}; run \`deploy-wizard list --store …\` to see the sessions there`);
      validated(id, fresh.doc);
      const s = new PgOpenSession(ctx, id, operator, fresh.doc, fresh.revision);
      open.add(s);
      try {
        await s.start();
        // Team mode has no exclusive lock: joining is a change like any other.
        await s.apply({ type: 'operator.join', name: operator });
      } catch (err) {
        await s.close().catch(() => {});
        throw storeError(`cannot open session ${id}`, where, err, redact);
      }
      return s;
    },

    async end(): Promise<void> {
      await Promise.all([...open].map((s) => s.close().catch(() => {})));
      const p = pool;
      pool = undefined;
      readyP = undefined;
      if (p) await p.end().catch(() => {});
    },
  };
  return store;
}

interface StoreContext {
  q: string;
  schema: string;
  url: string;
  redact: Redactor;
  where: string;
  journalDir: string;
  maxAttempts: number;
  getPool(): Promise<Pool>;
  fetchFresh(id: string): Promise<Fresh | undefined>;
  loadPg(): Promise<PgModule>;
  forget(s: PgOpenSession): void;
}

class PgOpenSession implements TeamSession {
  /** Tells our own notifications from everyone else's. */
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly journal: string;
  private readonly listeners = new Set<(session: Session, by: string) => void>();
  private readonly connListeners = new Set<(state: ConnectionState) => void>();
  private readonly refusedListeners = new Set<(message: string) => void>();
  private readonly undelivered: string[] = [];
  /** Changes applied locally but not yet in the database, oldest first. */
  private queue: PendingChange[] = [];
  /** One operation at a time per open session: applies, re-syncs and flushes keep their order. */
  private chain: Promise<unknown> = Promise.resolve();
  private state: ConnectionState = 'online';
  private listener: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private fetching = false;
  private fetchAgain = false;
  private closed = false;
  /** Applies queued or running: a notification then waits for them instead of fetching the whole document. */
  private applying = 0;
  private missed = false;

  constructor(
    private readonly ctx: StoreContext,
    readonly id: string,
    private readonly who: string,
    private doc: Session,
    private rev: number,
  ) {
    this.channel = channelFor(ctx.schema, id);
    this.journal = journalPath(ctx.journalDir, id);
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

  /** LISTEN, then save whatever a crashed earlier run left in the journal. */
  async start(): Promise<void> {
    await this.listen();
    const left = readPending(this.journal);
    if (left.length) {
      this.queue.push(...left);
      await this.enqueue(() => this.flush());
    }
  }

  apply(change: Change): Promise<Session> {
    this.applying++;
    return this.enqueue(() => this.applyNow(change)).finally(() => {
      // Others' changes heard about meanwhile: the writes above picked most up; fetch the rest once.
      if (--this.applying === 0 && this.missed) {
        this.missed = false;
        void this.fetchLatest();
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain.catch(() => {});
    this.closed = true;
    this.ctx.forget(this);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.dropListener();
    // Changes still queued stay in the journal: the next open flushes them.
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }

  private async applyNow(change: Change): Promise<Session> {
    if (this.closed) throw new UserError(`session ${this.id} is closed; open it again to make changes`);
    const entry: PendingChange = {
      changeId: randomUUID(),
      who: this.ctx.redact(this.who),
      at: new Date().toISOString(),
      change: redactDeep(change, this.ctx.redact),
    };
    if (this.state === 'online') {
      try {
        await this.write(entry);
        this.emit(this.who);
        return this.doc;
      } catch (err) {
        // Refused by the session's rules on the fresh document (e.g. someone else signed that role first): say so as it is.
        if (err instanceof ChangeRefused) throw err;
        if (!isConnectionError(err)) throw storeError(`cannot save a change to session ${this.id}`, this.ctx.where, err, this.ctx.redact);
        // Whether that commit landed is unknown: the change id makes the later flush exactly-once.
        this.goOffline();
      }
    }
    // Refused on what this terminal knows: never queued.
    const local = this.applyLocal(this.doc, entry);
    try {
      appendPending(this.journal, this.ctx.journalDir, entry);
    } catch (err) {
      // Neither the database nor the disk took it: say so rather than keep it only in memory.
      throw new UserError(
        `the session store is unreachable and the change could not be kept in ${this.journal} (${(err as NodeJS.ErrnoException).code ?? 'write failed'}); free space or fix permissions, then retry`,
      );
    }
    this.queue.push(entry);
    this.doc = local;
    this.emit(this.who);
    return this.doc;
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
   * Save one change: optimistic first, then under the row lock. Re-applying on
   * the fresh document is the merge (different items both land; the same item:
   * last writer wins, both events kept). Throws connection errors as they are.
   */
  private async write(entry: PendingChange): Promise<void> {
    const { q } = this.ctx;
    const pool = await this.ctx.getPool();
    const sql = `
      WITH u AS (
        UPDATE ${q}.sessions SET doc = $3, revision = revision + 1, updated_at = now()
         WHERE id = $1 AND revision = $2 RETURNING revision
      ), e AS (
        INSERT INTO ${q}.events (session_id, revision, who, at, change, change_id)
        SELECT $1, u.revision, $4, $5, $6, $7 FROM u RETURNING revision
      )
      SELECT e.revision, pg_notify($8, json_build_object('id', $1::text, 'revision', e.revision, 'who', $4::text, 'origin', $9::text)::text)
        FROM e`;
    const params = (base: number, next: Session) => [
      this.id, base, JSON.stringify(next), entry.who, entry.at, JSON.stringify(entry.change), entry.changeId, this.channel, this.origin,
    ];
    for (let attempt = 1; attempt <= this.ctx.maxAttempts; attempt++) {
      try {
        if (attempt <= OPTIMISTIC_ATTEMPTS) {
          const base = this.rev;
          let next: Session;
          try {
            next = this.applyLocal(this.doc, entry);
          } catch (err) {
            // Refused on what this terminal last heard (maybe stale, e.g. reopened meanwhile): the locked path decides.
            if (err instanceof ChangeRefused) continue;
            throw err;
          }
          const r = await pool.query<{ revision: string }>(sql, params(base, next));
          if (r.rows[0]) return this.settle(next, Number(r.rows[0].revision));
          // Someone else wrote first: re-apply on the fresh document, under the row lock this time
          // so busy sessions queue in the database instead of colliding again.
          continue;
        }
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const r = await client.query<{ doc: Session; revision: string; who: string | null }>(
            `SELECT s.doc, s.revision,
                    (SELECT e.who FROM ${q}.events e WHERE e.session_id = s.id ORDER BY e.revision DESC LIMIT 1) AS who
               FROM ${q}.sessions s WHERE s.id = $1 FOR UPDATE`,
            [this.id],
          );
          if (!r.rows[0]) throw new UserError(`session ${this.id} no longer exists in ${this.ctx.where}`);
          const base = Number(r.rows[0].revision);
          // Show what the others did first, with who did it, before our change lands on top.
          if (base > this.rev && this.state === 'online' && !this.queue.length) {
            this.doc = r.rows[0].doc;
            this.rev = base;
            this.emit(r.rows[0].who ?? '');
          }
          const next = this.applyLocal(r.rows[0].doc, entry);
          const w = await client.query<{ revision: string }>(sql, params(base, next));
          await client.query('COMMIT');
          if (w.rows[0]) return this.settle(next, Number(w.rows[0].revision));
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        } finally {
          client.release();
        }
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        // Saved already (a retry after a commit we did not hear back from, or a replayed journal).
        if (e.code === '23505' && e.constraint === 'events_session_change') {
          await this.reload();
          return;
        }
        if (!RETRYABLE.has(e.code ?? '')) throw err;
      }
      // Jitter so two writers that failed together do not retry in lockstep.
      await sleep(Math.random() * Math.min(250, 10 * 2 ** attempt));
    }
    throw new UserError(
      `could not save a change to session ${this.id} after ${this.ctx.maxAttempts} attempts (the database kept refusing it); try again`,
    );
  }

  private settle(next: Session, revision: number): void {
    // A notification-driven fetch may already hold something newer.
    if (revision > this.rev) {
      this.doc = next;
      this.rev = revision;
    }
  }

  /** Take the database's document (used on conflict and re-sync). */
  private async reload(): Promise<void> {
    const fresh = await this.ctx.fetchFresh(this.id);
    if (!fresh) throw new UserError(`session ${this.id} no longer exists in ${this.ctx.where}`);
    if (fresh.revision >= this.rev) {
      this.doc = fresh.doc;
      this.rev = fresh.revision;
    }
  }

  onRefused(cb: (message: string) => void): () => void {
    this.refusedListeners.add(cb);
    // Refusals met while opening (a journal left by an earlier run) reach the first listener.
    for (const m of this.undelivered.splice(0)) cb(m);
    return () => this.refusedListeners.delete(cb);
  }

  private emitRefused(message: string): void {
    if (this.refusedListeners.size === 0) this.undelivered.push(message);
    for (const l of [...this.refusedListeners]) {
      try {
        l(message);
      } catch {
        /* a listener's failure is its own */
      }
    }
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

  private async listen(): Promise<void> {
    const pg = await this.ctx.loadPg();
    const client = new pg.Client({ connectionString: this.ctx.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg: Notification) => this.onNotify(msg));
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => {});
      throw err;
    }
  }

  private async dropListener(): Promise<void> {
    const c = this.listener;
    this.listener = undefined;
    if (c) await c.end().catch(() => {});
  }

  private lost(client: Client): void {
    if (this.closed || client !== this.listener) return;
    this.listener = undefined;
    client.end().catch(() => {});
    this.goOffline();
  }

  private onNotify(msg: Notification): void {
    let p: { revision?: number; origin?: string };
    try {
      p = JSON.parse(msg.payload ?? '{}');
    } catch {
      return;
    }
    if (p.origin === this.origin || (typeof p.revision === 'number' && p.revision <= this.rev)) return;
    if (this.applying > 0) {
      this.missed = true;
      return;
    }
    void this.fetchLatest();
  }

  /** Coalesce a burst of notifications into as few fetches as it takes. */
  private async fetchLatest(): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.fetchAgain = false;
        const fresh = await this.ctx.fetchFresh(this.id);
        // Offline (or with changes still queued) the local document is the truth until re-sync.
        if (!fresh || this.closed || this.state !== 'online' || this.queue.length) break;
        if (fresh.revision > this.rev) {
          this.doc = fresh.doc;
          this.rev = fresh.revision;
          this.emit(fresh.who);
        }
      } while (this.fetchAgain);
    } catch (err) {
      if (isConnectionError(err)) this.goOffline();
    } finally {
      this.fetching = false;
    }
  }

  private goOffline(): void {
    if (this.closed) return;
    const wasOnline = this.state === 'online';
    this.setState('offline');
    void this.dropListener();
    if (wasOnline || !this.reconnectTimer) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.reconnectAttempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.enqueue(() => this.reconnect());
    }, base * (0.5 + Math.random() / 2));
  }

  /** Re-LISTEN, fetch the fresh document, flush the queue in order; back to online only when all is saved. */
  private async reconnect(): Promise<void> {
    if (this.closed || this.state === 'online') return;
    try {
      await this.dropListener();
      await this.listen();
      const by = await this.flush();
      this.reconnectAttempt = 0;
      this.setState('online');
      this.emit(by);
    } catch (err) {
      await this.dropListener();
      if (!isConnectionError(err) && !(err instanceof UserError)) {
        // Not a connection problem (e.g. a bad document): keep the queue and keep trying, slowly.
        this.reconnectAttempt = Math.max(this.reconnectAttempt, 5);
      }
      this.scheduleReconnect();
    }
  }

  /** Save queued changes on the fresh document, oldest first; the local view keeps the rest on top. */
  private async flush(): Promise<string> {
    const saved = new Set<string>();
    try {
      const fresh = await this.ctx.fetchFresh(this.id);
      if (!fresh) throw new UserError(`session ${this.id} no longer exists in ${this.ctx.where}`);
      this.doc = fresh.doc;
      this.rev = fresh.revision;
      let by = fresh.who;
      while (this.queue.length) {
        const entry = this.queue[0];
        try {
          await this.write(entry);
          by = entry.who;
        } catch (err) {
          if (!(err instanceof ChangeRefused)) throw err;
          // Made offline, refused on what the others did meanwhile: dropped, and the person is told why.
          this.emitRefused(err.message);
        }
        saved.add(entry.changeId);
        this.queue.shift();
      }
      return by;
    } finally {
      if (saved.size) removePending(this.journal, saved);
      // What is still queued stays visible locally (what the fresh document refuses is left out here and refused on flush).
      for (const e of this.queue) {
        try {
          this.doc = this.applyLocal(this.doc, e);
        } catch (err) {
          if (!(err instanceof ChangeRefused)) throw err;
        }
      }
    }
  }
}

