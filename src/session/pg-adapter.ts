/**
 * Team mode's document adapter: the session document in PostgreSQL with its
 * revision, read and written, nothing else (the lowdb way: the session core in
 * ./pg-session.ts decides what to write; this module only knows SQL).
 *
 * - `sessions(id, doc, revision, updated_at)` holds the document; `events`
 *   holds one row per change (append-only, unique per revision and per change
 *   id), so a replayed change is refused by the database, never duplicated.
 * - A write is one statement: update the document if its revision is still
 *   the one the change was applied on, append the events, NOTIFY the channel.
 */
import type { Pool, PoolClient } from 'pg';
import { UserError } from '../errors.js';
import type { Session } from './schema.js';
import type { PendingChange } from './pg-journal.js';

/** The stored document, its revision, and who made the last change. */
export interface Fresh {
  doc: Session;
  revision: number;
  who: string;
}

/** One batch to write on top of revision `base`; `notify` goes to the session's channel on commit. */
export interface WriteRequest {
  id: string;
  base: number;
  next: Session;
  entries: PendingChange[];
  notify: { channel: string; who: string; origin: string };
}

export interface DocAdapter {
  /** The stored document, or undefined when there is no such session. */
  read(id: string): Promise<Fresh | undefined>;
  /** Every session's document, the most recently updated first. */
  list(): Promise<Session[]>;
  /** Insert a new session at revision 0 with its `session.create` event; a duplicate id throws PostgreSQL's 23505. */
  insert(id: string, doc: Session, who: string, at: string): Promise<void>;
  /** Write if the stored revision is still `base` (optimistic); the new revision, or undefined when someone wrote first. */
  write(req: WriteRequest): Promise<number | undefined>;
  /**
   * Run `fn` holding the session's row lock (`SELECT … FOR UPDATE`), with the
   * fresh document and a writer bound to the transaction; commits after `fn`,
   * rolls back when it throws.
   */
  locked<T>(id: string, fn: (fresh: Fresh, write: (req: WriteRequest) => Promise<number | undefined>) => Promise<T>): Promise<T>;
  /** Which of these change ids the database holds for the session already. */
  savedChangeIds(id: string, changeIds: string[]): Promise<Set<string>>;
}

/** The adapter over a pool; `q` is the quoted schema, `where` the masked store URL for messages. */
export function pgDocAdapter(q: string, getPool: () => Promise<Pool>, where: string): DocAdapter {
  const selectFresh = (lock: boolean) => `
    SELECT s.doc, s.revision,
           (SELECT e.who FROM ${q}.events e WHERE e.session_id = s.id ORDER BY e.revision DESC LIMIT 1) AS who
      FROM ${q}.sessions s WHERE s.id = $1${lock ? ' FOR UPDATE' : ''}`;
  const writeSql = `
    WITH u AS (
      UPDATE ${q}.sessions SET doc = $3, revision = revision + $4, updated_at = now()
       WHERE id = $1 AND revision = $2 RETURNING revision
    ), e AS (
      INSERT INTO ${q}.events (session_id, revision, who, at, change, change_id)
      SELECT $1, $2 + x.ord, x.v->>'who', (x.v->>'at')::timestamptz, x.v->'change', x.v->>'changeId'
        FROM u, jsonb_array_elements($5::jsonb) WITH ORDINALITY AS x(v, ord)
      RETURNING revision
    ), m AS (SELECT max(revision) AS revision FROM e)
    SELECT m.revision, pg_notify($6, json_build_object('id', $1::text, 'revision', m.revision, 'who', $7::text, 'origin', $8::text)::text)
      FROM m WHERE m.revision IS NOT NULL`;
  const params = (r: WriteRequest) => [
    r.id, r.base, JSON.stringify(r.next), r.entries.length, JSON.stringify(r.entries), r.notify.channel, r.notify.who, r.notify.origin,
  ];
  type Row = { doc: Session; revision: string; who: string | null };
  const fresh = (row: Row): Fresh => ({ doc: row.doc, revision: Number(row.revision), who: row.who ?? '' });
  const writeOn = async (c: Pool | PoolClient, r: WriteRequest): Promise<number | undefined> => {
    const res = await c.query<{ revision: string }>(writeSql, params(r));
    return res.rows[0] ? Number(res.rows[0].revision) : undefined;
  };

  return {
    async read(id) {
      const r = await (await getPool()).query<Row>(selectFresh(false), [id]);
      return r.rows[0] ? fresh(r.rows[0]) : undefined;
    },

    async list() {
      const r = await (await getPool()).query<{ doc: Session }>(`SELECT doc FROM ${q}.sessions ORDER BY updated_at DESC, id`);
      return r.rows.map((row) => row.doc);
    },

    async insert(id, doc, who, at) {
      await (await getPool()).query(
        `WITH s AS (INSERT INTO ${q}.sessions (id, doc, revision) VALUES ($1, $2, 0) RETURNING id)
         INSERT INTO ${q}.events (session_id, revision, who, at, change, change_id)
         SELECT s.id, 0, $3, $4, $5, 'create' FROM s`,
        [id, JSON.stringify(doc), who, at, JSON.stringify({ type: 'session.create', doc })],
      );
    },

    async write(r) {
      return writeOn(await getPool(), r);
    },

    async locked(id, fn) {
      const client = await (await getPool()).connect();
      try {
        await client.query('BEGIN');
        const r = await client.query<Row>(selectFresh(true), [id]);
        if (!r.rows[0]) throw new UserError(`session ${id} no longer exists in ${where}`);
        const out = await fn(fresh(r.rows[0]), (req) => writeOn(client, req));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async savedChangeIds(id, changeIds) {
      const r = await (await getPool()).query<{ change_id: string }>(
        `SELECT change_id FROM ${q}.events WHERE session_id = $1 AND change_id = ANY($2::text[])`,
        [id, changeIds],
      );
      return new Set(r.rows.map((row) => row.change_id));
    },
  };
}
