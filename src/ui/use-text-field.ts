/**
 * The keys of one text field: raw input → `fieldActions` → `editField`.
 * Raw, not `useInput`: Ink 6 gives Backspace and Delete the same `key`, and
 * Ctrl-U as a plain `u`. Gated by `isActive`; the value stays the caller's
 * (controlled), the cursor is the field's own.
 */
import { useEffect, useRef, useState } from 'react';
import { useStdin } from 'ink';
import { editField, fieldActions, type FieldState } from './text-field-state.js';

export interface TextFieldKeys {
  value: string;
  onChange: (value: string) => void;
  onSubmit?: (value: string) => void;
  isActive: boolean;
}

export function useTextField({ value, onChange, onSubmit, isActive }: TextFieldKeys): FieldState {
  const { setRawMode, internal_eventEmitter: events } = useStdin();
  const [state, setState] = useState<FieldState>({ value, cursor: value.length });
  // What the last key left, for the next key before a render (a key and its Enter in one read).
  const latest = useRef(state);
  if (latest.current.value !== value) {
    // Changed by the form (cleared, cleaned): the cursor goes to its end.
    latest.current = { value, cursor: value.length };
  }
  const handlers = useRef({ onChange, onSubmit });
  handlers.current = { onChange, onSubmit };
  useEffect(() => {
    if (!isActive) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isActive, setRawMode]);
  useEffect(() => {
    if (!isActive) return;
    const onInput = (raw: string) => {
      for (const action of fieldActions(String(raw))) {
        const before = latest.current;
        if (action.type === 'submit') {
          handlers.current.onSubmit?.(before.value);
          continue;
        }
        const next = editField(before, action);
        latest.current = next;
        setState(next);
        if (next.value !== before.value) handlers.current.onChange(next.value);
      }
    };
    events.on('input', onInput);
    return () => void events.removeListener('input', onInput);
  }, [isActive, events]);
  return state.value === value ? state : latest.current;
}
