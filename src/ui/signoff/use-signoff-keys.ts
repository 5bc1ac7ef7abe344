/**
 * Keys of the sign-off screen, mapped to form actions and store actions (and
 * nothing else). Typing fills the focused field; Enter on your row signs it,
 * r on your own signed row asks, then y revokes it; s (or Enter) on your
 * signed row that needs re-signing asks, then y signs it again; Enter on Complete
 * completes; Tab/↓ and Shift-Tab/↑ move between fields; on the status the
 * select moves with ↑/↓ and Enter here chooses what it highlights; Esc leaves
 * (asking first when a typed signature would be lost); a completed session
 * takes o (reopen, with a reason), Enter/q (quit) and Esc (back).
 */
import { useInput, useStdin } from 'ink';
import { useEffect, useRef, type Dispatch } from 'react';
import { fieldKey, type FieldAction } from '../text-field-state.js';
import type { Field, Phase, SignoffAction } from './use-signoff-state.js';

export interface SignoffKeyContext {
  phase: Phase;
  field: Field;
  /** The session is completed (read-only): only reopen, quit and back. */
  completed: boolean;
  /** Who holds the focused row's role: 'me', someone else's name, or undefined when unsigned. */
  rowHolder?: 'me' | 'other';
  /** The focused row is mine and the session changed since I signed it (⚠ re-sign needed). */
  rowStale?: boolean;
  /** Typed text Esc would drop. */
  dirty: boolean;
}

export interface SignoffKeyHandlers {
  /** Sign the focused row with its draft (the text of a chunk before its Enter is in it: `dispatch` runs the reducer at once). */
  sign(): void;
  /** Revoke the focused row's signature (after y). */
  revoke(): void;
  /** Sign the focused row again over the session as it is now, with the same signature (after y). */
  resign(): void;
  /** Choose the status the select highlights. */
  choose(): void;
  complete(): void;
  reopen(): void;
  /** Back to the wizard. */
  back(): void;
  quit(): void;
  /** Ctrl-C: the wizard's interrupt (save, exit 130). */
  interrupt(): void;
}

/** The key tables as shown in the footer (kept next to the mapping so they agree). */
const MOVE = ['Tab/↓ next', 'Shift-Tab/↑ back', 'Esc back'];
const STATUS_HINTS = ['↑/↓ choose', 'Enter select', 'Tab next', 'Esc back'];
const COMPLETED_HINTS = ['o reopen (reason asked)', 'Enter/q quit', 'Esc back'];
const REOPEN_HINTS = ['type why', 'Enter reopens', 'Esc cancels'];
const LEAVE_HINTS = ['Esc/y back to the checklist', 'q quit the wizard', 'any other key stays'];
const REVOKE_HINTS = ['y revoke', 'any other key keeps it'];
const RESIGN_HINTS = ['y sign again', 'any other key keeps it'];

/** The keys of the focused field (what the footer shows). */
export function signoffHints(c: Pick<SignoffKeyContext, 'phase' | 'field' | 'completed' | 'rowHolder' | 'rowStale'>): string[] {
  if (c.phase === 'leaving') return LEAVE_HINTS;
  if (c.phase === 'revoking') return REVOKE_HINTS;
  if (c.phase === 'resigning') return RESIGN_HINTS;
  if (c.phase === 'reopening') return REOPEN_HINTS;
  if (c.completed) return COMPLETED_HINTS;
  switch (c.field.kind) {
    case 'role':
      return c.rowHolder === 'me' ? [...(c.rowStale ? ['s/Enter re-sign'] : []), 'r revoke yours', ...MOVE] : c.rowHolder === 'other' ? MOVE : ['type your signature', 'Enter sign', ...MOVE];
    case 'status':
      return STATUS_HINTS;
    case 'override':
      return ['type the reason', 'Enter/Tab next', 'Shift-Tab/↑ back', 'Esc back'];
    case 'notes':
    case 'nextSteps':
      return ['Enter new line', 'Tab/Ctrl-D next', 'Shift-Tab/↑ back', 'Esc back'];
    case 'complete':
      return ['Enter complete', 'Shift-Tab/↑ back', 'Esc back'];
  }
}

/**
 * `context` is asked on every key: keys typed faster than the screen renders
 * (a paste, a pty burst) must each see the form as the keys before left it.
 */
