/**
 * The editing rules of every one-line text field (pure, no Ink): readline's
 * keys on a value and a cursor. Neither ink-text-input 6 nor @inkjs/ui 2's
 * TextInput has Home/End, Ctrl-A/E/U/K/W or a forward Delete, and
 * ink-text-input keeps its cursor where a wrapper cannot move it; so the keys
 * are mapped here from the raw bytes (Ink 6 reports both Backspace 0x7f and
 * Delete ESC[3~ as `key.delete`, and a Ctrl-letter as the bare letter).
 */
import { cleanInput } from './use-form-keys.js';

export interface FieldState {
  value: string;
  /** Where the next character goes: 0 … value.length (UTF-16 index, never inside a surrogate pair). */
  cursor: number;
}

export type FieldAction =
  | { type: 'insert'; text: string }
  | { type: 'left' | 'right' | 'home' | 'end' | 'backspace' | 'delete' | 'kill-start' | 'kill-end' | 'kill-word' | 'submit' };

const ESC = '\u001B';

/** Raw key sequences (one key per input, as Ink's parser hands them over) and what they do. */
/** What a key does: every action but inserting text. */
export type FieldKey = Exclude<FieldAction['type'], 'insert'>;

const KEYS: Record<string, FieldKey> = {
  '\u007F': 'backspace', // Backspace on most terminals
  '\b': 'backspace', // Backspace on some, Ctrl-H
  [`${ESC}[3~`]: 'delete',
  '\u0004': 'delete', // Ctrl-D
  '\u0001': 'home', // Ctrl-A
  [`${ESC}[H`]: 'home',
  [`${ESC}OH`]: 'home',
  [`${ESC}[1~`]: 'home',
  [`${ESC}[7~`]: 'home',
  '\u0005': 'end', // Ctrl-E
  [`${ESC}[F`]: 'end',
  [`${ESC}OF`]: 'end',
  [`${ESC}[4~`]: 'end',
  [`${ESC}[8~`]: 'end',
  '\u0002': 'left', // Ctrl-B
  [`${ESC}[D`]: 'left',
  [`${ESC}OD`]: 'left',
  '\u0006': 'right', // Ctrl-F
  [`${ESC}[C`]: 'right',
  [`${ESC}OC`]: 'right',
  '\u0015': 'kill-start', // Ctrl-U
  '\u000B': 'kill-end', // Ctrl-K
  '\u0017': 'kill-word', // Ctrl-W
  [`${ESC}\u007F`]: 'kill-word', // Alt-Backspace
  '\r': 'submit',
};

/** The edit one key makes (its raw bytes, one key as Ink hands it over), if it is one of the table's. */
export function fieldKey(raw: string): FieldKey | undefined {
  return Object.hasOwn(KEYS, raw) ? KEYS[raw] : undefined;
}

/**
 * What one input does to a field: one key, or a chunk (a paste, keys sent
 * together) read in order, its control keys acting as typed. Empty for keys a
 * field leaves to its form (Esc, Tab, ↑/↓, Ctrl-C, other control keys and
 * escape sequences). Text is inserted without control bytes.
 */
export function fieldActions(raw: string): FieldAction[] {
  const named = fieldKey(raw);
  if (named) return [{ type: named } as FieldAction];
  if (raw.startsWith(ESC)) return [];
  const actions: FieldAction[] = [];
  // eslint-disable-next-line no-control-regex
  for (const part of raw.split(/([\u0000-\u001f\u007f])/)) {
    const key = fieldKey(part);
    if (key) actions.push({ type: key } as FieldAction);
    else if (cleanInput(part)) actions.push({ type: 'insert', text: cleanInput(part) });
  }
  return actions;
}

/** One code point back from `i` (a surrogate pair is one step). */
function before(value: string, i: number): number {
  if (i <= 0) return 0;
  const low = value.charCodeAt(i - 1);
  return i >= 2 && low >= 0xdc00 && low <= 0xdfff && value.charCodeAt(i - 2) >= 0xd800 && value.charCodeAt(i - 2) <= 0xdbff ? i - 2 : i - 1;
}

/** One code point on from `i`. */
function after(value: string, i: number): number {
  if (i >= value.length) return value.length;
  const cp = value.codePointAt(i) ?? 0;
  return i + (cp > 0xffff ? 2 : 1);
}

/** Where the word before `i` starts: spaces before the cursor, then the word (readline's Ctrl-W, unix-word-rubout). */
function wordStart(value: string, i: number): number {
  let j = i;
  while (j > 0 && /\s/.test(value[j - 1])) j--;
  while (j > 0 && !/\s/.test(value[j - 1])) j--;
  return j;
}

/** The field after one action (submit changes nothing). */
export function editField(s: FieldState, a: FieldAction): FieldState {
  const { value } = s;
  const cursor = Math.max(0, Math.min(s.cursor, value.length));
  switch (a.type) {
    case 'insert':
      return { value: value.slice(0, cursor) + a.text + value.slice(cursor), cursor: cursor + a.text.length };
    case 'left':
      return { value, cursor: before(value, cursor) };
    case 'right':
      return { value, cursor: after(value, cursor) };
    case 'home':
      return { value, cursor: 0 };
    case 'end':
      return { value, cursor: value.length };
    case 'backspace': {
      const from = before(value, cursor);
      return { value: value.slice(0, from) + value.slice(cursor), cursor: from };
    }
    case 'delete':
      return { value: value.slice(0, cursor) + value.slice(after(value, cursor)), cursor };
    case 'kill-start':
      return { value: value.slice(cursor), cursor: 0 };
    case 'kill-end':
      return { value: value.slice(0, cursor), cursor };
    case 'kill-word': {
      const from = wordStart(value, cursor);
      return { value: value.slice(0, from) + value.slice(cursor), cursor: from };
    }
    case 'submit':
      return { value, cursor };
  }
}
