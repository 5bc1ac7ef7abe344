/**
 * Two people changing one item's state at the same moment (`d` in one
 * terminal, `f` in another), or one of them offline: neither saw the other's
 * change. The rule, stated once (README "Team mode: conflicts"):
 *
 *   the more cautious state stays: failed > pending > skipped > n/a > done > verified.
 *
 * The result does not depend on whose change reached the database first, a
 * "failed" is never silently buried under a "done", and both changes stay in
 * the event log with an `item.conflict` event that names both people, both
 * states, the time between them and the state that stayed.
 */
import type { ItemState, Session } from './schema.js';

/** Most cautious first. */
const CAUTION: readonly ItemState[] = ['failed', 'pending', 'skipped', 'na', 'done', 'verified'];

/** The state that stays when `a` and `b` meet on one item. */
export function moreCautious(a: ItemState, b: ItemState): ItemState {
  return CAUTION.indexOf(a) <= CAUTION.indexOf(b) ? a : b;
}

/** What an `item.conflict` event records (the event's `who`/`at` are the later-saved change's). */
export interface ItemConflict {
  /** The person whose change was already in the store. */
  other: string;
  otherState: ItemState;
  otherAt: string;
  /** The state the later-saved change asked for. */
  state: ItemState;
  /** The state that stayed. */
  kept: ItemState;
}

/**
 * How `who`'s change of `itemId` to `state`, made while their screen showed
 * `seen`, lands on `session`: applied or not, and the conflict when someone
 * else changed the item meanwhile. No conflict when nothing was seen (the file
 * store), the item is still as they saw it, the same state is asked, or the
 * other change is their own. A change to the state they already saw changed
 * nothing they could see: it keeps what is there (so the rule stays
 * independent of the order the two changes are saved in).
 */
export function mergeItemState(
  session: Session,
  itemId: string,
  state: ItemState,
  seen: ItemState | undefined,
  who: string,
): { apply: boolean; conflict?: ItemConflict } {
  const cur = session.items[itemId];
  if (seen === undefined || !cur || cur.state === seen || cur.state === state) return { apply: true };
  if (state === seen) return { apply: false };
  const last = lastStateChange(session, itemId);
  const other = last?.who ?? cur.updatedBy;
  if (other === who) return { apply: true };
  const kept = moreCautious(cur.state, state);
  return { apply: kept === state, conflict: { other, otherState: cur.state, otherAt: last?.at ?? cur.updatedAt, state, kept } };
}

function lastStateChange(session: Session, itemId: string): Session['events'][number] | undefined {
  for (let i = session.events.length - 1; i >= 0; i--) {
    const e = session.events[i];
    if (e.what === 'item.state' && e.itemId === itemId) return e;
  }
  return undefined;
}

const LABEL: Record<ItemState, string> = { failed: 'failed', pending: 'pending', skipped: 'skipped', na: 'n/a', done: 'done', verified: 'verified' };

/** Seconds between two ISO times, one decimal ("0.2 s"). */
function gap(a: string, b: string): string {
  return `${(Math.abs(Date.parse(a) - Date.parse(b)) / 1000).toFixed(1)} s`;
}

/**
 * The line for one conflict, as `viewer` should read it: for either person
 * "Bob marked it failed 0.2 s after you marked it done; failed stays (…)",
 * for anyone else both names.
 */
export function describeConflict(c: ItemConflict, who: string, at: string, viewer: string | undefined, item?: string): string {
  const it = item ? `"${item}"` : 'it';
  const rule = `${LABEL[c.kept]} stays (the more cautious state wins)`;
  // Each side's time: the later one is "after".
  const whoLater = Date.parse(at) >= Date.parse(c.otherAt);
  if (viewer === c.other) {
    return `${who} marked ${it} ${LABEL[c.state]} ${gap(at, c.otherAt)} ${whoLater ? 'after' : 'before'} you marked it ${LABEL[c.otherState]}; ${rule}`;
  }
  if (viewer === who) {
    return `${c.other} marked ${it} ${LABEL[c.otherState]} ${gap(at, c.otherAt)} ${whoLater ? 'before' : 'after'} you marked it ${LABEL[c.state]}; ${rule}`;
  }
  return `${who} marked ${it} ${LABEL[c.state]} ${gap(at, c.otherAt)} ${whoLater ? 'after' : 'before'} ${c.other} marked it ${LABEL[c.otherState]}; ${rule}`;
}
