/** The record of a refused change: the one write a completed session accepts, with who, when, what and why. */
import { describe, expect, it } from 'vitest';
import { applyChange, ChangeRefused, type Change } from '../../src/session/changes.js';
import { SCHEMA_VERSION, SessionSchema, type Session } from '../../src/session/schema.js';
import { describeChange, refusalRecord } from '../../src/session/refused.js';

function completed(): Session {
  const s = SessionSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    id: 'production-20261126-1400-abcd',
    checklist: { path: 'c.md', hash: 'h', title: 'T' },
    environment: 'production',
    operators: ['alice', 'bob'],
    status: 'active',
    createdAt: '2026-11-26T14:00:00.000Z',
    updatedAt: '2026-11-26T14:00:00.000Z',
    cursor: {},
    items: { a: { state: 'pending', probes: [], updatedAt: '2026-11-26T14:00:00.000Z', updatedBy: 'alice' } },
    events: [],
    incidents: [],
    signoff: { notes: '', nextSteps: '', signatures: [] },
  });
  return applyChange(s, { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'test' }, { who: 'alice', at: '2026-11-26T15:00:00.000Z' });
}

describe('change.refused', () => {
  const refused: Change = { type: 'item.state', itemId: 'a', state: 'failed' };

  it('a completed session refuses the change itself but records its refusal: who, when made, what, why', () => {
    const s = completed();
    expect(() => applyChange(s, refused, { who: 'bob' })).toThrow(ChangeRefused);
    const next = applyChange(
      s,
      refusalRecord({ changeId: 'c1', who: 'bob', at: '2026-11-26T14:59:00.000Z', change: refused, why: 'session was completed by alice' }),
      { who: 'bob', at: '2026-11-26T15:01:00.000Z' },
    );
    expect(next.status).toBe('completed');
    expect(next.items.a.state).toBe('pending');
    expect(next.events.at(-1)).toEqual({
      at: '2026-11-26T15:01:00.000Z',
      who: 'bob',
      what: 'change.refused',
      itemId: 'a',
      detail: 'item a marked failed, made 2026-11-26T14:59:00.000Z — refused: session was completed by alice',
    });
    expect(SessionSchema.safeParse(next).success).toBe(true);
  });

  it('describes changes with the checklist text when given', () => {
    expect(describeChange({ type: 'item.note', itemId: 'a', note: 'disk full' }, () => 'Backups verified')).toBe('note on "Backups verified": "disk full"');
    expect(describeChange({ type: 'signoff.sign', role: 'Tech Lead', signature: 's', fingerprint: 'f' })).toBe('signature for Tech Lead');
  });
});
