/**
 * Keys of the sign-off screen, mapped to form actions (and nothing else):
 * typing fills the focused field; Enter moves on (adds a line in Notes /
 * Next Steps); Tab or Ctrl-D moves on from any field, Shift-Tab or ↑ goes
 * back, ↓ forward; ←/→ choose the status; Esc leaves the screen; once done,
 * Enter / q / Esc quit.
 */
import { useInput } from 'ink';
import { useRef, type Dispatch } from 'react';
import type { Phase, SignoffAction } from './use-signoff-state.js';

export interface SignoffKeyHandlers {
  /** Esc while editing: back to the wizard. */
  onBack: () => void;
  /** Enter / q / Esc once the sign-off is done. */
  onQuit: () => void;
  /** Ctrl-C: the wizard's interrupt (save, exit 130). */
  onInterrupt: () => void;
}

/** The key table as shown in the footer (kept next to the mapping so they agree). */
export const SIGNOFF_HINTS = ['type to fill', 'Enter next (new line in Notes/Next Steps)', 'Tab/Ctrl-D next field', 'Shift-Tab/↑ back', '←/→ status', 'Esc back'];
export const DONE_HINTS = ['Enter/q quit'];

export function useSignoffKeys(phase: Phase, dispatch: Dispatch<SignoffAction>, handlers: SignoffKeyHandlers, isActive: boolean): void {
  // Read the phase through a ref: the completion finishes asynchronously and
  // the very next key must already see 'done', not a stale closure's phase.
  const current = useRef(phase);
  current.current = phase;
  useInput(
    (input, key) => {
      const phase = current.current;
      if (key.ctrl && input === 'c') return handlers.onInterrupt();
      if (phase === 'done') {
        if (key.return || key.escape || input === 'q') handlers.onQuit();
        return;
      }
      if (phase !== 'editing') return;
      if (key.escape) return handlers.onBack();
      if (key.tab) return dispatch({ type: key.shift ? 'prev' : 'next' });
      if (key.ctrl && input === 'd') return dispatch({ type: 'next' });
      if (key.upArrow) return dispatch({ type: 'prev' });
      if (key.downArrow) return dispatch({ type: 'next' });
      if (key.leftArrow) return dispatch({ type: 'choose', delta: -1 });
      if (key.rightArrow) return dispatch({ type: 'choose', delta: 1 });
      if (key.return) return dispatch({ type: 'enter' });
      // Terminals send DEL (0x7f) for Backspace; Ink reports it as `delete`.
      if (key.backspace || key.delete) return dispatch({ type: 'backspace' });
      if (key.ctrl || key.meta || !input) return;
      for (const a of textActions(input)) dispatch(a);
    },
    { isActive },
  );
}

/**
 * Text that arrives in one chunk (fast typing over a pty, or a paste) may hold
 * Enter, Tab and Ctrl-D too: "Ada\rada\r" is a name, Enter, a signature, Enter.
 */
export function textActions(input: string): SignoffAction[] {
  const out: SignoffAction[] = [];
  for (const part of input.split(/(\r\n|\r|\n|\t|\u0004)/)) {
    if (!part) continue;
    if (part === '\t' || part === '\u0004') out.push({ type: 'next' });
    else if (/^(\r\n|\r|\n)$/.test(part)) out.push({ type: 'enter' });
    else out.push({ type: 'type', text: part });
  }
  return out;
}
