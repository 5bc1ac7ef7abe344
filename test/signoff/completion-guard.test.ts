/**
 * The completion guard lives in the session core: applyChange refuses a
 * SUCCESS over pending or failed items, a failing probe, a met rollback
 * criterion, an open incident, a running or incomplete watch window, for every
 * writer (a script's change, the wizard store), unless an override reason
 * covers each blocker; the record keeps the reason with who, when and the
 * blockers it covered, and the report shows them. The policy (roles) is the
 * session's, never the change's.
 */
import { describe, expect, it } from 'vitest';
import { applyChange, type Change } from '../../src/session/changes.js';
import type { Session } from '../../src/session/schema.js';
import { completionBlockers, sessionFingerprint } from '../../src/session/signoff.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildRecord } from '../../src/report/json.js';
import { makeStore } from '../ui/store-helpers.js';
import { applyAll, emptySession, probe, smallChecklist, T0 } from '../report/fixtures.js';
import { refusal } from '../session/helpers.js';

const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString();

/** Every item done by hand, the one role of the session's policy signed by Ada: SUCCESS is clean. */
function cleanSession(): Session {
  let s = emptySession();
  s = { ...s, signoff: { ...s.signoff, policy: { roles: ['Tech Lead'] } } };
  s = applyAll(s, smallChecklist().items.map((i): Change => ({ type: 'item.state', itemId: i.id, state: 'done' })));
  return s;
}
const signed = (s: Session, min = 30): Session => applyAll(s, [{ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(s) }], min, 'Ada');
const success = (overrideReason?: string): Change => ({ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason });

const criterion = { id: 'err', text: 'Error rate exceeds 5% of requests', kind: 'prometheus', spec: 'prometheus query="5xx" max=0.05', limits: { intervalMs: 30_000, count: 3, failureLimit: 0, inconclusiveLimit: 0 } };
const measurement = (phase: 'successful' | 'failed', min: number) => ({ phase, value: phase === 'failed' ? 0.07 : 0.01, message: phase === 'failed' ? 'error rate 7%' : 'error rate 1%', startedAt: at(min), finishedAt: at(min) });
const watchStart = (min: number): Change => ({ type: 'watch.start', startedAt: at(min), criteria: [criterion] });
const measured = (min: number, phase: 'successful' | 'failed'): Change => ({ type: 'watch.measurement', startedAt: at(min), criterionId: 'err', measurements: [measurement(phase, min + 1)] });

/** Each blocker the brief names, added to a clean signed session. */
const blockers: Array<[string, (s: Session) => Session, RegExp]> = [
  ['two pending items', (s) => applyAll(s, [{ type: 'item.state', itemId: 'docs', state: 'pending' }, { type: 'item.state', itemId: 'health', state: 'pending' }], 10), /2 items are still pending \("health", "docs"\)/],
  ['a met rollback criterion', (s) => applyAll(s, [watchStart(10), measured(10, 'failed'), { type: 'watch.stop', startedAt: at(10), why: 'met' }], 10), /rollback criterion met: "Error rate exceeds 5% of requests" \(1 failed > failure_limit 0; watch started 09:10 UTC by Ada Lovelace\)/],
  ['an open incident', (s) => applyAll(s, [{ type: 'incident', status: 'MONITORING', severity: 'HIGH', impact: 'calls drop', eta: '15 min', actions: 'scaled up' }], 10), /incident 1 is open \(MONITORING, HIGH, last update 09:10 UTC by Ada Lovelace\)/],
  ['a failing probe', (s) => applyAll(s, [probe('error-rate', 'prometheus', 'fail', 'error rate 0.07')], 10), /1 probe failed \("error-rate: prometheus fail"\)/],
  ['a running watch', (s) => applyAll(s, [watchStart(10), measured(10, 'successful')], 10), /watch started 09:10 UTC by Ada Lovelace is still running \("Error rate exceeds 5% of requests" 1\/3 samples\)/],
  ['an incomplete watch', (s) => applyAll(s, [watchStart(10), measured(10, 'successful'), { type: 'watch.stop', startedAt: at(10), why: 'operator' }], 10), /watch started 09:10 UTC by Ada Lovelace is incomplete: stopped early by the operator \("Error rate exceeds 5% of requests" 1\/3 samples\)/],
];

