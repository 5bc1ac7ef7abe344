/**
 * The one input listener for the navigation screens (overview, section, help): maps keys to store actions through the key tables.
 * Forms have their own hooks; `isActive` keeps exactly one listening.
 */
import { useInput } from 'ink';
import type { WizardStore } from '../store/wizard-store.js';
import { ANNOUNCE_KEYS, HELP_KEYS, OVERVIEW_KEYS, SECTION_KEYS, WATCH_KEYS, isCtrlC, matches, type KeyBinding } from './keymap.js';
import { useWizard } from './use-wizard.js';

const TABLES: Partial<Record<string, KeyBinding[]>> = {
  overview: OVERVIEW_KEYS,
  section: SECTION_KEYS,
  help: HELP_KEYS,
  watch: WATCH_KEYS,
  announce: ANNOUNCE_KEYS,
};

/** Key table of a screen, or undefined for screens with their own input (forms, sign-off). */
function tableFor(screen: string): KeyBinding[] | undefined {
  return TABLES[screen];
}

export function useScreenKeys(store: WizardStore): void {
  const screen = useWizard(store, (s) => s.screen);
  const exiting = useWizard(store, (s) => Boolean(s.exit));
  const table = tableFor(screen);
  useInput(
    (input, key) => {
      const s = store.getState();
      if (isCtrlC(input, key)) return void s.interrupt();
      // One key per input: keys that arrive together are split before Ink sees them (src/ui/stdin-keys.ts).
      // A transient error or notice lasts until the next key, whichever it is.
      if (s.notice || s.error) s.dismiss();
      const b = tableFor(s.screen)?.find((x) => matches(x, input, key));
      if (!b) return;
      b.run(store.getState());
    },
    { isActive: Boolean(table) && !exiting },
  );
}
