/**
 * One key per read. Ink hands whatever one read of the terminal returned to
 * every `useInput` handler as one input: keys typed quickly or sent by a script
 * (`Enter j`, a note and its Enter) arrive together, and a handler that checks
 * `key.return` or opens a form on the first key loses the rest. Ink reads with
 * `stdin.read()` in a loop until it returns null, so a stdin whose `read()`
 * returns one key at a time makes each key its own input, for every handler
 * (screens, forms, text fields) alike. Escape sequences (arrows, function
 * keys, Alt+key) stay whole.
 */

import { useState } from 'react';
import { useStdin } from 'ink';
// @ts-expect-error -- React's scheduler (the one Ink's renderer runs on) ships no types.
import { unstable_IdlePriority as IdlePriority, unstable_scheduleCallback as scheduleCallback } from 'scheduler';

const ESC = '\u001B';

/** Where the escape sequence starting at `i` ends (exclusive). */
function escapeEnd(text: string, i: number): number {
  const next = text[i + 1];
  if (next === undefined) return i + 1;
  if (next === ESC) return escapeEnd(text, i + 1); // Alt + an escape sequence
  if (next === 'O') return Math.min(text.length, i + 3); // SS3: ESC O P
  if (next === '[') {
    let j = i + 2;
    if (text[j] === '[') j++; // legacy ESC [ [ A
    // Parameter and intermediate bytes (0x20–0x3F), then one final byte.
    while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x3f) j++;
    return Math.min(text.length, j + 1);
  }
  const cp = text.codePointAt(i + 1)!;
  return i + 1 + (cp > 0xffff ? 2 : 1); // Alt + one character
}

/** Split what one read returned into keys: one character, or one escape sequence, each. */
export function splitKeys(text: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < text.length) {
    const end = text[i] === ESC ? escapeEnd(text, i) : i + ((text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1);
    keys.push(text.slice(i, end));
    i = end;
  }
  return keys;
}

const PATCHED = Symbol.for('deploy-wizard.key-by-key');

interface KeySource {
  read(size?: number): unknown;
  emit(event: 'readable'): boolean;
  [PATCHED]?: true;
}

/**
 * Make `stdin.read()` return one key per call, and hold the next key of the
 * same read until React is idle: after a key that came with others, the next
 * read says "nothing yet" and the rest is announced again once the screen
 * caught up. So a key that opens a form (`e`, Enter) is handled, the form
 * renders and starts listening, and only then does the next key arrive, into
 * the form, as if typed by a person. Idempotent.
 */
function readKeyByKey(stdin: KeySource): void {
  if (stdin[PATCHED]) return;
  stdin[PATCHED] = true;
  const read = stdin.read.bind(stdin);
  const queue: string[] = [];
  let yieldTurn = false;
  /** Between a yield and React being idle: every read says "nothing yet", whatever arrived meanwhile. */
  let waiting = false;
  stdin.read = (size?: number) => {
    if (waiting) return null;
    if (yieldTurn) {
      // The next key waits until React is idle (the last key's render committed and its
      // effects, where new input handlers subscribe, ran), then arrives outside React's
      // scheduler task, where its updates render at once as a typed key's do.
      yieldTurn = false;
      waiting = true;
      scheduleCallback(IdlePriority, () =>
        void setImmediate(() => {
          waiting = false;
          stdin.emit('readable');
        }),
      );
      return null;
    }
    // After every key, the next one (of this read or of a read already buffered, e.g. a
    // note's last letter and then its Enter) waits for React: otherwise a text field
    // submits the value it rendered before the last letter.
    if (queue.length) {
      const key = queue.shift()!;
      yieldTurn = true;
      return key;
    }
    const chunk = read(size);
    if (chunk === null || chunk === undefined) return chunk;
    yieldTurn = true;
    const keys = splitKeys(typeof chunk === 'string' ? chunk : String(chunk));
    if (keys.length <= 1) return chunk;
    queue.push(...keys.slice(1));
    return keys[0];
  };
}

/**
 * Key by key for every root an Ink `render` draws (the wizard, and the "Who
 * are you?" question asked before it): call before the root's first read.
 */
export function useKeyByKey(): void {
  const { stdin } = useStdin();
  useState(() => readKeyByKey(stdin as unknown as KeySource));
}
