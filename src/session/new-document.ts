/** The document every new session starts from, in any store. */
import { SCHEMA_VERSION, type Session } from './schema.js';
import type { NewSession } from './store.js';

/** A fresh document: every item pending, cursor on the first item, event session.start. */
export function newSessionDocument(id: string, init: NewSession, at = new Date().toISOString()): Session {
  const who = init.operator;
  const items: Session['items'] = {};
  for (const itemId of init.checklist.itemIds) items[itemId] = { state: 'pending', probes: [], updatedAt: at, updatedBy: who };
  return {
    schemaVersion: SCHEMA_VERSION,
    id,
    checklist: { path: init.checklist.path, hash: init.checklist.hash, title: init.checklist.title },
    environment: init.environment,
    operators: [who],
    status: 'active',
    createdAt: at,
    updatedAt: at,
    cursor: { itemId: init.checklist.itemIds[0] },
    items,
    events: [{ at, who, what: 'session.start', detail: `${init.environment}: ${init.checklist.title}` }],
    incidents: [],
    signoff: { notes: '', nextSteps: '', signatures: [], ...(init.checklist.policy ? { policy: init.checklist.policy } : {}) },
  };
}
