/**
 * Team mode: the session store on PostgreSQL, shared by several terminals.
 * Split the lowdb way: this module is the store (connect, migrate, list, read,
 * create, open); each open session is the session core (./pg-session.ts: the
 * write pump and sync, the offline journal) over small parts — the document
 * adapter (./pg-adapter.ts: read/write a document with its revision), the
 * channel connection and reconnect backoff (./pg-connection.ts), presence
 * (./pg-presence.ts) and the journal file (./pg-journal.ts).
 */
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { UserError } from '../errors.js';
import { maskUrl, redactDeep, type Redactor } from '../secrets/redactor.js';
import { SessionSchema, type Session } from './schema.js';
import type { NewSession, SessionStore, SessionSummary } from './store.js';
import { latestVersion, migrate, quoteSchema, schemaVersion } from './pg-migrations.js';
import { newSessionId, storeRedactor, summarize } from './pg-doc.js';
import { newSessionDocument } from './new-document.js';
import { storeError } from './pg-errors.js';
import { pgDocAdapter } from './pg-adapter.js';
import { CONNECT_TIMEOUT_MS } from './pg-connection.js';
import { OPTIMISTIC_ATTEMPTS, PgOpenSession, type SessionContext, type TeamSession } from './pg-session.js';

export interface PgSessionStore extends SessionStore {
  create(init: NewSession): Promise<TeamSession>;
  open(id: string, operator: string): Promise<TeamSession>;
  /** Connect and migrate now when the schema is behind (otherwise done on first use); throws a redacted UserError. */
  ready(): Promise<void>;
  /** The DBA's step (`deploy-wizard migrate`): bring the schema up to date; the version before and after and what was applied. */
  migrate(): Promise<{ from: number; to: number; applied: number[] }>;
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
const QUERY_TIMEOUT_MS = 15_000;

type PgModule = typeof import('pg');

/** pg is heavy: load it only when the team store is actually used. */
async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as unknown as { default?: PgModule } & PgModule;
  return mod.default ?? mod;
}

/** Create the PostgreSQL session store for `url` (nothing connects until first use). */
export function createPgStore(url: string, opts: PgStoreOptions = {}): PgSessionStore {
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const redact = storeRedactor(url, opts.redact);
  const where = maskUrl(url);
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
  const docs = pgDocAdapter(q, getPool, where);

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

  const validated = (id: string, doc: unknown): Session => {
    const parsed = SessionSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`session ${id} in ${where} is not a valid session document (${issue?.path.join('.') || 'root'}: ${issue?.message}); start a new session`);
    }
    return parsed.data;
  };

  const ctx: SessionContext = { schema, url, redact, where, journalDir, maxAttempts, docs, loadPg, forget: (s) => open.delete(s) };
  const noSuch = (id: string) => new UserError(`no session ${id} in ${where}; run \`deploy-wizard list --store …\` to see the sessions there`);

  return {
    ready,

    async migrate() {
      try {
        const p = await getPool();
        const c = await p.connect();
        try {
          const from = await schemaVersion(c, schema);
          const applied = await migrate(c, schema);
          return { from, to: Math.max(from, latestVersion()), applied };
        } finally {
          c.release();
        }
      } catch (err) {
        throw storeError('cannot migrate the team store', where, err, redact);
      }
    },

    async list(): Promise<SessionSummary[]> {
      try {
        await ready();
        return (await docs.list()).map(summarize);
      } catch (err) {
        throw storeError('cannot list sessions', where, err, redact);
      }
    },

    async read(id: string): Promise<Session> {
      let fresh;
      try {
        await ready();
        fresh = await docs.read(id);
      } catch (err) {
        throw storeError(`cannot read session ${id}`, where, err, redact);
      }
      if (!fresh) throw noSuch(id);
      return validated(id, fresh.doc);
    },

    async create(init: NewSession): Promise<TeamSession> {
      try {
        await ready();
        for (let attempt = 0; ; attempt++) {
          const at = new Date().toISOString();
          const id = newSessionId(init.environment);
          const doc = redactDeep(newSessionDocument(id, init, at), redact);
          try {
            await docs.insert(id, doc, doc.operators[0], at);
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
      let fresh;
      try {
        await ready();
        fresh = await docs.read(id);
      } catch (err) {
        throw storeError(`cannot open session ${id}`, where, err, redact);
      }
      if (!fresh) throw noSuch(id);
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
}
