/** Reconciliation on resume: items matched by id, added and removed reported, other states kept. */
import { describe, expect, test } from 'vitest';
import { applyChange } from '../../src/session/changes.js';
import { createFileStore } from '../../src/session/file-store.js';
import { newSessionDocument } from '../../src/session/new-document.js';
import { reconcile } from '../../src/session/reconcile.js';
import { reconcileOpenSession } from '../../src/session/resume.js';
import type { Session } from '../../src/session/schema.js';
import { summarize } from '../../src/session/summary.js';
import { newSession, tempDir } from './helpers.js';

const items = (...ids: string[]) => ids.map((id) => ({ id, sectionId: id.split('.')[0] }));

/** A session with every kind of state, a note, a probe result and a skip reason. */
function worked(): Session {
  let s = newSessionDocument('production-20261126-1400-abcd', newSession(['pre.a', 'pre.b', 'pre.c', 'post.d', 'post.e']), '2026-11-26T14:00:00.000Z');
  const who = { who: 'alice', at: '2026-11-26T14:05:00.000Z' };
  s = applyChange(s, { type: 'item.state', itemId: 'pre.a', state: 'verified' }, who);
  s = applyChange(s, { type: 'item.state', itemId: 'pre.b', state: 'skipped', reason: 'no staging' }, who);
  s = applyChange(s, { type: 'item.note', itemId: 'pre.b', note: 'ask Bob' }, who);
  s = applyChange(s, { type: 'item.state', itemId: 'pre.c', state: 'failed' }, who);
  s = applyChange(s, { type: 'probe.result', result: { kind: 'http', itemId: 'post.d', spec: 'http url=x', status: 'pass', summary: '200', evidence: ['HTTP 200'], durationMs: 12, at: who.at } }, who);
  s = applyChange(s, { type: 'item.state', itemId: 'post.d', state: 'done' }, who);
  s = applyChange(s, { type: 'cursor', sectionId: 'pre', itemId: 'pre.c' }, who);
  return s;
}

describe('reconcile', () => {
  test('gained and lost items: new ones pending, removed ones parked, every other state kept', () => {
    const before = worked();
    const frozen = structuredClone(before);
    const r = reconcile(before, { hash: 'hash-2', items: items('pre.a', 'pre.b', 'pre.new', 'post.d', 'post.e', 'post.new2') }, 'bob', '2026-11-26T15:00:00.000Z');
    expect(before).toEqual(frozen); // pure
    expect(r.added).toEqual(['pre.new', 'post.new2']);
    expect(r.removed).toEqual(['pre.c']);
    const s = r.session;
    for (const id of ['pre.a', 'pre.b', 'post.d', 'post.e']) expect(s.items[id]).toEqual(before.items[id]);
    expect(s.items['pre.new']).toMatchObject({ state: 'pending', updatedBy: 'bob' });
    expect(s.items['pre.c']).toBeUndefined();
    expect(s.removedItems).toEqual({ 'pre.c': before.items['pre.c'] });
    expect(s.checklist.hash).toBe('hash-2');
    expect(s.reconciliation).toEqual({ at: '2026-11-26T15:00:00.000Z', added: ['pre.new', 'post.new2'], removed: ['pre.c'] });
    expect(s.events.at(-1)).toMatchObject({ who: 'bob', what: 'checklist.reconcile', detail: 'checklist changed; 2 added: pre.new, post.new2; 1 removed: pre.c' });
    // Removed items are not counted: 3 of 6 items are settled (not pending).
    expect(summarize(s)).toMatchObject({ settled: 3, total: 6 });
    // The cursor was on the removed item: it moves to the first pending one.
    expect(s.cursor).toEqual({ sectionId: 'pre', itemId: 'pre.new' });
    // Everything else is as it was.
    expect({ ...s, items: undefined, removedItems: undefined, checklist: undefined, reconciliation: undefined, events: undefined, cursor: undefined, updatedAt: undefined })
      .toEqual({ ...before, items: undefined, checklist: undefined, events: undefined, cursor: undefined, updatedAt: undefined });
  });

  test('an item that comes back gets its old record back', () => {
    const s1 = reconcile(worked(), { hash: 'h2', items: items('pre.a', 'pre.b', 'post.d', 'post.e') }, 'bob').session;
    const s2 = reconcile(s1, { hash: 'h3', items: items('pre.a', 'pre.b', 'pre.c', 'post.d', 'post.e') }, 'bob');
    expect(s2.added).toEqual(['pre.c']);
    expect(s2.session.items['pre.c'].state).toBe('failed');
    expect(s2.session.removedItems).toBeUndefined();
  });

  test('the same checklist changes nothing and records nothing', () => {
    const s = worked();
    const r = reconcile(s, { hash: s.checklist.hash, items: items('pre.a', 'pre.b', 'pre.c', 'post.d', 'post.e') }, 'bob');
    expect(r).toEqual({ session: s, added: [], removed: [] });
    expect(r.session).toBe(s);
  });

  test('a resumed session on disk, after the checklist gained and lost items, keeps every other state', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession(['pre.a', 'pre.b', 'pre.c']));
    await s.apply({ type: 'item.state', itemId: 'pre.a', state: 'done' });
    await s.apply({ type: 'item.state', itemId: 'pre.b', state: 'skipped', reason: 'n/a here' });
    await s.close();

    const resumed = await store.open(s.id, 'bob');
    expect(await reconcileOpenSession(resumed, { hash: 'hash-2', items: items('pre.a', 'pre.b', 'pre.d') })).toEqual({ added: ['pre.d'], removed: ['pre.c'] });
    // A second resume with the same checklist reports nothing and writes nothing.
    const events = resumed.current().events.length;
    expect(await reconcileOpenSession(resumed, { hash: 'hash-2', items: items('pre.a', 'pre.b', 'pre.d') })).toEqual({ added: [], removed: [] });
    expect(resumed.current().events.length).toBe(events);
    await resumed.close();

    const doc = await store.read(s.id);
    expect(doc.items['pre.a'].state).toBe('done');
    expect(doc.items['pre.b']).toMatchObject({ state: 'skipped', reason: 'n/a here' });
    expect(doc.items['pre.d'].state).toBe('pending');
    expect(doc.removedItems?.['pre.c']?.state).toBe('pending');
    expect(doc.reconciliation).toMatchObject({ added: ['pre.d'], removed: ['pre.c'] });
    expect(doc.checklist.hash).toBe('hash-2');
  });
});
