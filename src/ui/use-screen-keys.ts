/**
 * The one input listener for the navigation screens (overview, section, help,
 * sign-off placeholder): maps keys to store actions through the key tables.
 * Forms have their own hooks; `isActive` keeps exactly one listening.
 */
import { useInput } from 'ink';
import type { WizardStore } from '../store/wizard-store.js';
import { HELP_KEYS, OVERVIEW_KEYS, SECTION_KEYS, SIGNOFF_PLACEHOLDER_KEYS, isCtrlC, matches, type KeyBinding } from './keymap.js';
import { useWizard } from './use-wizard.js';

const TABLES: Partial<Record<string, KeyBinding[]>> = {
  overview: OVERVIEW_KEYS,
  section: SECTION_KEYS,
  help: HELP_KEYS,
};

/** Key table of a screen, or undefined for screens with their own input. */
export function tableFor(screen: string, signoffPlaceholder: boolean): KeyBinding[] | undefined {
  if (screen === 'signoff') return signoffPlaceholder ? SIGNOFF_PLACEHOLDER_KEYS : undefined;
  return TABLES[screen];
}

export function useScreenKeys(store: WizardStore, signoffPlaceholder: boolean): void {
  const screen = useWizard(store, (s) => s.screen);
  const exiting = useWizard(store, (s) => Boolean(s.exit));
  const table = tableFor(screen, signoffPlaceholder);
  useInput(
    (input, key) => {
      const s = store.getState();
      if (isCtrlC(input, key)) return void s.interrupt();
      // Keys typed quickly (or sent by a script) can arrive as one chunk: handle each.
      const chunks = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
      for (const ch of chunks) {
        const st = store.getState();
        const b = tableFor(st.screen, signoffPlaceholder)?.find((x) => matches(x, ch, key));
        if (!b) continue;
        if (st.notice || st.error) st.dismiss();
        b.run(store.getState());
      }
    },
    { isActive: Boolean(table) && !exiting },
  );
}
