/**
 * Two processes, one session: hundreds of concurrent changes each, none lost,
 * and the stored document equals the sequential replay of the event log. Then a
 * change from one process reaches another process's subscriber within a second.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { bundleWorker, dropSchema, eventLog, newSessionInit, pgUrl, plain, storedDoc } from './helpers.js';
import { replayLog } from './helpers.js';

const facts = inject('servers').pg;
const url = pgUrl(facts);
const schema = 'dw_test_' + Math.random().toString(36).slice(2, 10);
let worker: Awaited<ReturnType<typeof bundleWorker>>;
let journalDir: string;
let store: PgSessionStore;

beforeAll(async () => {
  worker = await bundleWorker();
  journalDir = mkdtempSync(join(tmpdir(), 'dw-team-journal-'));
  store = createPgStore(url, { schema, journalDir });
});

afterAll(async () => {
  await store?.end();
  await dropSchema(facts, schema);
  worker?.cleanup();
  rmSync(journalDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWorker(cfg: Record<string, unknown>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker.file], {
      env: { ...process.env, TEAM_WORKER: JSON.stringify({ url, schema, journalDir, ...cfg }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('team store under two concurrent processes', () => {
  it('loses no change of 2 × 300 concurrent ones, and the document equals the replay of its log', async () => {
    const created = await store.create(newSessionInit('lead'));
    const id = created.id;
    await created.close();

    const COUNT = 300;
    const [a, b] = await Promise.all([
      runWorker({ id, name: 'alice', mode: 'burst', operators: 3, count: COUNT }),
      runWorker({ id, name: 'bob', mode: 'burst', operators: 3, count: COUNT }),
    ]);
    expect(a.stderr + b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(JSON.parse(a.stdout)).toEqual({ acked: COUNT });
    expect(JSON.parse(b.stdout)).toEqual({ acked: COUNT });

    // Every change has exactly one event in the append-only log.
    const log = await eventLog(facts, schema, id);
    const tags = log
      .map((e) => e.change as any)
      .filter((c) => c.type === 'item.note' || c.type === 'item.state')
      .map((c) => (c.type === 'item.note' ? c.note : c.reason));
    const expected = ['alice', 'bob'].flatMap((name) => Array.from({ length: COUNT }, (_, i) => `${name}${i % 3}#${i}`));
    expect(tags.length).toBe(2 * COUNT);
    expect(new Set(tags)).toEqual(new Set(expected));
    // Revisions are contiguous: create (0), six joins, 600 changes.
    expect(log.map((e) => e.revision)).toEqual(Array.from({ length: 1 + 6 + 2 * COUNT }, (_, i) => i));

    // The document itself kept every change (a lost update would drop its event).
    const { doc, revision } = await storedDoc(facts, schema, id);
    expect(revision).toBe(6 + 2 * COUNT);
    const docTags = new Set(doc.events.map((e: any) => e.detail?.replace(/^skipped: /, '')));
    for (const t of expected) expect(docTags.has(t)).toBe(true);
    expect(doc.operators).toEqual(expect.arrayContaining(['lead', 'alice0', 'alice1', 'alice2', 'bob0', 'bob1', 'bob2']));

    // And equals the sequential replay of the log.
    expect(plain(replayLog(log))).toEqual(doc);
  }, 90_000);

  it('a change made in one process reaches a subscriber in another within one second', async () => {
    const s = await store.create(newSessionInit('watcher'));
    const seen = new Map<number, { at: number; by: string }>();
    s.subscribe((session, by) => {
      const note = session.items.latency?.note;
      const m = note && /^lat-(\d+)$/.exec(note);
      if (m && !seen.has(Number(m[1]))) seen.set(Number(m[1]), { at: performance.now(), by });
    });

    const child = spawn(process.execPath, [worker.file], {
      env: { ...process.env, TEAM_WORKER: JSON.stringify({ url, schema, journalDir, id: s.id, name: 'writer', mode: 'writer' }) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const waitFor = async (pred: () => boolean, ms: number, what: string) => {
      const t0 = Date.now();
      while (!pred()) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; worker stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await waitFor(() => out.includes('ready'), 10_000, 'the writer to join');

    const latencies: number[] = [];
    for (let n = 1; n <= 5; n++) {
      const t0 = performance.now();
      child.stdin.write(`go ${n}\n`);
      await waitFor(() => seen.has(n), 5_000, `change ${n} to reach the subscriber`);
      latencies.push(seen.get(n)!.at - t0);
      expect(seen.get(n)!.by).toBe('writer');
    }
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
    await s.close();
    expect(err).toBe('');
    // The requirement: within one second (a deadline, not a benchmark).
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
    expect(s.current().operators).toContain('writer');
  }, 60_000);
});
