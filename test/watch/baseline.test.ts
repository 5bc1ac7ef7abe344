/** Baselines kept in sessions: a new session of an environment compares against the last SUCCESS session's stored p50. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist as parseWith } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';

const parseChecklist = (text: string, file: string) => parseWith(text, file, validateProbe);
import { runProbes } from '../../src/probes/runner.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { createFileStore } from '../../src/session/file-store.js';
import { findBaselineSession as findIn } from '../../src/session/previous.js';
import { storedBaseline, withInheritedBaseline } from '../../src/session/baseline.js';
import type { Session } from '../../src/session/schema.js';
import { applyAll, emptySession } from '../report/fixtures.js';

// A /health/ that answers after `delayMs`: the release under test is slower than the last one.
let delayMs = 5;
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((_req, res) => setTimeout(() => res.end('{"status":"healthy"}'), delayMs));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// The two baseline annotations of the shipped checklist, pointed at the local /health/.
const { checklist } = parseChecklist(
  `# Release
## Monitoring and Maintenance
- [ ] Performance metrics baseline established
  <!-- probe: baseline url="\${APP_URL}/health/" requests=5 -->
## Performance Verification
- [ ] Response times within acceptable limits
  <!-- probe: baseline url="\${APP_URL}/health/" baseline_ms=\${BASELINE_P50_MS} requests=5 -->
`,
  'c.md',
);
const [establish, compare] = checklist.items;

async function measure(item: typeof establish, vars: Record<string, string>): Promise<ProbeResult> {
  const [r] = await runProbes([{ itemId: item.id, spec: item.probes[0] }], { vars: { APP_URL: base, ...vars } });
  return r;
}

function session(id: string, createdAt: string, results: ProbeResult[], status?: string): Session {
  const s = applyAll({ ...emptySession(undefined, id), createdAt }, results.map((result) => ({ type: 'probe.result' as const, result })));
  return status ? applyAll(s, [{ type: 'signoff.complete', status, notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' }]) : s;
}

/** The lookup through the file store of `dir` (the team store's is test/team/baseline.test.ts). */
const findBaselineSession = (dir: string, of: Session) => findIn(createFileStore(dir), of);

describe('baselines across sessions of one environment', () => {
  it('the second session compares against the p50 the first (SUCCESS) session stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-baseline-'));
    // Session 1: no baseline given; the comparison is not configured, the baseline item measures and stores p50/p95.
    delayMs = 5;
    const first = [await measure(establish, {}), await measure(compare, {})];
    expect(first[0].status).toBe('pass');
    expect(first[1]).toMatchObject({ status: 'skipped', reason: 'not-configured' });
    const s1 = session('production-1', '2026-11-20T09:00:00.000Z', first, 'SUCCESS');
    const stored = storedBaseline(s1)!;
    expect(stored.p50).toBe(first[0].metrics!.p50_ms);
    expect(stored.p95).toBe(first[0].metrics!.p95_ms);
    writeFileSync(join(dir, 'production-1.json'), JSON.stringify(s1));
    // A later FAILED session's figures are not a baseline.
    const failed = session('production-2', '2026-11-22T09:00:00.000Z', [{ ...first[0], metrics: { p50_ms: 9999, p95_ms: 9999 } }], 'FAILED');
    writeFileSync(join(dir, 'production-2.json'), JSON.stringify(failed));
    // Another environment's success neither.
    writeFileSync(join(dir, 'staging-1.json'), JSON.stringify({ ...session('staging-1', '2026-11-23T09:00:00.000Z', [{ ...first[0], metrics: { p50_ms: 1, p95_ms: 1 } }], 'SUCCESS'), environment: 'staging' }));

    // Session 2 of production: the baseline comes from session 1.
    const s2 = { ...emptySession(undefined, 'production-3'), createdAt: '2026-11-26T09:00:00.000Z' };
    const found = await findBaselineSession(dir, s2);
    expect(found?.session.id).toBe('production-1');
    const { vars, from } = withInheritedBaseline({}, found);
    expect(from).toEqual({ sessionId: 'production-1', p50: stored.p50 });
    delayMs = Math.max(60, stored.p50 * 4);
    const second = await measure(compare, vars);
    expect(second.metrics!.baseline_ms).toBe(Math.round(stored.p50));
    expect(second.evidence).toContain(`baseline (baseline_ms): p50 ${Math.round(stored.p50)} ms`);
    expect(second.status).toBe('fail');
    expect(second.summary).toMatch(new RegExp(`over baseline ${Math.round(stored.p50)} ms \\(rollback criterion: over \\+50 % and \\+25 ms\\)`));
  });

  it('one precedence: this session\'s own baseline, then the last SUCCESS session\'s, then BASELINE_P50_MS; no SUCCESS session, no baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-baseline-'));
    const s2 = { ...emptySession(undefined, 'production-9'), createdAt: '2026-11-26T09:00:00.000Z' };
    expect(await findBaselineSession(dir, s2)).toBeUndefined();
    expect(withInheritedBaseline({ X: '1' }, undefined)).toEqual({ vars: { X: '1' } });
    const s1 = session('production-1', '2026-11-20T09:00:00.000Z', [await measure(establish, {})], 'SUCCESS');
    writeFileSync(join(dir, 'production-1.json'), JSON.stringify(s1));
    const found = await findBaselineSession(dir, s2);
    const p50 = Math.max(1, Math.round(found!.baseline.p50));
    expect(withInheritedBaseline({ BASELINE_P50_MS: '250' }, found)).toEqual({ vars: { BASELINE_P50_MS: String(p50) }, from: { sessionId: 'production-1', p50: found!.baseline.p50 } });
    expect(withInheritedBaseline({ BASELINE_P50_MS: '250' }, undefined)).toEqual({ vars: { BASELINE_P50_MS: '250' } });
    // This session measured its baseline item: that comes first.
    const own = session('production-9', '2026-11-26T09:00:00.000Z', [{ ...(await measure(establish, {})), metrics: { p50_ms: 42, p95_ms: 50 } }]);
    expect(withInheritedBaseline({ BASELINE_P50_MS: '250' }, found, own)).toEqual({ vars: { BASELINE_P50_MS: '42' }, from: { sessionId: 'production-9', p50: 42, own: true } });
    // Still active (not signed SUCCESS): not a baseline.
    writeFileSync(join(dir, 'production-1.json'), JSON.stringify(session('production-1', '2026-11-20T09:00:00.000Z', [await measure(establish, {})])));
    expect(await findBaselineSession(dir, s2)).toBeUndefined();
  });

  it('the baseline a session stored is its baseline item\'s measurement, never a later comparison (a Final Checklist item with baseline_ms)', async () => {
    const established = { ...(await measure(establish, {})), metrics: { p50_ms: 21, p95_ms: 30 }, at: '2026-11-20T09:05:00.000Z' };
    const compared = { ...(await measure(compare, { BASELINE_P50_MS: '21' })), status: 'pass' as const, metrics: { p50_ms: 11, p95_ms: 12, baseline_ms: 21, increase_pct: -47.6 }, at: '2026-11-20T09:30:00.000Z' };
    const s1 = session('production-1', '2026-11-20T09:00:00.000Z', [established, compared], 'SUCCESS');
    expect(storedBaseline(s1)).toMatchObject({ p50: 21, itemId: establish.id });
  });
});
