/**
 * "Who are you?" before a session is resumed without --operator: the
 * session's operators as an ink-select-input, plus "someone else" (a name is
 * typed). Everything this terminal then records carries the chosen name.
 */
import React, { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import { forTerminal } from '../text/escape.js';
import { isCtrlC } from './keymap.js';
import { useKeyByKey } from './stdin-keys.js';
import { TextField } from './text-field.js';

export interface IdentityPickerProps {
  /** The session being resumed (shown in the question). */
  sessionId: string;
  /** Who has worked on it so far. */
  operators: string[];
  /**
   * Set when the session is completed: the read-only line. The name is still
   * asked, because reopening it is recorded with who did it.
   */
  readOnly?: string;
  onChoose(name: string): void;
  /** Esc / Ctrl-C: resume nothing. */
  onCancel(): void;
  /** Whether this picker listens to keys (default true). */
  isActive?: boolean;
}

const SOMEONE_ELSE = '\u0000someone-else';

export function IdentityPicker({ sessionId, operators, readOnly, onChoose, onCancel, isActive = true }: IdentityPickerProps) {
  // Asked in its own render before the wizard: a fast ↓ Enter must choose what ↓ showed.
  useKeyByKey();
  const [typing, setTyping] = useState(operators.length === 0);
  const [name, setName] = useState('');
  // Typed and Enter can arrive in one chunk, before a render: submit what onChange last said, not a stale value.
  const typed = useRef('');
  const [error, setError] = useState<string>();
  useInput(
    (input, key) => {
      if (isCtrlC(input, key)) return onCancel();
      if (key.escape) return typing && operators.length ? setTyping(false) : onCancel();
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Text bold>Who are you? Session {forTerminal(sessionId)}</Text>
      {readOnly ? <Text color="yellow">{forTerminal(readOnly)}; a reopening is recorded with your name.</Text> : null}
      <Text dimColor>Everything you record in it, signatures included, carries this name (--operator NAME skips this question).</Text>
      <Box marginTop={1} flexDirection="column">
        {typing ? (
          <Box>
            <Text>Your name: </Text>
            <TextField
              value={name}
              focus={isActive}
              onChange={(v) => {
                typed.current = v;
                setName(v);
                setError(undefined);
              }}
              onSubmit={() => (typed.current.trim() ? onChoose(typed.current.trim()) : setError('type your name (as your team knows you)'))}
            />
          </Box>
        ) : (
          <SelectInput
            isFocused={isActive}
            items={[...operators.map((o) => ({ key: o, label: forTerminal(o), value: o })), { key: SOMEONE_ELSE, label: 'someone else (type a name)', value: SOMEONE_ELSE }]}
            onSelect={(item) => (item.value === SOMEONE_ELSE ? setTyping(true) : onChoose(item.value))}
          />
        )}
      </Box>
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Text dimColor>{typing ? 'Enter confirm · Esc back' : '↑/↓ choose · Enter select · Esc cancel'}</Text>
    </Box>
  );
}
