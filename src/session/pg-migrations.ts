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

/** The newest version this build knows. */
export function latestVersion(migrations: Migration[] = MIGRATIONS): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}

/**
 * The schema's version, read with a plain SELECT (no DDL, no lock): 0 when the
 * schema or its version table does not exist yet. A role that may not read the
 * version table gets a UserError naming the grant it needs.
 */
export async function schemaVersion(client: ClientBase, schema: string): Promise<number> {
  const q = quoteSchema(schema);
  try {
    const r = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${q}.schema_migrations`);
    return r.rows[0]?.v ?? 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return 0; // undefined table / schema: never migrated
    if (code === '42501') {
      const role = await currentRole(client);
      throw new UserError(
        `role "${role}" may not read the store schema "${schema}" (it needs USAGE on the schema and SELECT on its tables); have a DBA run the GRANTs in README "Team mode: database rights"`,
      );
    }
    throw err;
  }
}

async function currentRole(client: ClientBase): Promise<string> {
  return (await client.query<{ r: string }>('SELECT current_user AS r')).rows[0]?.r ?? '?';
}

/**
 * Can this role bring the schema up to date? Undefined when it can; otherwise
 * the one line saying which right is missing (CREATE on the schema when the
 * schema exists, CREATE on the database when it has to be made) and what to do.
 */
async function missingMigrationRight(client: ClientBase, schema: string, from: number, to: number): Promise<string | undefined> {
  const r = await client.query<{ role: string; db: string; schema_exists: boolean; on_schema: boolean | null; on_db: boolean }>(
    // One lookup of the schema, by its oid: asking the privilege by name could race another client's
    // CREATE SCHEMA between the two lookups ("schema does not exist"); by a missing oid it is null.
    `SELECT current_user AS role, current_database() AS db,
            n.oid IS NOT NULL AS schema_exists,
            has_schema_privilege(n.oid, 'CREATE') AS on_schema,
            has_database_privilege(current_database(), 'CREATE') AS on_db
       FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1`,
    [schema],
  );
  const f = r.rows[0];
  if (!f) return undefined;
  const todo = `have a DBA run \`deploy-wizard migrate --store URL\` once with a role that has it`;
  if (!f.schema_exists && !f.on_db) {
    return `the store schema "${schema}" does not exist and role "${f.role}" lacks CREATE on database "${f.db}" to make it; ${todo}`;
  }
  if (f.schema_exists && !f.on_schema) {
    return `the store schema "${schema}" is at version ${from} of ${to} and role "${f.role}" lacks CREATE on schema "${schema}" to migrate it; ${todo}`;
  }
  return undefined;
}

/**
 * Bring `schema` up to the newest migration, only when it is behind: an
 * up-to-date schema costs one SELECT and needs no DDL right, so a role with
 * only DML rights can use a migrated store. Safe from many processes at once.
 * Returns the versions this call applied.
 */
export async function migrate(client: ClientBase, schema: string, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  const q = quoteSchema(schema);
  const target = latestVersion(migrations);
  const seen = await schemaVersion(client, schema);
  if (seen >= target) return [];
  const missing = await missingMigrationRight(client, schema, seen, target);
  if (missing) throw new UserError(missing);
  const applied: number[] = [];
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
  try {
    // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists: only when it does not.
    const exists = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount;
    if (!exists) await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
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
