/** Shared bits of the team-mode tests: URLs, private schemas, the bundled worker, log replay. */
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { PgFacts } from '../helpers/servers.js';
import type { NewSession } from '../../src/session/store.js';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { applyChange, type Change } from '../../src/session/changes.js';
import type { Session } from '../../src/session/schema.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function pgUrl(f: PgFacts): string {
  return `postgres://${encodeURIComponent(f.user)}:${encodeURIComponent(f.password)}@${f.host}:${f.port}/${f.database}`;
}

/** A schema of this test file's own, so files never see each other's sessions. */
export function uniqueSchema(): string {
  return `dw_test_${Math.random().toString(36).slice(2, 10)}`;
}

export async function dropSchema(f: PgFacts, schema: string): Promise<void> {
  const c = new pg.Client(f);
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

export async function withClient<T>(f: PgFacts, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(f);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The event log of one session, oldest first, as replayLog wants it. */
export async function eventLog(f: PgFacts, schema: string, id: string): Promise<LoggedChange[]> {
  return withClient(f, async (c) => {
    const r = await c.query(`SELECT revision, who, at, change FROM "${schema}".events WHERE session_id = $1 ORDER BY revision`, [id]);
    return r.rows.map((row) => ({ revision: Number(row.revision), who: row.who, at: new Date(row.at).toISOString(), change: row.change }));
  });
}

export async function storedDoc(f: PgFacts, schema: string, id: string): Promise<{ doc: any; revision: number }> {
  return withClient(f, async (c) => {
    const r = await c.query(`SELECT doc, revision FROM "${schema}".sessions WHERE id = $1`, [id]);
    return { doc: r.rows[0].doc, revision: Number(r.rows[0].revision) };
  });
}

/** Bundle the worker fixture into a temp dir so a child runs our TypeScript as plain node. */
export async function bundleWorker(entry = 'test/fixtures/team-worker.ts'): Promise<{ file: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-team-worker-'));
  const file = join(dir, 'team-worker.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'error',
  });
  return { file, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function newSessionInit(operator: string): NewSession {
  return {
    environment: 'production',
    operator,
    checklist: { path: 'checklists/test.md', hash: 'sha256:test', title: 'Team test', itemIds: ['shared-0', 'shared-1', 'shared-2', 'shared-3', 'latency'] },
  };
}

/** JSON round trip: what jsonb gives back (undefined fields gone). */
export function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface TeamFixture {
  url: string;
  schema: string;
  worker: Awaited<ReturnType<typeof bundleWorker>>;
  journalDir: string;
  store: PgSessionStore;
}

/**
 * A test file's multi-process setup: a private schema, the bundled worker, a
 * journal folder and a store; made before the file's tests, removed after.
 * The fields are filled in by beforeAll.
 */
export function teamFixture(f: PgFacts): TeamFixture {
  const fx = { url: pgUrl(f), schema: uniqueSchema() } as TeamFixture;
  beforeAll(async () => {
    fx.worker = await bundleWorker();
    fx.journalDir = mkdtempSync(join(tmpdir(), 'dw-team-journal-'));
    fx.store = createPgStore(fx.url, { schema: fx.schema, journalDir: fx.journalDir });
  });
  afterAll(async () => {
    await fx.store?.end();
    await dropSchema(f, fx.schema);
    fx.worker?.cleanup();
    if (fx.journalDir) rmSync(fx.journalDir, { recursive: true, force: true });
  });
  return fx;
}

/** One stored event of the log, as replayed. */
export interface LoggedChange {
  revision: number;
  who: string;
  at: string;
  change: Change | { type: 'session.create'; doc: Session };
}

/** Replay an event log from its `session.create` event, in revision order: what the tests hold the stored document against. */
export function replayLog(events: LoggedChange[]): Session {
  const sorted = [...events].sort((a, b) => a.revision - b.revision);
  const first = sorted[0];
  if (!first || first.change.type !== 'session.create') throw new Error('event log does not start with session.create');
  let doc = first.change.doc;
  for (const e of sorted.slice(1)) doc = applyChange(doc, e.change as Change, { who: e.who, at: e.at });
  return doc;
}
