/**
 * Keys of the text forms around the shared TextField (which handles typing and
 * Enter): Esc closes, Tab/↑/↓ move between fields, Ctrl-C interrupts.
 */
import { useInput } from 'ink';
import type { WizardStore } from '../store/wizard-store.js';
import { isCtrlC } from './keymap.js';

export interface FormKeyHandlers {
  onEscape?: () => void;
  /** Tab / ↓ (+1) and Shift-Tab / ↑ (-1). */
  onField?: (delta: number) => void;
  /** Whether ↑/↓ also move between fields (default true; false while a select owns them). */
  arrows?: boolean;
}

export function useFormKeys(store: WizardStore, isActive: boolean, handlers: FormKeyHandlers = {}): void {
  useInput(
    (input, key) => {
      const s = store.getState();
      if (isCtrlC(input, key)) return void s.interrupt();
      if (key.escape) return void (handlers.onEscape ? handlers.onEscape() : s.closeScreen());
      const arrows = handlers.arrows ?? true;
      if (handlers.onField && (key.tab || (arrows && key.downArrow))) return handlers.onField(key.shift ? -1 : 1);
      if (handlers.onField && arrows && key.upArrow) return handlers.onField(-1);
    },
    { isActive },
  );
}

/** Text typed into a field, without control characters (a pasted chunk may carry CR/LF or escapes). */
export function cleanInput(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, '');
}
