/** What the operator says about an item: its state (with a reason when it needs one) and notes. */
import type { StateCreator } from 'zustand/vanilla';
import type { ItemState } from '../session/schema.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { itemState } from './progress.js';

export interface ItemsSlice {
  /** What the reason form asks for: a skip, or a failed item marked otherwise (done, n/a). */
  reasonFor?: 'skipped' | 'done' | 'na';
  mark(state: Exclude<ItemState, 'skipped'>): Promise<void>;
  skip(reason: string): Promise<void>;
  note(text: string): Promise<void>;
}

export const itemsSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], ItemsSlice> =>
  (set, get) => ({
    async mark(state) {
      const it = ctx.currentItem();
      if (!it) {
        set({ error: 'no item selected' });
        return;
      }
      set({ error: undefined });
      // A failed item marked done or n/a needs a reason (asked in the reason form, recorded in the event).
      if ((state === 'done' || state === 'na') && itemState(get().session, it.id) === 'failed') {
        get().openScreen('skip-reason');
        set({ reasonFor: state });
        return;
      }
      // Shown once saved: what the screen shows is on disk (a kill right after it cannot take it back).
      await ctx.applyNow({ type: 'item.state', itemId: it.id, state, override: ctx.isOverride(it.id, state) }, { shown: 'saved' });
    },
    async skip(reason) {
      const it = ctx.currentItem();
      const why = reason.trim();
      if (!it) return;
      const state = get().reasonFor ?? 'skipped';
      if (!why) {
        set({ error: state === 'skipped' ? 'a reason is required to skip an item' : `a reason is required to mark a failed item ${state === 'na' ? 'n/a' : state}` });
        return;
      }
      set({ screen: get().back, error: undefined, reasonFor: undefined });
      await ctx.applyNow({ type: 'item.state', itemId: it.id, state, reason: why, override: ctx.isOverride(it.id, state) }, { shown: 'saved' });
    },
    async note(text) {
      const it = ctx.currentItem();
      if (!it) return;
      set({ screen: get().back });
      await ctx.applyNow({ type: 'item.note', itemId: it.id, note: text.trim() }, { shown: 'saved' });
    },
  });
