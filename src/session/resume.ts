/** What `resume` needs on top of the store: bring an open session up to date with the checklist. */
import type { OpenSession } from './store.js';
import { reconcile, type ChecklistShape } from './reconcile.js';

/**
 * Reconcile an open session with the checklist as it is now and persist the
 * result (one `checklist.reconcile` change). Returns the added and removed ids
 * to show the operator; both empty when nothing changed (and nothing is written).
 * The change also stores the checklist's sign-off policy when the session has
 * none (an older file) or another one.
 */
export async function reconcileOpenSession(open: OpenSession, checklist: ChecklistShape): Promise<{ added: string[]; removed: string[] }> {
  // A completed session is read-only: it keeps the checklist it was signed against until someone reopens it.
  if (open.current().status === 'completed') return { added: [], removed: [] };
  const preview = reconcile(open.current(), checklist, 'preview');
  if (preview.session === open.current()) return { added: [], removed: [] };
  await open.apply({ type: 'checklist.reconcile', hash: checklist.hash, items: checklist.items.map(({ id, sectionId }) => ({ id, sectionId })), policy: checklist.policy });
  return { added: preview.added, removed: preview.removed };
}