export function useSignoffKeys(context: () => SignoffKeyContext, dispatch: Dispatch<SignoffAction>, h: SignoffKeyHandlers, isActive: boolean): void {
  // Ink reports Backspace (0x7f) and Delete (ESC[3~) alike; the raw bytes, seen before useInput's handler, tell them apart.
  const { internal_eventEmitter: events } = useStdin();
  const raw = useRef('');
  useEffect(() => {
    if (!isActive) return;
    const onInput = (data: string) => void (raw.current = String(data));
    events.on('input', onInput);
    return () => void events.removeListener('input', onInput);
  }, [isActive, events]);
  useInput(
    (input, key) => {
      const { phase, field, completed, rowHolder, rowStale, dirty } = context();
      if (key.ctrl && input === 'c') return h.interrupt();
      const edit = textEdit(raw.current);
      if (phase === 'leaving') {
        if (key.escape || input === 'y') return h.back();
        // q leaves too, all the way out (the draft of status and notes is kept; the typed signature is not).
        if (input === 'q') return h.quit();
        return dispatch({ type: 'stay' });
      }
      if (phase === 'revoking') {
        if (input === 'y' || input === 'Y') h.revoke();
        return dispatch({ type: 'stay' });
      }
      if (phase === 'resigning') {
        if (input === 'y' || input === 'Y') h.resign();
        return dispatch({ type: 'stay' });
      }
      if (phase === 'reopening') {
        if (edit) return dispatch({ type: 'edit', action: { type: edit } });
        if (key.escape) return dispatch({ type: 'reopened' });
        if (key.return) return h.reopen();
        if (key.ctrl || key.meta || !input) return;
        return dispatch({ type: 'type', text: input });
      }
      if (completed) {
        if (input === 'o') return dispatch({ type: 'reopen' });
        if (key.return || input === 'q') return h.quit();
        if (key.escape) return h.back();
        return;
      }
      if (key.escape) return dirty ? dispatch({ type: 'leave' }) : h.back();
      if (key.tab) return dispatch({ type: key.shift ? 'prev' : 'next' });
      if (key.ctrl && input === 'd') return dispatch({ type: 'next' });
      // The status is an ink-select-input: it moves the highlight (↑/↓, j/k); Enter is taken here
      // only, so the key that chooses never also reaches the field the focus moves to.
      if (field.kind === 'status') return key.return ? h.choose() : undefined;
      if (key.upArrow) return dispatch({ type: 'prev' });
      if (key.downArrow) return dispatch({ type: 'next' });
      if (field.kind === 'role' && rowHolder === 'me') {
        if (input === 'r') return dispatch({ type: 'askRevoke' });
        // A signature the session outgrew: one key (s, or Enter on it) signs it again, after y.
        if (rowStale && (input === 's' || key.return)) return dispatch({ type: 'askResign' });
        if (key.return) return dispatch({ type: 'next' });
        return;
      }
      if (field.kind === 'role' && rowHolder === 'other') {
        if (key.return) return dispatch({ type: 'next' });
        return;
      }
      if (key.return) {
        if (field.kind === 'role') return h.sign();
        if (field.kind === 'complete') return h.complete();
        return dispatch({ type: 'enter' });
      }
      // Backspace goes through 'backspace' (on an empty Notes line it goes back a line); the rest of the shared keys edit.
      if (edit === 'backspace') return dispatch({ type: 'backspace' });
      if (edit) return dispatch({ type: 'edit', action: { type: edit } });
      if (key.ctrl || key.meta || !input) return;
      for (const a of textActions(input)) {
        // A line break typed with the text on a role row signs it, as Enter does.
        if (a.type === 'enter' && field.kind === 'role') return h.sign();
        dispatch(a);
      }
    },
    { isActive },
  );
}

type EditKey = Exclude<FieldAction['type'], 'insert' | 'submit'>;

/**
 * The text edit a key makes, if any, from the shared text fields' key table
 * (text-field-state.ts): `raw` is the bytes it came as (Ink reports Delete and
 * Backspace alike, and a Ctrl-letter as the bare letter). Not Ctrl-D: here it
 * moves to the next field, as the footer says; Enter is the form's.
 */
function textEdit(raw: string): EditKey | undefined {
  const edit = raw === '\u0004' ? undefined : fieldKey(raw);
  return edit === 'submit' ? undefined : edit;
}

/**
 * Text that arrives in one chunk (fast typing over a pty, or a paste) may hold
 * Enter, Tab and Ctrl-D too: "ada\r" is a signature and Enter.
 */
function textActions(input: string): SignoffAction[] {
  const out: SignoffAction[] = [];
  for (const part of input.split(/(\r\n|\r|\n|\t|\u0004)/)) {
    if (!part) continue;
    if (part === '\t' || part === '\u0004') out.push({ type: 'next' });
    else if (/^(\r\n|\r|\n)$/.test(part)) out.push({ type: 'enter' });
    else out.push({ type: 'type', text: part });
  }
  return out;
}
