/** Where the operator is: the screen, the cursor, the overview's highlight, and the one-line messages. */
import type { StateCreator } from 'zustand/vanilla';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { commandAt } from './commands-slice.js';
import { commandChoices } from './command-plan.js';

type Screen =
  | 'resume-picker'
  | 'overview'
  | 'section'
  | 'help'
  | 'detail'
  | 'note-editor'
  | 'skip-reason'
  | 'set-variable'
  | 'command-confirm'
  | 'emergency'
  | 'signoff'
  | 'watch'
  | 'announce';

export interface NavigationSlice {
  screen: Screen;
  /** Where help and the forms return to. */
  back: Screen;
  /** Current position (persisted as a `cursor` change). */
  cursor: { sectionId: string; itemId?: string };
  /** Highlighted section on the overview. */
  overviewSectionId: string;
  error?: string;
  notice?: string;
  exit?: 'quit' | 'interrupt';
  /** Move the item cursor within the section (clamped). */
  moveItem(delta: number): void;
  /** Open the previous/next section in walk order. */
  moveSection(delta: number): void;
  /** Move the highlight on the overview. */
  moveOverview(delta: number): void;
  /** Open a section (default: the highlighted one) at its first item or the saved one. */
  openSection(sectionId?: string, itemId?: string): void;
  showOverview(): void;
  /** Jump to the Rollback Procedures section named by the banner. */
  jumpToRollback(): void;
  /** Open a help/form screen; `closeScreen` returns to where it came from. */
  openScreen(screen: Screen): void;
  closeScreen(): void;
  dismiss(): void;
}

const SCREENS_WITH_BACK: Screen[] = ['help', 'detail', 'note-editor', 'skip-reason', 'set-variable', 'command-confirm', 'emergency', 'signoff', 'announce'];

export const navigationSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], NavigationSlice> =>
  (set, get) => {
    const { checklist, sections, sectionById } = ctx;
    // A new session starts where the first item is (not on a title-only heading).
    const first = sectionById.get(checklist.items[0]?.sectionId ?? '') ?? sections[0] ?? checklist.sections[0];
    const saved = ctx.session.current().cursor;
    const savedSection = saved.sectionId && sectionById.has(saved.sectionId) ? saved.sectionId : undefined;
    const startSection = savedSection ?? first?.id ?? '';
    const startItem =
      savedSection && saved.itemId && sectionById.get(savedSection)!.itemIds.includes(saved.itemId)
        ? saved.itemId
        : sectionById.get(startSection)?.itemIds[0];

    return {
      screen: savedSection ? 'section' : 'overview',
      back: 'overview',
      cursor: { sectionId: startSection, itemId: startItem },
      overviewSectionId: startSection,
      notice: ctx.deps.notice,

      moveItem(delta) {
        const s = ctx.section();
        if (!s || s.itemIds.length === 0) return;
        const i = Math.max(0, s.itemIds.indexOf(get().cursor.itemId ?? ''));
        const next = Math.min(s.itemIds.length - 1, Math.max(0, i + delta));
        if (s.itemIds[next] !== get().cursor.itemId) ctx.setCursor(s.id, s.itemIds[next]);
      },
      moveSection(delta) {
        const i = sections.findIndex((s) => s.id === get().cursor.sectionId);
        const next = sections[Math.min(sections.length - 1, Math.max(0, i + delta))];
        if (next && next.id !== get().cursor.sectionId) get().openSection(next.id);
      },
      moveOverview(delta) {
        const all = checklist.sections;
        const i = all.findIndex((s) => s.id === get().overviewSectionId);
        const next = all[Math.min(all.length - 1, Math.max(0, i + delta))];
        if (next) set({ overviewSectionId: next.id });
      },
      openSection(sectionId, itemId) {
        let id = sectionId ?? get().overviewSectionId;
        // A heading with nothing of its own opens its first walkable descendant.
        const target = sectionById.get(id);
        if (target && !sections.includes(target)) {
          const idx = checklist.sections.indexOf(target);
          const after = checklist.sections.slice(idx).find((s) => sections.includes(s));
          if (after) id = after.id;
        }
        const s = sectionById.get(id);
        if (!s) return;
        const same = get().cursor.sectionId === id;
        const keep = same ? get().cursor.itemId : undefined;
        const item = itemId ?? keep ?? s.itemIds[0];
        // The last run's summary belongs to the section it ran in.
        set({ screen: 'section', error: undefined, ...(same ? {} : { lastRun: undefined }) });
        ctx.setCursor(id, item);
      },
      showOverview() {
        set({ screen: 'overview', overviewSectionId: get().cursor.sectionId, error: undefined });
      },
      jumpToRollback() {
        const target = get().banner?.sectionId;
        if (!target) {
          set({ error: 'this checklist has no Rollback Procedures section' });
          return;
        }
        get().openSection(target);
      },
      openScreen(screen) {
        const cur = get().screen;
        if (screen === cur) return;
        if (screen === 'command-confirm') {
          const blocks = commandChoices(ctx.section());
          if (blocks.length === 0) {
            set({ error: 'this section has no command blocks to run' });
            return;
          }
          set({ command: commandAt(ctx, 0, get().session) });
          // Before a block that calls kubectl, its context shows while the operator reads the block.
          void get().lookUpKubeContext();
        }
        if ((screen === 'note-editor' || screen === 'skip-reason' || screen === 'detail') && !ctx.currentItem()) {
          set({ error: 'no item selected' });
          return;
        }
        const back = SCREENS_WITH_BACK.includes(cur) ? get().back : cur;
        set({ screen, back, error: undefined, ...(screen === 'skip-reason' ? { reasonFor: 'skipped' as const } : {}) });
      },
      closeScreen() {
        if (get().command?.running) return;
        set({ screen: get().back, command: undefined });
      },
      dismiss() {
        set({ notice: undefined, error: undefined });
      },
    };
  };