describe('completion guard in the session core (applyChange, every writer)', () => {
  it('a clean signed session completes SUCCESS without an override', () => {
    const s = applyAll(signed(cleanSession()), [success()], 40, 'Ada');
    expect(s.status).toBe('completed');
    expect(s.signoff.override).toBeUndefined();
  });

  it('refuses SUCCESS with 2 pending items, no override and no roles in the change', () => {
    const s = signed(applyAll(cleanSession(), [{ type: 'item.state', itemId: 'docs', state: 'pending' }, { type: 'item.state', itemId: 'health', state: 'pending' }], 10));
    expect(refusal(() => applyAll(s, [success()], 40, 'Ada'))).toBe(
      'cannot complete SUCCESS: 2 items are still pending ("health", "docs"); give an override reason that covers it, or choose another status',
    );
  });

  it.each(blockers)('refuses SUCCESS with %s; accepts it only with an override reason, recorded with who, when and what it covered', (_what, add, text) => {
    const s = signed(add(cleanSession()));
    expect(refusal(() => applyAll(s, [success()], 40, 'Ada'))).toMatch(text);
    expect(refusal(() => applyAll(s, [success('   ')], 40, 'Ada'))).toMatch(/give an override reason/);
    const done = applyAll(s, [success('known canary artefact; checked by hand')], 40, 'Grace');
    expect(done.status).toBe('completed');
    expect(done.signoff.override).toMatchObject({ reason: 'known canary artefact; checked by hand', by: 'Grace', at: at(40) });
    expect(done.signoff.override?.covers).toHaveLength(1);
    expect(done.signoff.override?.covers?.[0]).toMatch(text);
    expect(done.signoff.history?.at(-1)).toMatchObject({ action: 'completed', by: 'Grace', overrideReason: 'known canary artefact; checked by hand', overrideCovers: done.signoff.override?.covers });
    // The report shows the reason with who and when, and each blocker it covered.
    const md = renderMarkdown(done, smallChecklist());
    expect(md).toContain('- **Deployment Status override** by Grace at 2026-11-26 09:40 UTC: known canary artefact; checked by hand');
    // Each covered blocker is listed under the override (items named by the checklist's text).
    expect(md.split('\n').filter((l) => l.startsWith('  - overridden: '))).toHaveLength(1);
    expect(buildRecord(done, smallChecklist()).session.signoff.override?.covers).toEqual(done.signoff.override?.covers);
  });

  it.each(['FAILED', 'ROLLED BACK'])('never blocks %s over items, probes, criteria, incidents or watches', (status) => {
    let s = cleanSession();
    for (const [, add] of blockers) s = add(s);
    s = signed(s, 50);
    expect(completionBlockers(s, status)).toEqual([]);
    expect(applyAll(s, [{ type: 'signoff.complete', status, notes: '', nextSteps: '' }], 60, 'Ada').status).toBe('completed');
  });

  it('a resolved incident no longer blocks; an update of it keeps one incident with its history', () => {
    let s = applyAll(cleanSession(), [{ type: 'incident', status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop', eta: '15 min', actions: 'looking' }], 10);
    s = applyAll(s, [{ type: 'incident', incident: 1, status: 'RESOLVED', severity: 'LOW', impact: 'none now', eta: '-', actions: 'scaled up' }], 20);
    expect(s.incidents.map((i) => `${i.incident} ${i.status}`)).toEqual(['1 INVESTIGATING', '1 RESOLVED']);
    s = signed(s);
    expect(completionBlockers(s, 'SUCCESS')).toEqual([]);
    expect(refusal(() => applyAll(s, [{ type: 'incident', incident: 7, status: 'RESOLVED', severity: 'LOW', impact: '', eta: '', actions: '' }], 30))).toMatch(/there is no incident 7 to update/);
  });

  it('refuses a blocker the writer did not see next to the reason (acknowledged kinds)', () => {
    const s = signed(applyAll(cleanSession(), [{ type: 'item.state', itemId: 'docs', state: 'pending' }, { type: 'incident', status: 'IDENTIFIED', severity: 'HIGH', impact: 'x', eta: '', actions: '' }], 10));
    expect(refusal(() => applyAll(s, [{ ...success('docs written tomorrow'), acknowledged: ['pending'] } as Change], 40))).toMatch(
      /^cannot complete SUCCESS: incident 1 is open .* came up after the override reason was written/,
    );
    expect(applyAll(s, [{ ...success('docs tomorrow; incident is the known canary') , acknowledged: ['pending', 'incident-open'] } as Change], 40).status).toBe('completed');
  });

  it("takes the roles from the session's policy, never from the change", () => {
    const s = cleanSession(); // policy: Tech Lead, not signed
    const sneaky = { ...success(), roles: [] } as unknown as Change;
    expect(refusal(() => applyAll(s, [sneaky], 40))).toMatch(/1 of 1 roles not signed \(Tech Lead\)/);
    // A role the policy does not have cannot be signed, whatever the change says.
    expect(refusal(() => applyAll(s, [{ type: 'signoff.sign', role: 'Intern', signature: 'x', fingerprint: 'f', policy: { roles: ['Intern'] } } as unknown as Change], 40))).toMatch(/"Intern" is not a role/);
  });

  it('a session without a stored policy falls back to the shipped Sign-off table: four roles, or an override', () => {
    let s = applyAll(emptySession(), smallChecklist().items.map((i): Change => ({ type: 'item.state', itemId: i.id, state: 'done' })));
    expect(s.signoff.policy).toBeUndefined();
    s = applyAll(s, [{ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(s) }], 30, 'Ada');
    expect(refusal(() => applyAll(s, [success()], 40))).toMatch(/3 of 4 roles not signed \(DevOps Engineer, Security Officer, Product Owner\)/);
  });
});

describe('completion guard through the wizard store', () => {
  it.each(blockers)('refuses SUCCESS with %s, shows why, and records the override reason with who and when', async (_what, add, text) => {
    // The checklist watches the criterion, and the store's clock stands inside the window: a running watch stays running.
    const checklist = { ...smallChecklist(), criteria: [{ id: 'err', text: criterion.text, sectionId: 'post', line: 1, window: {}, probe: { kind: 'prometheus', raw: criterion.spec, params: {}, line: 1 } }] };
    // The store's session: every item settled, the blocker, the one role of its policy signed by the store's operator.
    const doc = add(cleanSession());
    const { store, session } = makeStore({ checklist, session: doc, deps: { now: () => Date.parse(at(10)) + 40_000 } });
    expect(await store.getState().signRole('Tech Lead', 'alice')).toBe(true);
    expect(await store.getState().completeSignoff({ status: 'SUCCESS', notes: '', nextSteps: '' })).toBe(false);
    expect(store.getState().signoff.error).toMatch(/^cannot complete SUCCESS: /);
    expect(session.current().status).toBe('active');
    expect(await store.getState().completeSignoff({ status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'velero backup verified by hand' })).toBe(true);
    const rec = session.current();
    expect(rec.status).toBe('completed');
    expect(rec.signoff.override).toMatchObject({ reason: 'velero backup verified by hand', by: 'alice' });
    // The store previews with the checklist's item texts; the core records its own sentences, item ids and all.
    expect(rec.signoff.override?.covers).toHaveLength(1);
    expect(rec.signoff.override?.covers?.[0]).toMatch(text);
    const md = renderMarkdown(rec, checklist);
    expect(md).toMatch(/- \*\*Deployment Status override\*\* by alice at \d{4}-\d\d-\d\d \d\d:\d\d UTC: velero backup verified by hand/);
  });
});
