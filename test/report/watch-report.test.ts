/**
 * The session report's watch section: per watched criterion the series as a
 * table and a Mermaid chart, the threshold and the window verdict with its
 * evidence, rendered by the watch formatter (src/watch/format.ts) from what
 * the session saved. Golden file: regenerate with `UPDATE_GOLDEN=1 npx vitest
 * run test/report` and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Checklist } from '../../src/checklist/types.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Change } from '../../src/session/changes.js';
import { applyAll, smallChecklist, walkedSession } from './fixtures.js';

const SECRET = 'pw-watch-report-canary';

function watchedChecklist(): Checklist {
  const c = smallChecklist();
  const raw = 'prometheus url=${PROMETHEUS_URL} query=error_ratio max=0.05 name="error rate" interval=30s count=6 failure_limit=1';
  return {
    ...c,
    criteria: [
      {
        id: 'error-rate-exceeds-5-of-requests',
        text: 'Error rate exceeds 5% of requests',
        sectionId: 'post',
        line: 40,
        window: { intervalMs: 30_000, count: 6, failureLimit: 1 },
        probe: { kind: 'prometheus', params: { url: '${PROMETHEUS_URL}', query: 'error_ratio', max: 0.05, name: 'error rate' }, raw, line: 41 },
      },
    ],
  };
}

const at = (s: number) => new Date(Date.parse('2026-11-26T09:30:00.000Z') + s * 1000).toISOString();
const m = (slot: number, phase: 'successful' | 'failed' | 'inconclusive', value: number | undefined, message: string, missed = false) => ({
  phase,
  ...(value === undefined ? {} : { value }),
  message,
  ...(missed ? { missed } : {}),
  startedAt: at(slot * 30),
  finishedAt: at(slot * 30 + 1),
});

function watchedSession() {
  const checklist = watchedChecklist();
  const c = checklist.criteria![0];
  const changes: Change[] = [
    { type: 'watch.start', startedAt: at(0), criteria: [{ id: c.id, text: c.text, kind: 'prometheus', spec: c.probe.raw, limits: { intervalMs: 30_000, count: 6, failureLimit: 1, inconclusiveLimit: 2 } }] },
    { type: 'watch.measurement', startedAt: at(0), criterionId: c.id, measurements: [m(0, 'successful', 0.012, 'error rate 0.012 ≤ max 0.05, 480 requests')] },
    { type: 'watch.measurement', startedAt: at(0), criterionId: c.id, measurements: [m(1, 'inconclusive', undefined, 'not measured: the wizard was closed', true)] },
    { type: 'watch.measurement', startedAt: at(0), criterionId: c.id, measurements: [m(2, 'failed', 0.081, `error rate 0.081 > max 0.05 (token ${SECRET})`)] },
    { type: 'watch.measurement', startedAt: at(0), criterionId: c.id, measurements: [m(3, 'failed', 0.143, 'error rate 0.143 > max 0.05, 412 requests')] },
    { type: 'watch.stop', startedAt: at(0), why: 'met' },
  ];
  return { checklist, session: applyAll(walkedSession(), changes, 30) };
}

describe('the report of a session with a watch', () => {
  const { checklist, session } = watchedSession();
  const md = renderMarkdown(session, checklist, { vars: { DB_PASSWORD: SECRET } });

  it('matches the golden file', () => {
    const file = fileURLToPath(new URL('./golden/watched.md', import.meta.url));
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, md);
    expect(md).toBe(readFileSync(file, 'utf8'));
  });

  it('shows per criterion the verdict with its evidence, the window, the threshold, the series as a table and a chart; no secret', () => {
    const section = md.slice(md.indexOf('## Watch: rollback criteria'));
    expect(section).toContain('### Error rate exceeds 5% of requests');
    expect(section).toContain('- **Verdict**: 🔴 **rollback criterion met** — 2 failed measurements &gt; failure\\_limit 1 (1 ok, 2 failed, 1 inconclusive, 0 errors of 4)');
    expect(section).toContain('- **Window**: every 30 s × 6 (3 min), failure\\_limit 1, inconclusive\\_limit 2');
    expect(section).toContain('- **Threshold**: max 0.05');
    expect(section).toContain('| 2 | 09:30:31 UTC | ⚪ inconclusive | — | not measured: the wizard was closed |');
    expect(section).toMatch(/```mermaid\nxychart-beta\n  title "Error rate exceeds 5% of requests"\n  x-axis \["1", "3", "4"\]\n  line \[0\.012, 0\.081, 0\.143\]\n  line \[0\.05, 0\.05, 0\.05\]\n```/);
    expect(md).not.toContain(SECRET);
  });

  it('a met window followed by a live one: one verdict per criterion (the table says met, as the met window does), the live one running, each window its own heading', () => {
    const { checklist: cl, session: met } = watchedSession();
    const c = cl.criteria![0];
    const later = at(600);
    const more: Change[] = [
      { type: 'watch.start', startedAt: later, criteria: [{ id: c.id, text: c.text, kind: 'prometheus', spec: c.probe.raw, limits: { intervalMs: 30_000, count: 60, failureLimit: 1, inconclusiveLimit: 2 } }] },
      { type: 'watch.measurement', startedAt: later, criterionId: c.id, measurements: [{ ...m(20, 'successful', 0.01, 'error rate 0.01 ≤ max 0.05') }] },
    ];
    const two = renderMarkdown(applyAll(met, more, 30), cl);
    const tableRow = two.split('\n').find((l) => l.startsWith('| Error rate exceeds 5% of requests |'))!;
    expect(tableRow).toContain('🔴 **rollback criterion met**');
    expect(tableRow).toContain('2 failed &gt; failure\\_limit 1 (window started 09:30 UTC by');
    const headings = two.split('\n').filter((l) => l.startsWith('## Watch: rollback criteria'));
    expect(headings).toHaveLength(2);
    expect(headings[0]).toContain('started 2026-11-26 09:30:00 UTC by ');
    expect(headings[1]).toContain('started 2026-11-26 09:40:00 UTC by ');
    const live = two.slice(two.indexOf(headings[1]));
    expect(live).toContain('- **Verdict**: ⏳ running (1/60 samples)');
    expect(live).not.toContain('stopped before the window ended');
  });

  it('sign-off closes an open window: the report says incomplete with how far it got (never "not met" or "within limits"), and the table says what was measured with its unit', () => {
    const checklist = smallChecklist();
    const t0 = at(0);
    const latency = (slot: number, ms: number) => ({ phase: 'successful' as const, value: ms, message: `HTTP 200 in ${ms} ms`, startedAt: at(slot * 30), finishedAt: at(slot * 30 + 1) });
    const changes: Change[] = [
      { type: 'watch.start', startedAt: t0, criteria: [{ id: 'app-latency', text: 'Response time above 2 s', kind: 'http', spec: 'http url=${APP_URL}/health/ status=200', limits: { intervalMs: 30_000, count: 60, failureLimit: 0, inconclusiveLimit: 0 } }] },
      ...[30, 41, 32].map((ms, i): Change => ({ type: 'watch.measurement', startedAt: t0, criterionId: 'app-latency', measurements: [latency(i, ms)] })),
      { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'signed on paper' },
    ];
    const done = applyAll(walkedSession(), changes, 30);
    expect(done.watches![0]).toMatchObject({ stopped: 'signoff' });
    expect(done.events.filter((e) => e.what === 'watch.stop')).toHaveLength(1);
    const out = renderMarkdown(done, checklist);
    const section = out.slice(out.indexOf('## Watch: rollback criteria'));
    expect(section).toContain('- **Verdict**: ⏸ incomplete (not a pass) (3/60 samples) (stopped at sign-off) — 3 ok, 0 failed, 0 inconclusive, 0 errors of 3');
    expect(section).not.toContain('⏳ running');
    expect(section).not.toContain('not met');
    const row = out.split('\n').find((l) => l.startsWith('| Response time above 2 s |'))!;
    expect(row).toContain('32 ms, incomplete (3/60 samples, stopped at sign-off)');
    expect(row).toContain('⏸ incomplete (not a pass)');
    expect(row).not.toContain('within limits');
    expect(row).not.toContain('not measured');
  });

  it('a session without a watch has no watch section', () => {
    expect(renderMarkdown(walkedSession(), checklist)).not.toContain('Watch: rollback criteria');
  });
});
