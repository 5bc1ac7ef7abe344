import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import { forTerminal } from '../report/escape.js';
import type { SessionSummary } from '../session/store.js';
import { formatRelative, progressText } from '../session/summary.js';
import { Footer } from './footer.js';
import { isCtrlC } from './keymap.js';
import { fit } from './scroll.js';

export type PickerChoice = { id: string } | { start: { environment: string; operator: string } };

export interface ResumePickerProps {
  /** Unfinished sessions, newest first. */
  sessions: SessionSummary[];
  /** Prefilled values for a new session. */
  defaults: { environment: string; operator: string };
  onChoose: (choice: PickerChoice) => void;
  onCancel: () => void;
  /** Ctrl-C (default: onCancel). */
  onInterrupt?: () => void;
  /** An error from the last choice (e.g. the session is locked), shown under the list. */
  error?: string;
  /** Whether this picker listens to keys (default true). */
  isActive?: boolean;
  /** The clock for "5 min ago" (default: now; tests pin it). */
  now?: Date;
}

/** Offer each unfinished session (env, operator, progress, last update) or a new one. */
export function ResumePicker({ sessions, defaults, onChoose, onCancel, onInterrupt, error, isActive = true, now = new Date() }: ResumePickerProps) {
  const [index, setIndex] = useState(0);
  const [form, setForm] = useState<null | { field: 0 | 1; environment: string; operator: string }>(null);
  const count = sessions.length + 1;
  useInput(
    (input, key) => {
      if (isCtrlC(input, key)) return (onInterrupt ?? onCancel)();
      if (form) {
        if (key.escape) setForm(null);
        else if (key.tab || key.upArrow || key.downArrow) setForm({ ...form, field: form.field === 0 ? 1 : 0 });
        return;
      }
      if (key.upArrow || input === 'k') setIndex((i) => Math.max(0, i - 1));
      else if (key.downArrow || input === 'j') setIndex((i) => Math.min(count - 1, i + 1));
      else if (key.return) {
        if (index < sessions.length) onChoose({ id: sessions[index].id });
        else setForm({ field: 0, ...defaults });
      } else if (input === 'q' || key.escape) onCancel();
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Text bold>Unfinished sessions — resume one, or start a new one</Text>
      {sessions.map((s, i) => (
        <Text key={s.id} wrap="truncate" color={i === index ? 'cyan' : undefined}>
          {i === index ? '▶ ' : '  '}
          {fit(forTerminal(s.environment), 12).padEnd(12)} {fit(forTerminal(s.operators.join(', ')), 16).padEnd(16)} {progressText(s).padStart(11)} done{'  '}
          {formatRelative(s.updatedAt, now).padEnd(11)} <Text dimColor>{s.id}</Text>
        </Text>
      ))}
      <Text color={index === sessions.length ? 'cyan' : undefined}>{index === sessions.length ? '▶ ' : '  '}+ Start a new session</Text>
      {form ? (
        <Box flexDirection="column" marginTop={1}>
          {(['environment', 'operator'] as const).map((name, i) => (
            <Box key={name}>
              <Text color={form.field === i ? 'cyan' : undefined}>{name.padEnd(12)}</Text>
              {form.field === i ? (
                <TextInput
                  value={form[name]}
                  onChange={(v) => setForm({ ...form, [name]: v })}
                  onSubmit={() =>
                    i === 0
                      ? setForm({ ...form, field: 1 })
                      : form.environment.trim() && form.operator.trim()
                        ? onChoose({ start: { environment: form.environment.trim(), operator: form.operator.trim() } })
                        : undefined
                  }
                  focus={isActive}
                />
              ) : (
                <Text>{form[name]}</Text>
              )}
            </Box>
          ))}
        </Box>
      ) : null}
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Footer hints={form ? ['Enter next/start', 'Tab field', 'Esc back'] : ['↑↓/kj move', 'Enter choose', 'q quit']} />
    </Box>
  );
}
