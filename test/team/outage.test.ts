/**
 * Connection loss: PostgreSQL (a private server, never the shared one) stops
 * mid-session; two operators keep working, offline, on what they have; the
 * server comes back; every change of both operators is saved, in order, and
 * the journals are gone. A run that ends while offline leaves its journal,
 * and the next open saves it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PgFacts } from '../helpers/servers.js';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import type { ConnectionState, TeamSession } from '../../src/session/pg-session.js';
import { createWizardStore, teamLine } from '../../src/store/wizard-store.js';
import { sampleChecklist } from '../ui/fixtures.js';
import { bundleWorker, eventLog, newSessionInit, pgUrl, plain, storedDoc, until } from './helpers.js';
import { replayLog } from './helpers.js';

let server: Awaited<ReturnType<typeof startPostgres>>;
let dir: string;
let facts: PgFacts;
let url: string;
const schema = 'dw_test_' + Math.random().toString(36).slice(2, 10);
const stores: PgSessionStore[] = [];

function store(journalDir: string): PgSessionStore {
  const s = createPgStore(url, { schema, journalDir });
  stores.push(s);
  return s;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-team-outage-'));
  chmodSync(dir, 0o755);
  // Durable commits: the test crashes the server (immediate stop) and counts what survived.
  server = await startPostgres(dir, '-c synchronous_commit=on');
  facts = server.facts;
  url = pgUrl(facts);
});

afterAll(async () => {
  for (const s of stores) await s.end().catch(() => {});
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const note = (itemId: string, text: string) => ({ type: 'item.note' as const, itemId, note: text });
const notesIn = (events: { what: string; detail?: string }[]) => events.filter((e) => e.what === 'item.note').map((e) => e.detail);

describe('team store when PostgreSQL goes away and comes back', () => {
  it('keeps both operators working offline and saves every change of both once the database is back', async () => {
    const dirA = mkdtempSync(join(dir, 'alice-'));
    const dirB = mkdtempSync(join(dir, 'bob-'));
    const a = await store(dirA).create(newSessionInit('alice'));
    const b = await store(dirB).open(a.id, 'bob');
    const states: Record<string, ConnectionState[]> = { alice: [], bob: [] };
    a.onConnectionChange((s) => states.alice.push(s));
    b.onConnectionChange((s) => states.bob.push(s));
    const seenByB: string[] = [];
    b.subscribe((_s, by) => seenByB.push(by));
    // Alice's wizard: its team line follows the connection and the queue.
    const wizard = createWizardStore({ checklist: sampleChecklist(), session: a, runProbes: async () => [], vars: {}, operator: 'alice' });

    await a.apply(note('shared-0', 'alice online 1'));
    await b.apply(note('shared-1', 'bob online 1'));
    await until(() => seenByB.includes('alice'), 20_000, 'bob to see alice');

    server.stop();
    // Work goes on: each change applies locally at once and is journalled.
    const offline: string[] = [];
    for (let i = 0; i < 10; i++) {
      const [sa, sb] = await Promise.all([
        a.apply(note(`shared-${i % 2}`, `alice offline ${i}`)),
        b.apply(note(i % 2 ? 'shared-0' : 'bob-own', `bob offline ${i}`)),
      ]);
      offline.push(`alice offline ${i}`, `bob offline ${i}`);
      expect(notesIn(sa.events)).toContain(`alice offline ${i}`);
      expect(notesIn(sb.events)).toContain(`bob offline ${i}`);
    }
    expect(a.connectionState()).toBe('offline');
    expect(b.connectionState()).toBe('offline');
    expect(a.pendingCount()).toBe(10);
    expect(b.pendingCount()).toBe(10);
    expect(wizard.getState().team).toMatchObject({ sessionId: a.id, offline: true, queued: 10 });
    expect(teamLine(wizard.getState().team!)).toMatch(/^OFFLINE — 10 changes queued here, saved when the team store is back · session /);
    for (const [d, who] of [[dirA, 'alice'], [dirB, 'bob']] as const) {
      const j = join(d, `${a.id}.pending.jsonl`);
      expect(statSync(j).mode & 0o777).toBe(0o600);
      const text = readFileSync(j, 'utf8');
      expect(text.trim().split('\n')).toHaveLength(10);
      expect(text).toContain(`${who} offline 9`);
      expect(text).not.toContain(facts.password);
    }

    // Stay down long enough for a few reconnect attempts to fail.
    await new Promise((r) => setTimeout(r, 1500));
    expect(a.connectionState()).toBe('offline');
    server.restart();
    await until(() => a.connectionState() === 'online' && b.connectionState() === 'online', 20_000, 'both stores to reconnect');
    expect(a.pendingCount() + b.pendingCount()).toBe(0);
    await until(() => wizard.getState().team?.offline === false && wizard.getState().team?.queued === 0, 20_000, "alice's team line back online");
    wizard.getState().dispose();
    expect(states.alice).toEqual(['offline', 'online']);
    expect(states.bob).toEqual(['offline', 'online']);
    expect(existsSync(join(dirA, `${a.id}.pending.jsonl`))).toBe(false);
    expect(existsSync(join(dirB, `${a.id}.pending.jsonl`))).toBe(false);

    // Everything of both operators is in the database, each change once, each operator's in order.
    const log = await eventLog(facts, schema, a.id);
    const logged = log.filter((e) => e.change.type === 'item.note').map((e) => (e.change as { note: string }).note);
    expect(logged.sort()).toEqual(['alice online 1', 'bob online 1', ...offline].sort());
    for (const who of ['alice', 'bob']) {
      const mine = logged.filter((n) => n.startsWith(`${who} offline`));
      expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `${who} offline ${i}`));
    }
    const { doc } = await storedDoc(facts, schema, a.id);
    expect(plain(replayLog(log))).toEqual(doc);
    // Both terminals converge on the saved document.
    await until(() => a.revision() === b.revision() && a.revision() === log.at(-1)!.revision, 20_000, 'both terminals to converge');
    expect(notesIn(a.current().events).sort()).toEqual(notesIn(doc.events).sort());
  }, 60_000);

  it('a run that ends while offline leaves its journal, and the next open saves every change in it', async () => {
    const journalDir = mkdtempSync(join(dir, 'carol-'));
    const first = store(journalDir);
    const s: TeamSession = await first.create(newSessionInit('carol'));
    server.stop();
    for (let i = 0; i < 5; i++) await s.apply(note('shared-2', `carol offline ${i}`));
    expect(s.connectionState()).toBe('offline');
    await first.end(); // the terminal goes away with its changes only in the journal
    const journal = join(journalDir, `${s.id}.pending.jsonl`);
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(5);

    server.restart();
    const again = await store(journalDir).open(s.id, 'carol');
    expect(existsSync(journal)).toBe(false);
    const log = await eventLog(facts, schema, s.id);
    const notes = log.filter((e) => e.change.type === 'item.note').map((e) => (e.change as { note: string }).note);
    expect(notes).toEqual(Array.from({ length: 5 }, (_, i) => `carol offline ${i}`));
    expect(again.current().items['shared-2'].note).toBe('carol offline 4');
  }, 60_000);

  it('a terminal killed (SIGKILL) while offline loses none of the changes it acknowledged', async () => {
    const worker = await bundleWorker();
    const journalDir = mkdtempSync(join(dir, 'dave-'));
    try {
      const s = await store(journalDir).create(newSessionInit('lead'));
      const child = spawn(process.execPath, [worker.file], {
        env: { ...process.env, TEAM_WORKER: JSON.stringify({ url, schema, journalDir, id: s.id, name: 'dave', mode: 'writer' }) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      const exited = new Promise((r) => child.on('exit', r));
      await until(() => out.includes('ready'), 10_000, 'the worker to join');
      server.stop();
      for (let n = 1; n <= 5; n++) {
        child.stdin.write(`go ${n}\n`);
        await until(() => out.includes(`ack ${n}\n`), 10_000, `ack ${n}`);
      }
      child.kill('SIGKILL');
      await exited;

      server.restart();
      const again = await store(journalDir).open(s.id, 'dave');
      const notes = (await eventLog(facts, schema, s.id)).filter((e) => e.change.type === 'item.note').map((e) => (e.change as { note: string }).note);
      expect(notes).toEqual(['lat-1', 'lat-2', 'lat-3', 'lat-4', 'lat-5']);
      expect(again.current().items.latency.note).toBe('lat-5');
      expect(existsSync(join(journalDir, `${s.id}.pending.jsonl`))).toBe(false);
    } finally {
      worker.cleanup();
    }
  }, 60_000);
});
