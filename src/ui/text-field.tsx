/**
 * The one text field of every form (operator, environment name, note, skip
 * reason, incident fields, a command's confirmation word): readline keys
 * (text-field-state.ts) and a visible cursor, an inverse block on the
 * character it stands on (a space at the end). The inverse is written as its
 * own SGR code, not through chalk, so it shows under NO_COLOR too (which turns
 * colours off, not the cursor).
 */
import React from 'react';
import { Text } from 'ink';
import { useTextField } from './use-text-field.js';

export interface TextFieldProps {
  /** The value (controlled: the form holds it). */
  value: string;
  /** Called with the new value after each edit (never with control bytes). */
  onChange: (value: string) => void;
  /** Enter, with the value as the last key left it. */
  onSubmit?: (value: string) => void;
  /** Shown dim while the value is empty (default none). */
  placeholder?: string;
  /** Whether the field takes keys and shows its cursor (default true). */
  focus?: boolean;
  /** Show every character as • (a secret being typed; default false). */
  mask?: boolean;
}

const INVERSE = '\u001B[7m';
const INVERSE_OFF = '\u001B[27m';

/** `text` with an inverse block at `cursor` (a space when the cursor is past the end). */
function withCursor(text: string, cursor: number): string {
  const at = text.codePointAt(cursor);
  const char = at === undefined ? ' ' : String.fromCodePoint(at);
  return text.slice(0, cursor) + INVERSE + char + INVERSE_OFF + text.slice(cursor + (at === undefined ? 0 : char.length));
}

export function TextField({ value, onChange, onSubmit, placeholder = '', focus = true, mask = false }: TextFieldProps) {
  const { cursor } = useTextField({ value, onChange, onSubmit, isActive: focus });
  // Masked: one • per character, so the cursor still stands where it is.
  const shown = mask ? '•'.repeat([...value].length) : value;
  if (!value && placeholder) {
    return focus ? (
      <Text>
        {withCursor(placeholder[0], 0)}
        <Text dimColor>{placeholder.slice(1)}</Text>
      </Text>
    ) : (
      <Text dimColor>{placeholder}</Text>
    );
  }
  const at = mask ? [...value.slice(0, cursor)].length : Math.min(cursor, value.length);
  return <Text>{focus ? withCursor(shown, at) : shown}</Text>;
}
