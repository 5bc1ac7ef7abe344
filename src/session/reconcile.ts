/**
 * Reconciliation on resume when the checklist changed since the session was
 * started. Items are matched by id: new ids become pending, the states of the
 * rest are kept, and removed ids are moved to `removedItems` (kept for the
 * record, not counted in progress, restored if the item comes back).
 */
import type { Session } from './schema.js';
import { canonicalJson, type SignoffPolicy } from './signoff.js';

/** What reconciliation needs of a checklist: its items, and its sign-off policy (signoffPolicy(checklist)) when the caller has it. */
export interface ChecklistShape {
  hash: string;
  items: ReadonlyArray<{ id: string; sectionId?: string }>;
  policy?: SignoffPolicy;
}

export interface Reconciled {
  session: Session;
  /** Ids new in the checklist (pending now, or restored from removedItems). */
  added: string[];
  /** Ids the checklist no longer has, moved to removedItems. */
  removed: string[];
}

/** Reconcile `session` with `checklist`; pure (the input is not mutated). */
export function reconcile(session: Session, checklist: ChecklistShape, who: string, at: string = new Date().toISOString()): Reconciled {
  const wanted = new Set(checklist.items.map((i) => i.id));
  const added = checklist.items.map((i) => i.id).filter((id) => !(id in session.items));
  const removed = Object.keys(session.items).filter((id) => !wanted.has(id));
  // The sign-off policy is the checklist's: stored when the session has none or an older one.
  const policyChanged = checklist.policy !== undefined && canonicalJson(checklist.policy) !== canonicalJson(session.signoff.policy ?? null);
  if (!added.length && !removed.length && checklist.hash === session.checklist.hash && !policyChanged) return { session, added, removed };

  const s: Session = structuredClone(session);
  const parked = { ...(s.removedItems ?? {}) };
  for (const id of removed) {
    parked[id] = s.items[id];
    delete s.items[id];
  }
  for (const id of added) {
    s.items[id] = parked[id] ?? { state: 'pending', probes: [], updatedAt: at, updatedBy: who };
    delete parked[id];
  }
  s.removedItems = Object.keys(parked).length ? parked : undefined;

  // A cursor on a removed item moves to the first item still pending (or the first item).
  if (s.cursor.itemId && !wanted.has(s.cursor.itemId)) {
    const next = checklist.items.find((i) => s.items[i.id]?.state === 'pending') ?? checklist.items[0];
    s.cursor = next ? { sectionId: next.sectionId, itemId: next.id } : {};
  }

  s.checklist = { ...s.checklist, hash: checklist.hash };
  if (policyChanged) s.signoff = { ...s.signoff, policy: checklist.policy };
  s.updatedAt = at;
  const list = (ids: string[]) => (ids.length ? `: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}` : '');
  const itemsChanged = added.length || removed.length || checklist.hash !== session.checklist.hash;
  if (itemsChanged) s.reconciliation = { at, added, removed };
  const what = [
    ...(itemsChanged ? [`checklist changed; ${added.length} added${list(added)}; ${removed.length} removed${list(removed)}`] : []),
    ...(policyChanged ? [`sign-off policy stored: roles ${checklist.policy!.roles.join(', ')}`] : []),
  ];
  s.events.push({ at, who, what: 'checklist.reconcile', detail: what.join('; ') });
  return { session: s, added, removed };
}
