/**
 * Choosing the store, and the store password: a postgres:// URL opens the team
 * store, anything else the JSON files; bad or unreachable stores give one line
 * with the URL redacted; the password reaches no error, document, event or file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { freePort } from '../helpers/servers.js';
import { openStore } from '../../src/session/select-store.js';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { createRedactor, maskUrl } from '../../src/secrets/redactor.js';
import { dropSchema, newSessionInit, pgUrl, until, withClient } from './helpers.js';

const facts = inject('servers').pg;
const url = pgUrl(facts);
const password = facts.password;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-team-select-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('openStore', () => {
  it('opens the JSON file store when no store URL is given', async () => {
    const store = await openStore({ sessionsDir: dir });
    expect(await store.list()).toEqual([]);
  });

  it('opens the PostgreSQL store for a postgres:// URL (and postgresql://)', async () => {
    const store = (await openStore({ sessionsDir: dir, store: url.replace('postgres://', 'postgresql://') })) as PgSessionStore;
    try {
      expect(typeof store.end).toBe('function');
      expect(Array.isArray(await store.list())).toBe(true);
    } finally {
      await store.end();
    }
  });

  it('a closed port: one line naming the redacted URL, no password', async () => {
    const port = await freePort();
    const bad = `postgres://dw_admin:${password}@127.0.0.1:${port}/postgres`;
    const err = await failure(openStore({ sessionsDir: dir, store: bad }));
    expect(err.message).toContain(`postgres://dw_admin:***@127.0.0.1:${port}/postgres`);
    expect(err.message).toMatch(/refused the connection/);
    expect(err.message).not.toContain(password);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('a server that accepts and never answers: a timeout line, not a hang', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const err = await failure(openStore({ sessionsDir: dir, store: `postgres://u:${password}@127.0.0.1:${port}/db` }));
      expect(err.message).toMatch(/did not answer in time/);
      expect(err.message).toContain(`postgres://u:***@127.0.0.1:${port}/db`);
      expect(err.message).not.toContain(password);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('a wrong password: says so, without either password', async () => {
    const wrong = 'not-the-pw-' + Math.random().toString(36).slice(2);
    const err = await failure(openStore({ sessionsDir: dir, store: `postgres://${facts.user}:${wrong}@${facts.host}:${facts.port}/postgres` }));
    expect(err.message).toMatch(/rejected the user name or password/);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(password);
  });

  it('a URL that is not postgres, or not a URL: a usage line with the password masked', async () => {
    const e1 = await failure(openStore({ sessionsDir: dir, store: `mysql://root:${password}@127.0.0.1/db` }));
    expect(e1.message).toMatch(/not supported.*postgres:\/\//);
    expect(e1.message).not.toContain(password);
    const e2 = await failure(openStore({ sessionsDir: dir, store: `postgres://root:${password}@[nope/db` }));
    expect(e2.message).toMatch(/not a valid URL/);
    expect(e2.message).not.toContain(password);
  });

  it('maskUrl (the one store-URL masker) masks the password in every spelling', () => {
    expect(maskUrl('postgres://alice:s3cr%40t@db.local:5433/app')).toBe('postgres://alice:***@db.local:5433/app');
    expect(maskUrl('postgres://db.local/app?password=hunter22')).not.toContain('hunter22');
    expect(maskUrl('postgres://alice:hunter22@[bad')).not.toContain('hunter22');
  });
});

describe('the store password stays secret', () => {
  const schema = 'dw_test_' + Math.random().toString(36).slice(2, 10);
  afterAll(() => dropSchema(facts, schema));

  it('appears in no document, event, subscriber update, journal or error, even when an operator pastes it', async () => {
    const journalDir = mkdtempSync(join(dir, 'journal-'));
    const store = createPgStore(url, { schema, journalDir, redact: createRedactor({ API_TOKEN: 'tok-planted-123456' }) });
    const other = createPgStore(url, { schema, journalDir });
    const a = await store.create(newSessionInit('alice'));
    const b = await other.open(a.id, 'bob');
    const seen: string[] = [];
    b.subscribe((s) => seen.push(JSON.stringify(s)));
    await a.apply({ type: 'item.note', itemId: 'shared-0', note: `connect with ${url} or password ${password}` });
    await a.apply({ type: 'command.run', command: `psql ${url}`, exitCode: 0, output: `token tok-planted-123456 pw=${encodeURIComponent(password)}` });
    await until(() => seen.some((s) => s.includes('psql')), 20_000, 'bob to see the command');

    const notices: string[] = [];
    await withClient(facts, async (c) => {
      const docs = await c.query(`SELECT doc::text AS t FROM "${schema}".sessions`);
      const events = await c.query(`SELECT change::text AS t, who FROM "${schema}".events`);
      for (const row of [...docs.rows, ...events.rows]) notices.push(row.t);
    });
    const all = [...notices, ...seen, JSON.stringify(a.current()), JSON.stringify(b.current())].join('\n');
    expect(all).toContain('postgres://dw_admin:***@');
    expect(all).not.toContain(password);
    expect(all).not.toContain(encodeURIComponent(password));
    expect(all).not.toContain(Buffer.from(password).toString('base64'));
    expect(a.current().events.at(-1)!.detail).not.toContain('tok-planted-123456');

    // Errors from a session on a store that went away do not carry it either.
    await store.end();
    const err = await failure(store.read('no-such-session'));
    expect(err.message).not.toContain(password);
    await other.end();
    for (const f of readdirSync(journalDir)) expect(readFileSync(join(journalDir, f), 'utf8')).not.toContain(password);
  });
});
