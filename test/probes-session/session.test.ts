/**
 * The `session` kind judges the tool's own record: a session built with the
 * session core's own changes (applyChange), handed to the runner the way the
 * wizard hands it; without a session the probe cannot judge.
 */
import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../src/checklist/types.js';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { applyChange, type Change } from '../../src/session/changes.js';
import type { Session } from '../../src/session/schema.js';
import { newSessionDoc } from '../helpers/memory-session.js';

const { checklist } = parseChecklist(
  [
    '# Release',
    '## Deploy',
    '- [ ] Migrations executed',
    '- [ ] Rolling deployment executed',
    '## Final Checklist',
    '- [ ] All checklist items completed',
    '  <!-- probe: session check=items-settled -->',
    '- [ ] Success criteria met',
    '  <!-- probe: session check=success-criteria -->',
    '',
  ].join('\n'),
  'release.md',
  validateProbe,
);
const [migrations, rolling, allDone] = checklist.items.map((i) => i.id);

let clock = Date.parse('2026-11-26T10:00:00.000Z');
const apply = (s: Session, ...changes: Change[]) => changes.reduce((doc, c) => applyChange(doc, c, { who: 'alice', at: new Date((clock += 1000)).toISOString() }), s);
const spec = (check: string, extra = ''): ProbeSpec => ({ kind: 'session', params: { check, ...(extra ? { every: extra } : {}) }, raw: `session check=${check}`, line: 1 });
const judge = async (session: Session | undefined, check: string, itemId = allDone, every = '') =>
  (await runProbes([{ itemId, spec: spec(check, every) }], { vars: {}, ...(session ? { session } : {}) }))[0];

const criterion = { id: 'error-rate', text: 'Error rate exceeds 5% of requests', kind: 'prometheus', spec: 'prometheus …', limits: { intervalMs: 1000, count: 2, failureLimit: 0, inconclusiveLimit: 0 } };
const sample = (phase: 'successful' | 'failed') => ({ phase, message: phase === 'failed' ? 'error rate 0.2 > max 0.05' : 'error rate 0.01 ≤ max 0.05', startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:00:01.000Z' });
const watch = (startedAt: string, phases: Array<'successful' | 'failed'>): Change[] => [
  { type: 'watch.start', startedAt, criteria: [criterion] },
  { type: 'watch.measurement', startedAt, criterionId: 'error-rate', measurements: phases.map(sample) },
];

describe('session kind: the tool judged from its own record', () => {
  it('without a session (check, watch) it cannot judge: inconclusive, never a guess', async () => {
    expect(await judge(undefined, 'items-settled')).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
  });

  it('items-settled: the other sections settled and none failed; the final section itself does not count', async () => {
    const fresh = newSessionDoc(checklist);
    expect((await judge(fresh, 'items-settled')).summary).toBe(`2 items not settled: ${migrations}, ${rolling}`);
    const done = apply(fresh, { type: 'item.state', itemId: migrations, state: 'done' }, { type: 'item.state', itemId: rolling, state: 'skipped', reason: 'no change to the image' });
    expect(await judge(done, 'items-settled')).toMatchObject({ status: 'pass', summary: 'all 2 other items settled (done, verified, skipped with a reason or n/a), none failed' });
    const failed = apply(done, { type: 'item.state', itemId: rolling, state: 'failed' });
    expect(await judge(failed, 'items-settled')).toMatchObject({ status: 'fail', summary: `1 item failed: ${rolling}` });
  });

  it('watch-started and success-criteria: a complete window with no criterion met passes; a met one fails; a running one cannot be judged yet', async () => {
    const fresh = newSessionDoc(checklist);
    expect(await judge(fresh, 'watch-started')).toMatchObject({ status: 'fail', summary: 'no watch of the rollback criteria started in this session (start one: w in the wizard)' });
    expect(await judge(fresh, 'success-criteria')).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    const running = apply(fresh, ...watch('2026-11-26T10:05:00.000Z', ['successful']));
    expect((await judge(running, 'watch-started')).summary).toMatch(/^watch started 2026-11-26T10:05:00\.000Z by alice \(1 criterion, window 2 × 1 s\), running$/);
    expect(await judge(running, 'success-criteria')).toMatchObject({ status: 'inconclusive', summary: 'the watch window is still running (1/2 samples): success cannot be judged yet' });
    const complete = apply(fresh, ...watch('2026-11-26T10:05:00.000Z', ['successful', 'successful']));
    expect(await judge(complete, 'success-criteria')).toMatchObject({ status: 'pass', summary: 'no rollback criterion met over a complete window (1 criterion), no item failed, no incident open' });
    const met = apply(fresh, ...watch('2026-11-26T10:05:00.000Z', ['successful', 'failed']));
    expect((await judge(met, 'success-criteria')).summary).toMatch(/^rollback criterion met: Error rate exceeds 5% of requests/);
  });

  it('known-issues and incident-timeline: every failure documented; an open incident updated within its period', async () => {
    const fresh = newSessionDoc(checklist);
    const failedBare = apply(fresh, { type: 'item.state', itemId: rolling, state: 'failed' });
    expect(await judge(failedBare, 'known-issues')).toMatchObject({ status: 'fail', summary: `1 issue without a note or reason: ${rolling}` });
    const noted = apply(failedBare, { type: 'item.note', itemId: rolling, note: 'web pods crash-looping on the new image; rolled back' });
    expect((await judge(noted, 'known-issues')).status).toBe('pass');
    expect(await judge(fresh, 'incident-timeline')).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    const incident = apply(fresh, { type: 'incident', status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop after 30 s', eta: '30 min', actions: 'rolling back' });
    // The incident was logged now (the clock above is in the past): long overdue.
    expect((await judge(incident, 'incident-timeline')).summary).toMatch(/^incident timeline last updated \d+ min ago \(INVESTIGATING\); updates are due every 15 min$/);
    const resolved = apply(incident, { type: 'incident', status: 'RESOLVED', severity: 'HIGH', impact: 'calls drop after 30 s', eta: '-', actions: 'rolled back' });
    expect((await judge(resolved, 'incident-timeline')).status).toBe('pass');
  });

  it('the probe reads a frozen copy: it cannot change the session it judges', async () => {
    const s = newSessionDoc(checklist);
    const before = JSON.stringify(s);
    await judge(s, 'items-settled');
    expect(JSON.stringify(s)).toBe(before);
    expect(Object.isFrozen(s)).toBe(false);
  });
});
