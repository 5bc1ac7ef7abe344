/** What the operator says about an item: its state (with a reason when it needs one) and notes. */
import type { StateCreator } from 'zustand/vanilla';
import type { ItemState } from '../session/schema.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { itemState } from './progress.js';

export interface ItemsSlice {
  /** What the reason form asks for: a skip, a failed item marked otherwise (done, n/a), or the rest of the section n/a. */
  reasonFor?: 'skipped' | 'done' | 'na' | 'section';
  mark(state: Exclude<ItemState, 'skipped'>): Promise<void>;
  /** Ask one reason, then mark every item of the section still pending n/a with it (N). */
  settleSection(): void;
  skip(reason: string): Promise<void>;
  note(text: string): Promise<void>;
}

export const itemsSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], ItemsSlice> =>
  (set, get) => {
    /**
     * After an item is settled, the cursor goes to the next item of its
     * section (if the cursor is still on it). Not when the change could not be
     * saved: the cursor stays on what the NOT SAVED line is about.
     */
    const moveOn = (itemId: string) => {
      if (get().cursor.itemId !== itemId || get().screen !== 'section' || get().unsaved) return;
      get().moveItem(1);
      const to = get().cursor.itemId;
      movedOn = to && to !== itemId ? { from: itemId, to } : undefined;
    };
    /** The last mark that moved the cursor on: `u` right after it undoes that mark, not the next item's. */
    let movedOn: { from: string; to: string } | undefined;
    /**
     * Marks run one after another: a mark shows once saved and then moves on,
     * so a second key typed while the first is being saved must wait for the
     * move, or it would act on the item already marked (`d d d` marks three items).
     */
    let inFlight: Promise<unknown> | undefined;
    const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
      // Nothing in flight: at once (the same turn of the event loop, as before); else after the one before.
      const next = inFlight ? inFlight.then(work, work) : work();
      const settled = next.catch(() => undefined);
      inFlight = settled;
      void settled.then(() => {
        if (inFlight === settled) inFlight = undefined;
      });
      return next;
    };
    const markNow = async (state: Exclude<ItemState, 'skipped'>): Promise<void> => {
      const it = ctx.currentItem();
      if (!it) {
        set({ error: 'no item selected' });
        return;
      }
      set({ error: undefined });
      if (state === 'pending' && itemState(get().session, it.id) === 'pending') {
        // `u` on a pending item: right after a mark moved on, it is that mark being undone (back to its item);
        // otherwise there is nothing to undo, and the screen says so rather than nothing.
        const back = movedOn?.to === it.id ? movedOn.from : undefined;
        movedOn = undefined;
        if (!back || itemState(get().session, back) === 'pending') return void set({ error: 'nothing to undo: this item is pending' });
        get().moveItem(-1);
        if (get().cursor.itemId !== back) return void set({ error: 'nothing to undo: this item is pending' });
        await ctx.applyNow({ type: 'item.state', itemId: back, state, override: ctx.isOverride(back, state) }, { shown: 'saved' });
        return;
      }
      movedOn = undefined;
      // A failed item marked done or n/a needs a reason (asked in the reason form, recorded in the event).
      if ((state === 'done' || state === 'na') && itemState(get().session, it.id) === 'failed') {
        get().openScreen('skip-reason');
        set({ reasonFor: state });
        return;
      }
      // Shown once saved: what the screen shows is on disk (a kill right after it cannot take it back).
      const refused = await ctx.applyNow({ type: 'item.state', itemId: it.id, state, override: ctx.isOverride(it.id, state) }, { shown: 'saved' });
      // Settled: on to the next item, as a paper checklist is read (undo stays put).
      if (!refused && state !== 'pending') moveOn(it.id);
    };
    const skipNow = async (reason: string): Promise<void> => {
      const it = ctx.currentItem();
      const why = reason.trim();
      const state = get().reasonFor ?? 'skipped';
      if (state === 'section') {
        const section = ctx.section();
        if (!section) return;
        if (!why) return void set({ error: 'a reason is required to mark the rest of a section n/a' });
        set({ screen: get().back, error: undefined, reasonFor: undefined });
        await ctx.applyNow({ type: 'section.settle', sectionId: section.id, state: 'na', reason: why, itemIds: section.itemIds }, { shown: 'saved' });
        return;
      }
      if (!it) return;
      if (!why) {
        set({ error: state === 'skipped' ? 'a reason is required to skip an item' : `a reason is required to mark a failed item ${state === 'na' ? 'n/a' : state}` });
        return;
      }
      set({ screen: get().back, error: undefined, reasonFor: undefined });
      const refused = await ctx.applyNow({ type: 'item.state', itemId: it.id, state, reason: why, override: ctx.isOverride(it.id, state) }, { shown: 'saved' });
      if (!refused) moveOn(it.id);
    };
    return {
      mark(state) {
        return inTurn(() => markNow(state));
      },
      skip(reason) {
        return inTurn(() => skipNow(reason));
      },
      settleSection() {
        const section = ctx.section();
        const pending = section?.itemIds.filter((id) => itemState(get().session, id) === 'pending') ?? [];
        if (!section || pending.length === 0) {
          set({ error: 'nothing is pending in this section: there is nothing to mark n/a' });
          return;
        }
        set({ error: undefined });
        get().openScreen('skip-reason');
        set({ reasonFor: 'section' });
      },
      async note(text) {
        const it = ctx.currentItem();
        if (!it) return;
        set({ screen: get().back });
        await ctx.applyNow({ type: 'item.note', itemId: it.id, note: text.trim() }, { shown: 'saved' });
      },
    };
  };
