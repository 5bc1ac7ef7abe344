/**
 * Team mode keeps baselines too: a new session of an environment in the
 * PostgreSQL store takes its baseline (and the report its comparison) from
 * the last SUCCESS session of that environment in the same store, by the one
 * rule the JSON files follow (src/session/previous.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProbeResult } from '../../src/probes/types.js';
import { withInheritedBaseline } from '../../src/session/baseline.js';
import { createFileStore } from '../../src/session/file-store.js';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { findBaselineSession, findPreviousSession } from '../../src/session/previous.js';
import { runCli, workdir } from '../check/helpers.js';
import { privateTmux, wizardDir } from '../helpers/tmux.js';
import { withClient } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('team-baseline');

const facts = inject('servers').pg;
const database = `dw_baseline_${Math.random().toString(36).slice(2, 10)}`;
const url = `postgres://${encodeURIComponent(facts.user)}:${encodeURIComponent(facts.password)}@${facts.host}:${facts.port}/${database}`;
let store: PgSessionStore;
const ids: Record<string, string> = {};

const baseline = (p50: number): ProbeResult => ({
  kind: 'baseline',
  itemId: 'monitoring/performance-metrics-baseline-established',
  spec: 'baseline url="${APP_URL}/health/"',
  status: 'pass',
  summary: `p50 ${p50} ms`,
  evidence: [],
  metrics: { p50_ms: p50, p95_ms: p50 * 2 },
  durationMs: 5,
  at: new Date().toISOString(),
});

/** One session in the team store: its probe results, then (when given) its sign-off status. */
async function session(environment: string, results: ProbeResult[], status?: string): Promise<string> {
  const open = await store.create({ environment, operator: 'ada', checklist: { path: 'c.md', hash: 'h', title: 'Team baselines', itemIds: [] } });
  for (const result of results) await open.apply({ type: 'probe.result', result });
  if (status) await open.apply({ type: 'signoff.complete', status, notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' });
  await open.close();
  // createdAt orders the sessions: keep them apart.
  await new Promise((r) => setTimeout(r, 5));
  return open.id;
}

beforeAll(async () => {
  await withClient(facts, (c) => c.query(`CREATE DATABASE ${database}`));
  store = createPgStore(url);
  ids.good = await session('production', [baseline(20)], 'SUCCESS');
  ids.failed = await session('production', [baseline(9999)], 'FAILED'); // a failed release is no yardstick
  ids.staging = await session('staging', [baseline(1)], 'SUCCESS'); // another environment
  ids.bare = await session('production', [], 'SUCCESS'); // SUCCESS, but no figure stored
  ids.active = await session('production', [baseline(5)]); // not signed off
});

afterAll(async () => {
  stop();
  await store?.end();
  await withClient(facts, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

describe('baselines in the team store', () => {
  it('a new production session takes the p50 of the last SUCCESS production session that stored one', async () => {
    const fresh = await store.create({ environment: 'production', operator: 'grace', checklist: { path: 'c.md', hash: 'h', title: 'Team baselines', itemIds: [] } });
    try {
      const found = await findBaselineSession(store, fresh.current());
      expect(found?.session.id).toBe(ids.good);
      expect(found?.baseline).toMatchObject({ p50: 20, p95: 40 });
      expect(withInheritedBaseline({}, found)).toEqual({ vars: { BASELINE_P50_MS: '20' }, from: { sessionId: ids.good, p50: 20 } });
      // The report's comparison follows the same rule.
      expect((await findPreviousSession(store, fresh.current()))?.id).toBe(ids.good);
      // A staging session finds staging's; a session older than all of them finds none.
      expect((await findBaselineSession(store, { ...fresh.current(), environment: 'staging' }))?.baseline.p50).toBe(1);
      expect(await findBaselineSession(store, { ...fresh.current(), createdAt: '2000-01-01T00:00:00.000Z' })).toBeUndefined();

      // One rule for both stores: the same documents as JSON files give the same answers.
      const dir = join(workdir(), 'sessions');
      mkdirSync(dir);
      for (const id of Object.values(ids)) writeFileSync(join(dir, `${id}.json`), JSON.stringify(await store.read(id)));
      const files = createFileStore(dir);
      expect((await findBaselineSession(files, fresh.current()))?.session.id).toBe(ids.good);
      expect((await findPreviousSession(files, fresh.current()))?.id).toBe(ids.good);
    } finally {
      await fresh.close();
    }
  });

  it('watch --store: the response time is judged against the p50 kept in the team store', async () => {
    const slow: Server = createServer((_req, res) => setTimeout(() => res.end('ok'), 80));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const app = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
      const md = `# R\n- [ ] x\n## Rollback Decision Criteria\n- Response time increases by more than 50%\n  <!-- watch: baseline url=${app}/health/ baseline_ms=\${BASELINE_P50_MS} requests=2 failure_limit=0 -->\n`;
      // The local sessions folder is empty: only the team store knows the baseline.
      const r = await runCli(['watch', '--checklist', 'c.md', '--env', 'production', '--store', url, '--interval', '300ms', '--for', '900ms'], { cwd: workdir({ 'c.md': md }) });
      expect(r.stdout).toContain(`baseline 20 ms from the last SUCCESS session (${ids.good})`);
      expect(r.stdout).toMatch(/FAIL  Response time increases by more than 50% — p50 \d+ ms is \+[\d.]+% \(\+[\d.]+ ms\) over baseline 20 ms/);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(facts.password);
    } finally {
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('watch with an unreachable team store: no baseline (said once, password masked); the criterion that needs it cannot be measured, said at the start; nothing else to watch: exit 3', async () => {
    const md = `# R\n- [ ] x\n## Rollback Decision Criteria\n- Response time increases by more than 50%\n  <!-- watch: baseline url=http://127.0.0.1:9/health/ baseline_ms=\${BASELINE_P50_MS} requests=2 -->\n`;
    const r = await runCli(['watch', '--checklist', 'c.md', '--env', 'production', '--store', 'postgres://u:s3cret-pw@127.0.0.1:9/db', '--interval', '200ms', '--for', '400ms'], { cwd: workdir({ 'c.md': md }) });
    expect(r.stderr).toMatch(/^deploy-wizard: no stored baseline \(give BASELINE_P50_MS instead\): .*postgres:\/\/u:\*\*\*@127\.0\.0\.1:9\/db/m);
    expect(r.stderr.match(/no stored baseline/g)).toHaveLength(1);
    expect(r.stdout).toContain('Response time increases by more than 50% — cannot be measured: no baseline: no earlier SUCCESS session of production measured one, and BASELINE_P50_MS is unset');
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    expect(r.code).toBe(3);
  });

  it('the built wizard, started with --store, says where its baseline came from: the team store\'s last SUCCESS', async () => {
    if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
    const dir = wizardDir('dw-team-baseline-', '# Tiny Deploy\n\n## Monitoring\n\n- [ ] Performance metrics baseline established\n', distDir);
    keepAlive();
    try {
      const cmd = `cd ${dir} && node dist/deploy-wizard.js start --env production --operator ada --store '${url}' --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`;
      tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
      // The notice may wrap at 80 columns: compare without white space.
      const shown = await waitFor(/baseline p50 20 ms/, 15_000);
      expect(shown.replace(/\s+/g, '')).toContain(`baseline p50 20 ms from session ${ids.good}`.replace(/\s+/g, ''));
      expect(shown).not.toContain(facts.password);
      tmux('send-keys', '-t', 'wiz', 'q');
      await waitFor('EXIT=0', 15_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
