/** The team schema: versioned, idempotent migrations, safe to run from two clients at once. */
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { MIGRATIONS, migrate, quoteSchema } from '../../src/session/pg-migrations.js';
import { createPgStore } from '../../src/session/pg-store.js';
import { UserError } from '../../src/errors.js';
import { dropSchema, newSessionInit, pgUrl, withClient } from './helpers.js';

const facts = inject('servers').pg;
const schemas: string[] = [];
const fresh = () => {
  const s = 'dw_test_' + Math.random().toString(36).slice(2, 10);
  schemas.push(s);
  return s;
};

afterAll(async () => {
  for (const s of schemas) await dropSchema(facts, s);
});

const allVersions = MIGRATIONS.map((m) => m.version);

describe('team store migrations', () => {
  it('apply every version once; a second run applies nothing and changes nothing', async () => {
    const schema = fresh();
    await withClient(facts, async (c) => {
      expect(await migrate(c, schema)).toEqual(allVersions);
      expect(await migrate(c, schema)).toEqual([]);
      const r = await c.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(r.rows.map((x) => x.version)).toEqual(allVersions);
      const t = await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
      expect(t.rows.map((x) => x.table_name)).toEqual(['events', 'schema_migrations', 'sessions']);
    });
  });

  it('two clients migrating one fresh schema at the same moment: no error, each version applied exactly once', async () => {
    for (let round = 0; round < 3; round++) {
      const schema = fresh();
      const clients = [new pg.Client(facts), new pg.Client(facts)];
      await Promise.all(clients.map((c) => c.connect()));
      try {
        const results = await Promise.all(clients.map((c) => migrate(c, schema)));
        expect([...results[0], ...results[1]].sort()).toEqual(allVersions);
        const r = await clients[0].query(`SELECT count(*)::int AS n FROM "${schema}".schema_migrations`);
        expect(r.rows[0].n).toBe(allVersions.length);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    }
  });

  it('two stores starting at once on one schema both work', async () => {
    const schema = fresh();
    const url = pgUrl(facts);
    const [a, b] = [createPgStore(url, { schema }), createPgStore(url, { schema })];
    await Promise.all([a.ready(), b.ready()]);
    const s = await a.create(newSessionInit('alice'));
    expect((await b.list()).map((x) => x.id)).toEqual([s.id]);
    await Promise.all([a.end(), b.end()]);
  });

  it('a failed migration rolls back whole and leaves its version unrecorded', async () => {
    const schema = fresh();
    const broken = [...MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE %s.half (x int); SELECT no_such_function();' }];
    await withClient(facts, async (c) => {
      await expect(migrate(c, schema, broken)).rejects.toThrow(/no_such_function/);
      const r = await c.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(r.rows.map((x) => x.version)).toEqual(allVersions);
      const t = await c.query(`SELECT to_regclass($1) AS t`, [`"${schema}".half`]);
      expect(t.rows[0].t).toBeNull();
      // The advisory lock was released: the next run goes through.
      expect(await migrate(c, schema)).toEqual([]);
    });
  });

  it('the event log is append-only: updates and deletes are refused by the database', async () => {
    const schema = fresh();
    const store = createPgStore(pgUrl(facts), { schema });
    const s = await store.create(newSessionInit('alice'));
    await s.apply({ type: 'item.note', itemId: 'shared-0', note: 'x' });
    await store.end();
    await withClient(facts, async (c) => {
      await expect(c.query(`UPDATE "${schema}".events SET who = 'mallory'`)).rejects.toThrow(/append-only/);
      await expect(c.query(`DELETE FROM "${schema}".events`)).rejects.toThrow(/append-only/);
      const r = await c.query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE session_id = $1`, [s.id]);
      expect(r.rows[0].n).toBe(2);
    });
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => quoteSchema('x"; DROP SCHEMA public; --')).toThrow(UserError);
    expect(() => quoteSchema('Deploy')).toThrow(/lower-case/);
    expect(quoteSchema('deploy_wizard')).toBe('"deploy_wizard"');
  });
});
