#!/usr/bin/env node
// Team mode under a burst (issue #17.7): W writer processes ("terminals") join
// one session; at one signal each fires N changes at once. Measured:
// - settle: from the signal until the LAST terminal's document holds all W×N
//   changes (every terminal's view, not just the database);
// - echo: in each terminal, from apply() until its own subscriber (what the
//   wizard's screen renders from) shows the change.
// Prints {"writers":…, "changes":…, "settle_ms":…, "echo_median_ms":…, "echo_p95_ms":…, "echo_max_ms":…}.
//
// Uses DEPLOY_WIZARD_STORE (a postgres:// URL) when set, else starts a private
// PostgreSQL (test/helpers/servers.ts); drops its own schema afterwards.
// Run: node bench/team-burst.mjs  (TEAM_BURST_WRITERS=14 TEAM_BURST_CHANGES=100)
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleAndImport, dropBenchSchema, failLine, storeUrl } from './team-lib.mjs';

const WRITERS = Number(process.env.TEAM_BURST_WRITERS || 14);
const CHANGES = Number(process.env.TEAM_BURST_CHANGES || 100);
const LIMIT_MS = Number(process.env.TEAM_BURST_LIMIT_MS || 180_000);
// The shipped checklist's size: a realistic document.
const ITEMS = Array.from({ length: 175 }, (_, i) => `item-${i}`);

const entry = `
import { createPgStore } from './src/session/pg-store.ts';
import { startPostgres } from './test/helpers/servers.ts';
import { createInterface } from 'node:readline';
export { createPgStore, startPostgres };
const TAG = /^(w\\d+)#(\\d+)$/;
/** Changes of the burst this document holds (each leaves one event naming its tag). */
const count = (doc) => {
  let n = 0;
  for (const e of doc.events) if ((e.what === 'item.note' || e.what === 'item.state') && /w\\d+#\\d+$/.test(e.detail ?? '')) n++;
  return n;
};
if (process.argv[2] === 'writer') {
  const cfg = JSON.parse(process.env.TEAM_BURST ?? '{}');
  const store = createPgStore(cfg.url, { schema: cfg.schema, journalDir: cfg.journalDir });
  const s = await store.open(cfg.id, cfg.name);
  const waiting = new Map();
  const echoes = [];
  let settled = false;
  s.subscribe((doc) => {
    for (const [key, w] of waiting) {
      const [kind, itemId, tag] = key.split('|');
      const it = doc.items[itemId];
      if (it && (kind === 'note' ? it.note === tag : it.reason === tag)) {
        echoes.push(performance.now() - w);
        waiting.delete(key);
      }
    }
    if (!settled && count(doc) >= cfg.total) {
      settled = true;
      process.stdout.write('settled\\n');
    }
  });
  process.stdout.write('ready\\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'go') {
      const all = [];
      for (let i = 0; i < cfg.changes; i++) {
        const tag = cfg.name + '#' + i;
        // Half own-item notes, half states of shared items (the same items for everyone).
        const change = i % 2
          ? { type: 'item.note', itemId: cfg.name + '-own-' + (i % 10), note: tag }
          : { type: 'item.state', itemId: 'item-' + (i % 8), state: 'skipped', reason: tag };
        waiting.set((i % 2 ? 'note|' : 'state|') + change.itemId + '|' + tag, performance.now());
        all.push(s.apply(change));
      }
      await Promise.all(all);
      echoes.sort((a, b) => a - b);
      const at = (q) => echoes[Math.min(echoes.length - 1, Math.max(0, Math.ceil(q * echoes.length) - 1))];
      process.stdout.write(JSON.stringify({ echoes: echoes.length, median: at(0.5), p95: at(0.95), max: echoes[echoes.length - 1] }) + '\\n');
    } else break;
  }
  await store.end();
}
`;

const work = mkdtempSync(join(tmpdir(), 'dw-team-burst-'));
chmodSync(work, 0o755);
const bundle = join(work, 'team-burst.mjs');
let server;
let store;
const kids = [];
const schema = 'dw_bench_' + Math.random().toString(36).slice(2, 10);

try {
  const mod = await bundleAndImport(entry, bundle, 'team-burst');
  let url;
  ({ url, server } = await storeUrl(mod, work));
  const journalDir = join(work, 'sessions');
  store = mod.createPgStore(url, { schema, journalDir });
  const s = await store.create({ environment: 'bench', operator: 'lead', checklist: { path: 'bench.md', hash: 'bench', title: 'Burst bench', itemIds: ITEMS } });
  await s.close();

  const total = WRITERS * CHANGES;
  for (let j = 0; j < WRITERS; j++) {
    const child = spawn(process.execPath, [bundle, 'writer'], {
      env: { ...process.env, TEAM_BURST: JSON.stringify({ url, schema, journalDir, id: s.id, name: `w${j}`, changes: CHANGES, total }) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const k = { child, out: '', err: '', settledAt: 0, result: undefined };
    child.stdout.on('data', (b) => {
      k.out += b;
      if (!k.settledAt && k.out.includes('settled')) k.settledAt = performance.now();
      const line = k.out.split('\n').find((l) => l.startsWith('{'));
      if (line && !k.result) k.result = JSON.parse(line);
    });
    child.stderr.on('data', (b) => (k.err += b));
    kids.push(k);
  }
  const until = async (cond, ms, what) => {
    const t0 = performance.now();
    while (!cond()) {
      const dead = kids.find((k) => k.child.exitCode !== null && k.child.exitCode !== 0);
      if (dead) throw new Error(`a writer exited (${dead.child.exitCode}): ${dead.err.split('\n')[0]}`);
      if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until(() => kids.every((k) => k.out.includes('ready')), 60_000, 'every writer to join');
  await new Promise((r) => setTimeout(r, 500)); // joins' notifications settle
  const t0 = performance.now();
  for (const k of kids) k.child.stdin.write('go\n');
  await until(() => kids.every((k) => k.settledAt && k.result), LIMIT_MS, 'every terminal to hold every change');
  const settle = Math.max(...kids.map((k) => k.settledAt)) - t0;
  for (const k of kids) k.child.stdin.end();
  const echo = kids.map((k) => k.result);
  const median = echo.map((e) => e.median).sort((a, b) => a - b)[Math.floor(echo.length / 2)];
  const round = (x) => Math.round(x * 10) / 10;
  process.stdout.write(
    JSON.stringify({
      writers: WRITERS,
      changes: total,
      settle_ms: round(settle),
      echo_median_ms: round(median),
      echo_p95_ms: round(Math.max(...echo.map((e) => e.p95))),
      echo_max_ms: round(Math.max(...echo.map((e) => e.max))),
    }) + '\n',
  );
} catch (e) {
  process.stderr.write(failLine('team-burst', e));
  process.exitCode = 1;
} finally {
  for (const k of kids) if (k.child.exitCode === null) k.child.kill('SIGKILL');
  if (store) await store.end().catch(() => {});
  if (store && !server) await dropBenchSchema(schema);
  server?.stop();
  rmSync(work, { recursive: true, force: true });
}
