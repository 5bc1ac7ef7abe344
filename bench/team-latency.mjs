#!/usr/bin/env node
// Team mode: change-to-other-terminal latency. One process (the "other
// terminal") subscribes to a session; a second process applies ~100 changes,
// one at a time; each is timed from the moment the writer is told to make it
// until the subscriber sees it (apply + commit + NOTIFY + fetch).
// Prints {"median_ms":…, "p95_ms":…, "changes":…} on stdout.
//
// Uses DEPLOY_WIZARD_STORE (a postgres:// URL) when set, else starts a private
// PostgreSQL with the test helper's logic (test/helpers/servers.ts), and drops
// its own schema afterwards. Run: node bench/team-latency.mjs
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleAndImport, dropBenchSchema, failLine, storeUrl } from './team-lib.mjs';

const CHANGES = Number(process.env.TEAM_LATENCY_CHANGES || 100);
const WARMUP = 5;

// One bundle, two roles: the measuring process imports it; the writer runs it with "writer".
const entry = `
import { createPgStore } from './src/session/pg-store.ts';
import { startPostgres } from './test/helpers/servers.ts';
import { createInterface } from 'node:readline';
export { createPgStore, startPostgres };
if (process.argv[2] === 'writer') {
  const cfg = JSON.parse(process.env.TEAM_LATENCY ?? '{}');
  const store = createPgStore(cfg.url, { schema: cfg.schema, journalDir: cfg.journalDir });
  const s = await store.open(cfg.id, 'writer');
  process.stdout.write('ready\\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const m = /^go (\\d+)$/.exec(line.trim());
    if (!m) break;
    await s.apply({ type: 'item.note', itemId: 'latency', note: 'lat-' + m[1] });
  }
  await store.end();
}
`;

const work = mkdtempSync(join(tmpdir(), 'dw-team-latency-'));
chmodSync(work, 0o755);
const bundle = join(work, 'team-latency.mjs');
let server;
let store;
let child;
const schema = 'dw_bench_' + Math.random().toString(36).slice(2, 10);

try {
  const mod = await bundleAndImport(entry, bundle, 'team-latency');

  let url;
  ({ url, server } = await storeUrl(mod, work));

  const journalDir = join(work, 'sessions');
  store = mod.createPgStore(url, { schema, journalDir });
  const s = await store.create({
    environment: 'bench',
    operator: 'watcher',
    checklist: { path: 'bench.md', hash: 'bench', title: 'Latency bench', itemIds: ['latency'] },
  });
  // Resolved from the subscriber itself: no polling loop stealing CPU from the writer and the server.
  const seen = new Map();
  const waiters = new Map();
  s.subscribe((session) => {
    const m = /^lat-(\d+)$/.exec(session.items.latency?.note ?? '');
    if (!m || seen.has(Number(m[1]))) return;
    seen.set(Number(m[1]), performance.now());
    waiters.get(Number(m[1]))?.();
  });
  const seenOnce = (n, ms) =>
    new Promise((resolve, reject) => {
      if (seen.has(n)) return resolve();
      const t = setTimeout(() => reject(new Error(`change ${n} not seen within ${ms} ms ${err.split('\n')[0]}`)), ms);
      waiters.set(n, () => (clearTimeout(t), resolve()));
    });

  child = spawn(process.execPath, [bundle, 'writer'], {
    env: { ...process.env, TEAM_LATENCY: JSON.stringify({ url, schema, journalDir, id: s.id }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the writer did not join within 15 s ${err.split('\n')[0]}`)), 15_000);
    child.stdout.on('data', () => out.includes('ready') && (clearTimeout(t), resolve()));
    child.on('exit', (code) => reject(new Error(`the writer exited (${code}) ${err.split('\n')[0]}`)));
  });

  const latencies = [];
  for (let n = 1; n <= CHANGES + WARMUP; n++) {
    const t0 = performance.now();
    child.stdin.write(`go ${n}\n`);
    await seenOnce(n, 10_000);
    if (n > WARMUP) latencies.push(seen.get(n) - t0);
    await new Promise((r) => setTimeout(r, 10)); // let the writer settle: one change at a time
  }
  child.stdin.end();
  await new Promise((r) => child.on('exit', r));

  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  const round = (x) => Math.round(x * 10) / 10;
  process.stdout.write(JSON.stringify({ median_ms: round(at(0.5)), p95_ms: round(at(0.95)), changes: latencies.length }) + '\n');
} catch (e) {
  // One line, never the store URL's password (messages from the store are redacted already).
  process.stderr.write(failLine('team-latency', e));
  process.exitCode = 1;
} finally {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (store) {
    await store.end().catch(() => {});
  }
  if (store && !server) await dropBenchSchema(schema);
  server?.stop();
  rmSync(work, { recursive: true, force: true });
}
