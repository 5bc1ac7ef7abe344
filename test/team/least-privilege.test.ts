/**
 * Least privilege (#17.6): a migrated store needs only DML rights at run time;
 * a role that cannot migrate is told exactly which right it lacks; the DBA's
 * `deploy-wizard migrate --store URL` brings the schema up to date once.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS, latestVersion, migrate } from '../../src/session/pg-migrations.js';
import { createPgStore } from '../../src/session/pg-store.js';
import { runCli, workdir } from '../check/helpers.js';
import { newSessionInit, withClient } from './helpers.js';

const facts = inject('servers').pg;
const tag = Math.random().toString(36).slice(2, 10);
const database = `dw_lp_${tag}`;
const roles = { dml: `dw_dml_${tag}`, owner: `dw_owner_${tag}`, none: `dw_none_${tag}` };
const password = `pw-${tag}`;
const urlAs = (role: string, db = database) =>
  `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${facts.host}:${facts.port}/${db}`;
const adminUrl = `postgres://${encodeURIComponent(facts.user)}:${encodeURIComponent(facts.password)}@${facts.host}:${facts.port}/${database}`;
const asAdmin = <T>(fn: (c: import('pg').Client) => Promise<T>) => withClient({ ...facts, database }, fn);

beforeAll(async () => {
  await withClient(facts, async (c) => {
    await c.query(`CREATE DATABASE ${database}`);
    for (const r of Object.values(roles)) await c.query(`CREATE ROLE ${r} LOGIN PASSWORD '${password}'`);
  });
  // No role but the admin may create in the database (PostgreSQL 15+ default; said again for older servers).
  await asAdmin((c) => c.query(`REVOKE CREATE ON DATABASE ${database} FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC`));
});

afterAll(async () => {
  await withClient(facts, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    for (const r of Object.values(roles)) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
});

/** The run-time rights README "Team mode: database rights" lists, for `role` on `schema`. */
async function grantDml(role: string, schema: string): Promise<void> {
  await asAdmin((c) =>
    c.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role};
             GRANT SELECT ON ${schema}.schema_migrations TO ${role};
             GRANT SELECT, INSERT, UPDATE ON ${schema}.sessions TO ${role};
             GRANT SELECT, INSERT ON ${schema}.events TO ${role};
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`),
  );
}

describe('team store on a least-privilege role', () => {
  it('a DML-only role uses a store the DBA migrated: create, change, join, list; no DDL is attempted', async () => {
    const schema = `lp_dml_${tag}`;
    await asAdmin((c) => migrate(c, schema));
    await grantDml(roles.dml, schema);
    const store = createPgStore(urlAs(roles.dml), { schema, journalDir: workdir() });
    await store.ready();
    const s = await store.create(newSessionInit('alice'));
    await s.apply({ type: 'item.state', itemId: 'shared-0', state: 'done' });
    const other = createPgStore(urlAs(roles.dml), { schema, journalDir: workdir() });
    const joined = await other.open(s.id, 'bob');
    expect(joined.current().items['shared-0']?.state).toBe('done');
    expect((await other.list()).map((r) => r.id)).toEqual([s.id]);
    await Promise.all([store.end(), other.end()]);
    // The role could not have run DDL: it holds no CREATE anywhere.
    const rights = await asAdmin((c) =>
      c.query(`SELECT has_schema_privilege($1, $2, 'CREATE') AS on_schema, has_database_privilege($1, $3, 'CREATE') AS on_db`, [roles.dml, schema, database]),
    );
    expect(rights.rows[0]).toEqual({ on_schema: false, on_db: false });
  });

  it('no schema yet and no CREATE on the database: the line names that right and the migrate step', async () => {
    const schema = `lp_missing_${tag}`;
    const store = createPgStore(urlAs(roles.none), { schema, journalDir: workdir() });
    await expect(store.ready()).rejects.toThrow(
      `the store schema "${schema}" does not exist and role "${roles.none}" lacks CREATE on database "${database}" to make it; have a DBA run \`deploy-wizard migrate --store URL\` once with a role that has it`,
    );
    await store.end();
  });

  it('a schema behind and no CREATE on it: the line names CREATE on the schema (not the database) and the versions', async () => {
    const schema = `lp_behind_${tag}`;
    await asAdmin((c) => migrate(c, schema, MIGRATIONS.slice(0, 1)));
    await grantDml(roles.dml, schema);
    const store = createPgStore(urlAs(roles.dml), { schema, journalDir: workdir() });
    await expect(store.ready()).rejects.toThrow(
      `the store schema "${schema}" is at version 1 of ${latestVersion()} and role "${roles.dml}" lacks CREATE on schema "${schema}" to migrate it; have a DBA run \`deploy-wizard migrate --store URL\` once with a role that has it`,
    );
    await store.end();
  });

  it('a role owning a schema that is behind, without CREATE on the database, migrates it', async () => {
    const schema = `lp_owned_${tag}`;
    await asAdmin((c) => c.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${roles.owner}`));
    const store = createPgStore(urlAs(roles.owner), { schema, journalDir: workdir() });
    expect(await store.migrate()).toEqual({ from: 0, to: latestVersion(), applied: MIGRATIONS.map((m) => m.version) });
    const s = await store.create(newSessionInit('carol'));
    expect(s.id).toMatch(/^production-/);
    await store.end();
  });

  it('`deploy-wizard migrate --store URL` migrates once, then says it is up to date; a DML role then lists the store', async () => {
    const cwd = workdir();
    const first = await runCli(['migrate', '--store', adminUrl], { cwd });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`from version 0 to ${latestVersion()}`);
    expect(first.stdout).not.toContain(facts.password);
    const again = await runCli(['migrate', '--store', adminUrl], { cwd });
    expect(again.stdout).toContain(`is up to date (version ${latestVersion()})`);
    await grantDml(roles.dml, 'deploy_wizard');
    const list = await runCli(['list', '--store', urlAs(roles.dml)], { cwd });
    expect(list.code).toBe(0);
  });

  it('migrate without a store is one line, exit 2', async () => {
    const r = await runCli(['migrate'], { cwd: workdir(), env: { DEPLOY_WIZARD_STORE: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('migrate needs a team store: pass --store postgres://user:***@host:port/database (or set DEPLOY_WIZARD_STORE)');
  });
});
