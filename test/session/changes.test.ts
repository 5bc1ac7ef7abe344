/** applyChange: every change is pure (the input is never mutated) and logs one event. */
import { describe, expect, it } from 'vitest';
import { applyChange, ChangeRefused, type Change } from '../../src/session/changes.js';
import { SCHEMA_VERSION, SessionSchema, type Session } from '../../src/session/schema.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function base(): Session {
  return SessionSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    id: 'staging-20261126-1400-abcd',
    checklist: { path: 'c.md', hash: 'h', title: 'T' },
    environment: 'staging',
    operators: ['ada'],
    status: 'active',
    createdAt: '2026-11-26T14:00:00.000Z',
    updatedAt: '2026-11-26T14:00:00.000Z',
    cursor: { sectionId: 's', itemId: 'a' },
    items: {
      a: { state: 'pending', probes: [], updatedAt: '2026-11-26T14:00:00.000Z', updatedBy: 'ada' },
      b: { state: 'done', probes: [{ kind: 'http', itemId: 'b', spec: 'http url=x', status: 'pass', summary: 'ok', evidence: ['200'], durationMs: 3, at: '2026-11-26T14:00:00.000Z' }], updatedAt: '2026-11-26T14:00:00.000Z', updatedBy: 'ada' },
    },
    events: [{ at: '2026-11-26T14:00:00.000Z', who: 'ada', what: 'session.start' }],
    incidents: [],
    signoff: { notes: '', nextSteps: '', signatures: [] },
  });
}

const changes: Change[] = [
  { type: 'item.state', itemId: 'a', state: 'skipped', reason: 'no staging' },
  { type: 'item.state', itemId: 'new', state: 'done' },
  { type: 'item.note', itemId: 'b', note: 'looked fine' },
  { type: 'probe.result', result: { kind: 'http', itemId: 'b', spec: 'http url=x', status: 'fail', summary: '500', evidence: [], durationMs: 4, at: '2026-11-26T14:01:00.000Z' } },
  { type: 'cursor', sectionId: 's2', itemId: 'b' },
  { type: 'command.run', itemId: 'a', command: 'curl -f x', exitCode: 0, output: 'ok' },
  { type: 'incident', status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop', eta: '15 min', actions: 'rollback' },
  { type: 'operator.join', name: 'grace' },
  { type: 'signoff.sign', role: 'Tech Lead', name: 'Ada', signature: 'ada', fingerprint: 'f' },
  { type: 'signoff.complete', status: 'FAILED', notes: 'n', nextSteps: 'x', overrideReason: 'recorded without the sign-off (test fixture)' },
];

describe('applyChange', () => {
  it.each(changes.map((c) => [c.type, c] as const))('%s leaves its input untouched and validates', (_t, change) => {
    const frozen = deepFreeze(base());
    const before = JSON.stringify(frozen);
    const next = applyChange(frozen, change, { who: 'ada', at: '2026-11-26T14:05:00.000Z' });
    expect(JSON.stringify(frozen)).toBe(before);
    expect(next).not.toBe(frozen);
    expect(next.updatedAt).toBe('2026-11-26T14:05:00.000Z');
    expect(SessionSchema.safeParse(next).success).toBe(true);
  });

  it('shares the items a change does not touch and logs one event per change', () => {
    const s = base();
    const next = applyChange(s, { type: 'item.note', itemId: 'a', note: 'hi' }, { who: 'ada' });
    expect(next.items.b).toBe(s.items.b);
    expect(next.items.a).not.toBe(s.items.a);
    expect(next.items.a.note).toBe('hi');
    expect(next.events).toHaveLength(s.events.length + 1);
  });

  it('keeps the latest result per probe spec on the item', () => {
    const s = applyChange(base(), changes[3], { who: 'ada' });
    expect(s.items.b.probes).toHaveLength(1);
    expect(s.items.b.probes[0].status).toBe('fail');
  });
});

describe('watch changes', () => {
  const limits = { intervalMs: 1000, count: 5, failureLimit: 0, inconclusiveLimit: 0 };
  const plan = (startedAt: string): Change => ({ type: 'watch.start', startedAt, criteria: [{ id: 'err', text: 'Error rate exceeds 5% of requests', kind: 'prometheus', spec: 'prometheus …', limits }] });
  const sample = (startedAt: string, value: number): Change => ({
    type: 'watch.measurement',
    startedAt,
    criterionId: 'err',
    measurements: [{ phase: 'successful', value, message: `error rate ${value}`, startedAt: '2026-11-26T14:01:00.000Z', finishedAt: '2026-11-26T14:01:00.100Z' }],
  });

  it("each watch is named by its start: two operators' watches never mix, a stopped one takes no more, an unknown one is refused", () => {
    let s = applyChange(base(), plan('2026-11-26T14:01:00.000Z'), { who: 'ada' });
    s = applyChange(s, plan('2026-11-26T14:02:00.000Z'), { who: 'bob' });
    s = applyChange(s, sample('2026-11-26T14:01:00.000Z', 0.01), { who: 'ada' });
    s = applyChange(s, sample('2026-11-26T14:02:00.000Z', 0.02), { who: 'bob' });
    expect(s.watches!.map((w) => [w.by, w.criteria[0].measurements.map((m) => m.value)])).toEqual([['ada', [0.01]], ['bob', [0.02]]]);
    s = applyChange(s, { type: 'watch.stop', startedAt: '2026-11-26T14:01:00.000Z', why: 'operator' }, { who: 'ada', at: '2026-11-26T14:03:00.000Z' });
    expect(s.watches![0]).toMatchObject({ stopped: 'operator', stoppedAt: '2026-11-26T14:03:00.000Z' });
    expect(s.watches![1].stopped).toBeUndefined();
    expect(() => applyChange(s, sample('2026-11-26T14:01:00.000Z', 0.5), { who: 'ada' })).toThrow(/no running watch started at 2026-11-26T14:01:00.000Z measures "err"/);
    expect(() => applyChange(s, sample('2026-11-26T15:00:00.000Z', 0.5), { who: 'ada' })).toThrow(ChangeRefused);
    expect(SessionSchema.parse(s).watches).toHaveLength(2);
    expect(s.events.map((e) => e.what).filter((w) => w.startsWith('watch.'))).toEqual(['watch.start', 'watch.start', 'watch.measurement', 'watch.measurement', 'watch.stop']);
  });
});
