import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  completionGuard,
  DEFAULT_ROLES,
  DEFAULT_STATUSES,
  sessionFingerprint,
  signatureStatus,
  signoffRoles,
  signoffStatuses,
} from '../../src/session/signoff.js';
import { applyAll, emptySession, probe, smallChecklist, walkedSession } from '../report/fixtures.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Session } from '../../src/session/schema.js';

function allSettled(): Session {
  return applyAll(emptySession(), smallChecklist().items.map((i) => ({ type: 'item.state' as const, itemId: i.id, state: 'done' as const })));
}

function signAll(s: Session): Session {
  const fp = sessionFingerprint(s);
  // Each role by its own person: the signer is the operator who applies the change.
  return DEFAULT_ROLES.reduce((acc, role, i) => applyAll(acc, [{ type: 'signoff.sign', role, signature: `p${i}`, fingerprint: fp }], 100 + i, `Person ${i}`), s);
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined, w: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"w":3,"y":2}]},"b":1}');
  });
});

describe('sessionFingerprint', () => {
  it('is a SHA-256 hex and stable for the same content', () => {
    const s = walkedSession();
    expect(sessionFingerprint(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionFingerprint(structuredClone(s))).toBe(sessionFingerprint(s));
  });

  it('ignores cursor moves, updatedAt, the event log, operators joining and the sign-off block', () => {
    const s = walkedSession();
    const before = sessionFingerprint(s);
    const moved = applyAll(s, [
      { type: 'cursor', sectionId: 'post', itemId: 'docs' },
      { type: 'operator.join', name: 'Grace Hopper' },
      { type: 'command.run', command: 'kubectl get pods', exitCode: 0, output: 'ok' },
      { type: 'signoff.sign', role: 'Tech Lead', signature: 'a', fingerprint: before },
      { type: 'signoff.complete', status: 'FAILED', notes: 'n', nextSteps: 'x', overrideReason: 'recorded without the sign-off (test fixture)' },
    ], 50);
    expect(moved.updatedAt).not.toBe(s.updatedAt);
    expect(moved.events.length).toBeGreaterThan(s.events.length);
    expect(sessionFingerprint(moved)).toBe(before);
  });

  it.each([
    ['an item state', { type: 'item.state', itemId: 'docs', state: 'done' }],
    ['a note', { type: 'item.note', itemId: 'db-backup', note: 'pg_dump to s3://backups/other.sql' }],
    ['a probe result', probe('redis-ping', 'redis', 'fail', 'connection refused', { spec: 'redis url="${REDIS_URL}"' })],
    ['an incident', { type: 'incident', status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop', eta: '15m', actions: 'rollback' }],
  ] as const)('changes when %s changes', (_what, change) => {
    const s = walkedSession();
    expect(sessionFingerprint(applyAll(s, [change as any], 60))).not.toBe(sessionFingerprint(s));
  });

  it('changes when the checklist hash or environment changes', () => {
    const s = walkedSession();
    expect(sessionFingerprint({ ...s, checklist: { ...s.checklist, hash: 'b'.repeat(64) } })).not.toBe(sessionFingerprint(s));
    expect(sessionFingerprint({ ...s, environment: 'staging' })).not.toBe(sessionFingerprint(s));
  });
});

describe('signatureStatus', () => {
  it('reports each signature valid right after signing', () => {
    const st = signatureStatus(signAll(walkedSession()));
    expect(st.map((x) => [x.role, x.status])).toEqual(DEFAULT_ROLES.map((r) => [r, 'valid']));
  });

  it('detects a note changed after signing, but not a cursor move', () => {
    const signed = signAll(walkedSession());
    const moved = applyAll(signed, [{ type: 'cursor', sectionId: 'pre', itemId: 'db-backup' }], 200);
    expect(signatureStatus(moved).every((x) => x.status === 'valid')).toBe(true);
    const edited = applyAll(signed, [{ type: 'item.note', itemId: 'health', note: 'looked fine' }], 200);
    expect(signatureStatus(edited).every((x) => x.status === 'changed')).toBe(true);
  });

  it('detects a probe re-run with a different outcome after signing', () => {
    const signed = signAll(walkedSession());
    const rerun = applyAll(signed, [probe('health', 'baseline', 'fail', 'p50 300 ms', { metrics: { p50_ms: 300 } })], 200);
    expect(signatureStatus(rerun).map((x) => x.status)).toEqual(['changed', 'changed', 'changed', 'changed']);
  });

  it('shows a changed signature as such in the report', () => {
    const signed = signAll(walkedSession());
    const edited = applyAll(signed, [{ type: 'item.state', itemId: 'docs', state: 'done' }], 200);
    const md = renderMarkdown(edited, smallChecklist());
    expect(md).toContain('| Tech Lead | Person 0 | p0 | 2026-11-26 10:40 UTC | ⚠️ **changed after signing** |');
    expect(renderMarkdown(signed, smallChecklist())).toContain('| Tech Lead | Person 0 | p0 | 2026-11-26 10:40 UTC | ✓ valid |');
  });
});

describe('roles and statuses', () => {
  it('come from the checklist, with the shipped ones as fallback', () => {
    const c = smallChecklist();
    c.signoff = { roles: ['Release Manager'], statuses: ['GO', 'NO GO'], fields: [] };
    expect(signoffRoles(c)).toEqual(['Release Manager']);
    expect(signoffStatuses(c)).toEqual(['GO', 'NO GO']);
    c.signoff = { roles: [], statuses: [], fields: [] };
    expect(signoffRoles(c)).toEqual(DEFAULT_ROLES);
    expect(signoffStatuses(c)).toEqual(DEFAULT_STATUSES);
  });
});

describe('completionGuard', () => {
  const checklist = smallChecklist();

  it('blocks SUCCESS while items are pending, naming how many and which', () => {
    const g = completionGuard(emptySession(), checklist, 'SUCCESS');
    expect(g.allowed).toBe(false);
    expect(g.needsOverride).toBe(true);
    expect(g.reasons[0]).toBe('6 items are still pending ("Database backup taken", "Redis answering PING", "DEBUG = False in production" and 3 more)');
  });

  it('blocks SUCCESS when a probe failed even though its item was overridden to done', () => {
    let s = allSettled();
    expect(completionGuard(s, checklist, 'SUCCESS')).toEqual({ allowed: true, reasons: [], needsOverride: false });
    s = applyAll(s, [
      probe('error-rate', 'prometheus', 'fail', 'error rate 0.07', { metrics: { value: 0.07 } }),
      { type: 'item.state', itemId: 'error-rate', state: 'done', override: true },
    ], 30);
    const g = completionGuard(s, checklist, 'SUCCESS');
    expect(g.allowed).toBe(false);
    expect(g.reasons).toEqual(['1 probe failed ("Error rates within limits: prometheus fail")']);
  });

  it('blocks SUCCESS when an item failed', () => {
    const s = applyAll(allSettled(), [{ type: 'item.state', itemId: 'docs', state: 'failed' }], 30);
    expect(completionGuard(s, checklist, 'SUCCESS').reasons).toEqual(['1 item failed ("Deployment notes documented")']);
  });

  it('allows blocked SUCCESS only with a non-blank override reason', () => {
    const s = walkedSession();
    expect(completionGuard(s, checklist, 'SUCCESS', '   ').allowed).toBe(false);
    const g = completionGuard(s, checklist, 'SUCCESS', 'error spike is a known canary artefact');
    expect(g).toMatchObject({ allowed: true, needsOverride: true });
    expect(g.reasons).toHaveLength(3);
  });

  it.each(['FAILED', 'ROLLED BACK'])('always allows %s, even with everything pending or failed', (status) => {
    expect(completionGuard(emptySession(), checklist, status)).toEqual({ allowed: true, reasons: [], needsOverride: false });
    expect(completionGuard(walkedSession(), checklist, status).allowed).toBe(true);
  });

  it('records the override with its reason in the session and in the report', () => {
    const s = applyAll(walkedSession(), [{ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'canary | error spike <known>' }], 300, 'Ada Lovelace');
    expect(s.signoff.override).toEqual({
      reason: 'canary | error spike <known>',
      by: 'Ada Lovelace',
      at: '2026-11-26T14:00:00.000Z',
      // The blockers the reason was given against, as they read at completion (the session core names items by id).
      covers: ['4 of 4 roles not signed (Tech Lead, DevOps Engineer, Security Officer, Product Owner)', '1 item is still pending ("debug-off")', '1 item failed ("error-rate")', '1 probe failed ("error-rate: prometheus fail")'],
    });
    const md = renderMarkdown(s, checklist);
    expect(md).toContain('- **Deployment Status override** by Ada Lovelace at 2026-11-26 14:00 UTC: canary \\| error spike &lt;known&gt;');
    expect(md).toContain('  - overridden: 1 item is still pending ("DEBUG = False in production")');
    expect(md).toContain('**Override reason**: canary \\| error spike &lt;known&gt;');
    expect(md).toContain('| Deployment Status | **SUCCESS** (override) |');
  });
});
