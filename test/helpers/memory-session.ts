/**
 * An in-memory OpenSession for tests: the same pure applyChange the real
 * stores use, no disk, no lock. `changes` records what the store asked for.
 */
import { applyChange, type Change } from '../../src/session/changes.js';
import { SCHEMA_VERSION, type Session } from '../../src/session/schema.js';
import type { OpenSession } from '../../src/session/store.js';
import type { Checklist } from '../../src/checklist/types.js';

export interface MemorySession extends OpenSession {
  changes: Change[];
  closed: boolean;
  /** Another terminal's change (team mode): applied as `who` and announced to subscribers as theirs. */
  remote(change: Change, who: string): void;
}

/** A fresh session document for a checklist (every item pending). */
export function newSessionDoc(checklist: Checklist, over: Partial<Session> = {}): Session {
  const at = '2026-11-26T10:00:00.000Z';
  return {
    schemaVersion: SCHEMA_VERSION,
    id: 'mem-1',
    checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title },
    environment: 'production',
    operators: ['alice'],
    status: 'active',
    createdAt: at,
    updatedAt: at,
    cursor: {},
    items: Object.fromEntries(
      checklist.items.map((i) => [i.id, { state: 'pending' as const, probes: [], updatedAt: at, updatedBy: 'alice' }]),
    ),
    events: [],
    incidents: [],
    signoff: { notes: '', nextSteps: '', signatures: [] },
    ...over,
  };
}

/** `now` stamps each change (tests pin it so nothing depends on today's date). */
export function createMemorySession(initial: Session, who = 'alice', now: () => number = Date.now): MemorySession {
  let doc = initial;
  const listeners = new Set<(s: Session, by: string) => void>();
  const self: MemorySession = {
    id: initial.id,
    changes: [],
    closed: false,
    current: () => doc,
    async apply(change: Change) {
      self.changes.push(change);
      doc = applyChange(doc, change, { who, at: new Date(now()).toISOString() });
      for (const l of listeners) l(doc, who);
      return doc;
    },
    remote(change, by) {
      doc = applyChange(doc, change, { who: by, at: new Date(now()).toISOString() });
      for (const l of listeners) l(doc, by);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      self.closed = true;
    },
  };
  return self;
}
