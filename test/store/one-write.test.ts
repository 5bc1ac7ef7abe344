/** A probe result and the verdict it completes are one change: one write, the item's state with its evidence. */
import { describe, expect, it } from 'vitest';
import { makeStore } from '../ui/store-helpers.js';

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;
const monitoring = 'pre-deployment/monitoring';

describe('probe result + verdict: one change', () => {
  it('a failing probe saves its result and the failed state in one change (two events in the log)', async () => {
    const { store, session } = makeStore({ script: () => ({ status: 'fail', summary: 'HTTP 503' }) });
    store.getState().openSection(db, health);
    await store.getState().runItemProbes();
    await store.getState().flush();
    const probeChanges = session.changes.filter((c) => c.type !== 'cursor');
    expect(probeChanges).toHaveLength(1);
    expect(probeChanges[0]).toMatchObject({ type: 'probe.result', state: 'failed', result: { status: 'fail', itemId: health } });
    expect(session.current().items[health]).toMatchObject({ state: 'failed', probes: [{ status: 'fail', summary: 'HTTP 503' }] });
    expect(session.current().events.slice(-2).map((e) => `${e.what} ${e.detail}`)).toEqual(['probe.result http fail: HTTP 503', 'item.state failed']);
  });

  it('a section run: one change per result, the verdict riding on each item\'s last one; no verdict when it does not change the state', async () => {
    const { store, session } = makeStore({ script: (job) => (job.spec.kind === 'prometheus' ? { status: 'pass' } : { status: 'warn' }) });
    store.getState().openSection(monitoring);
    await store.getState().runSectionProbes();
    await store.getState().flush();
    const results = session.changes.filter((c) => c.type === 'probe.result');
    expect(session.changes.filter((c) => c.type === 'item.state')).toEqual([]);
    expect(results.map((c) => (c.type === 'probe.result' ? [c.result.kind, c.state] : []))).toEqual([
      ['prometheus', 'verified'],
      ['baseline', undefined], // warn leaves the state to the operator
    ]);
    await store.getState().runSectionProbes();
    await store.getState().flush();
    const again = session.changes.filter((c) => c.type === 'probe.result').slice(2);
    expect(again.map((c) => (c.type === 'probe.result' ? c.state : 'x'))).toEqual([undefined, undefined]); // already verified
  });
});

describe('a completed (read-only) session', () => {
  it('is not written by moving around in it: no change, the same updatedAt', async () => {
    const { store, session } = makeStore({ session: { status: 'completed', updatedAt: '2026-11-30T10:00:00.000Z' } });
    store.getState().openSection(db);
    store.getState().moveItem(1);
    store.getState().openSection(monitoring);
    await store.getState().flush();
    expect(session.changes).toEqual([]);
    expect(session.current().updatedAt).toBe('2026-11-30T10:00:00.000Z');
    // The screen still follows the cursor.
    expect(store.getState().cursor.sectionId).toBe(monitoring);
  });
});
