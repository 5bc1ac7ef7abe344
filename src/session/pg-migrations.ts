/**
 * Versioned, idempotent migrations for the team-mode schema. The tool owns a
 * schema of its own (`deploy_wizard` by default) and records applied versions
 * in `schema_migrations`. Each migration runs in its own transaction; the whole
 * run is guarded by an advisory lock so two processes starting at once do not
 * race (the loser waits, then finds every version applied and does nothing).
 */
import type { ClientBase } from 'pg';
import { UserError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  /** SQL with `%s` standing for the quoted schema name. */
  sql: string;
}

/** Append only: never edit a released migration, add a new version instead. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'sessions and events',
    sql: `
      CREATE TABLE %s.sessions (
        id         text PRIMARY KEY,
        doc        jsonb NOT NULL,
        revision   bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE %s.events (
        session_id text NOT NULL REFERENCES %s.sessions(id),
        seq        bigserial PRIMARY KEY,
        revision   bigint NOT NULL,
        who        text NOT NULL,
        at         timestamptz NOT NULL,
        change     jsonb NOT NULL,
        change_id  text NOT NULL
      );
      -- One event per revision; a change saved twice (retry after an unknown commit,
      -- a journal replayed after a crash) is refused by change_id instead of duplicated.
      CREATE UNIQUE INDEX events_session_revision ON %s.events (session_id, revision);
      CREATE UNIQUE INDEX events_session_change ON %s.events (session_id, change_id);
    `,
  },
  {
    version: 2,
    name: 'events are append-only',
    sql: `
      CREATE FUNCTION %s.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'deploy-wizard events are append-only';
      END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON %s.events
        FOR EACH ROW EXECUTE FUNCTION %s.events_append_only();
      CREATE INDEX sessions_updated_at ON %s.sessions (updated_at DESC);
    `,
  },
];

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validate a schema name (lower-case identifier) and return it double-quoted. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new UserError(`invalid store schema name "${schema}": use lower-case letters, digits and _ (e.g. deploy_wizard)`);
  }
  return `"${schema}"`;
}

/** Advisory-lock key: a fixed class id plus a hash of the schema name. */
const LOCK_CLASS = 0x0d3a1; // "deploy wizard" migrations

/**
 * Bring `schema` up to the newest migration. Safe to call on every start, from
 * many processes at once. Returns the versions this call applied.
 */
export async function migrate(client: ClientBase, schema: string, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  const q = quoteSchema(schema);
  const applied: number[] = [];
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ version: number }>(`SELECT version FROM ${q}.schema_migrations`)).rows.map((r) => r.version),
    );
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql.replaceAll('%s', q));
        await client.query(`INSERT INTO ${q}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]).catch(() => {});
  }
  return applied;
}
