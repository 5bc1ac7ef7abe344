import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import TextInput from 'ink-text-input';
import { forTerminal } from '../report/escape.js';
import type { SessionSummary } from '../session/store.js';
import { formatRelative, progressText } from '../session/summary.js';
import { Footer } from './footer.js';
import { IdentityPicker } from './identity-picker.js';
import { isCtrlC } from './keymap.js';
import { fit } from './scroll.js';
import { cleanInput } from './use-form-keys.js';

/** An existing session and who resumes it (asked unless --operator was given), or a new session. */
export type PickerChoice = { id: string; who?: string } | { start: { environment: string; operator: string } };

export interface ResumePickerProps {
  /** Unfinished sessions, newest first. */
  sessions: SessionSummary[];
  /**
   * Values for a new session: the operator is prefilled; the environment is
   * offered first when given (--env), never chosen silently.
   */
  defaults: { environment?: string; operator: string };
  /**
   * Ask who resumes an existing session (its operators, or someone else),
   * as `resume` does without --operator; never join one under a guessed name.
   */
  askWho?: boolean;
  onChoose: (choice: PickerChoice) => void;
  onCancel: () => void;
  /** Ctrl-C (default: onCancel). */
  onInterrupt?: () => void;
  /** Said once above the list, e.g. that a session file could not be read (default: nothing). */
  notice?: string;
  /** An error from the last choice (e.g. the session is locked), shown under the list. */
  error?: string;
  /** Whether this picker listens to keys (default true). */
  isActive?: boolean;
  /** The clock for "5 min ago" (default: now; tests pin it). */
  now?: Date;
}

/** Environments offered for a new session: the one given, those of existing sessions, then staging and production. */
export function environmentChoices(sessions: SessionSummary[], given?: string): string[] {
  return [...new Set([given, ...sessions.map((s) => s.environment), 'staging', 'production'].filter((e): e is string => Boolean(e && e.trim())))];
}

const OTHER = '\u0000other';

/**
 * Offer each unfinished session (env, operator, progress, last update) or a
 * new one; a new one asks for its environment (ink-select-input, or a name
 * typed under "other") and its operator.
 */
export function ResumePicker({ sessions, defaults, askWho = false, onChoose, onCancel, onInterrupt, notice, error, isActive = true, now = new Date() }: ResumePickerProps) {
  // No unfinished session: straight to the new session's form (there is nothing to list).
  const [stage, setStage] = useState<'list' | 'env' | 'env-name' | 'operator' | 'who'>(sessions.length ? 'list' : 'env');
  const [chosen, setChosen] = useState<SessionSummary>();
  const [environment, setEnvironment] = useState('');
  const [operator, setOperator] = useState(defaults.operator);
  useInput(
    (input, key) => {
      if (isCtrlC(input, key)) return (onInterrupt ?? onCancel)();
      if (stage === 'list' || (stage === 'env' && sessions.length === 0)) {
        if (input === 'q' || key.escape) onCancel();
        return;
      }
      // The identity question handles its own Esc (back from typing a name, then back to the list).
      if (stage === 'who') return;
      if (key.escape) setStage(stage === 'operator' || stage === 'env-name' ? 'env' : 'list');
    },
    { isActive },
  );
  const envs = environmentChoices(sessions, defaults.environment);
  return (
    <Box flexDirection="column">
      {notice ? <Text color="yellow">! {forTerminal(notice)}</Text> : null}
      <Text bold>{sessions.length ? 'Unfinished sessions — resume one, or start a new one' : 'A new session — which environment is this release for?'}</Text>
      {stage === 'list' ? (
        <SelectInput
          items={[
            ...sessions.map((s) => ({
              key: s.id,
              label: `${fit(forTerminal(s.environment), 12).padEnd(12)} ${fit(forTerminal(s.operators.join(', ')), 16).padEnd(16)} ${progressText(s).padStart(15)}  ${formatRelative(s.updatedAt, now).padEnd(11)} ${forTerminal(s.id)}`,
              value: s.id,
            })),
            { key: '+new', label: '+ Start a new session', value: '' },
          ]}
          isFocused={isActive}
          onSelect={(item) => {
            if (!item.value) return setStage('env');
            const s = sessions.find((x) => x.id === item.value);
            if (!askWho || !s) return onChoose({ id: item.value });
            setChosen(s);
            setStage('who');
          }}
        />
      ) : stage === 'who' && chosen ? (
        <Box marginTop={1}>
          <IdentityPicker
            sessionId={chosen.id}
            operators={chosen.operators}
            isActive={isActive}
            onChoose={(who) => onChoose({ id: chosen.id, who })}
            onCancel={() => setStage('list')}
          />
        </Box>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Text color={stage === 'env' || stage === 'env-name' ? 'cyan' : undefined}>
            {'environment '.padEnd(12)}
            {stage === 'env' ? <Text dimColor>(choose; nothing is assumed)</Text> : stage === 'operator' ? environment : null}
          </Text>
          {stage === 'env' ? (
            <Box marginLeft={2}>
              <SelectInput
                items={[...envs.map((e) => ({ key: e, label: forTerminal(e), value: e })), { key: OTHER, label: 'other (type a name)', value: OTHER }]}
                isFocused={isActive}
                onSelect={(item) => {
                  if (item.value === OTHER) return setStage('env-name');
                  setEnvironment(item.value);
                  setStage('operator');
                }}
              />
            </Box>
          ) : null}
          {stage === 'env-name' ? (
            <Box marginLeft={2}>
              <Text color="cyan">› </Text>
              <TextInput
                value={environment}
                onChange={(v) => setEnvironment(cleanInput(v))}
                onSubmit={(v) => (v.trim() ? setStage('operator') : undefined)}
                placeholder="[environment name]"
                focus={isActive}
              />
            </Box>
          ) : null}
          {stage === 'operator' ? (
            <Box>
              <Text color="cyan">{'operator'.padEnd(12)}</Text>
              <TextInput
                value={operator}
                onChange={(v) => setOperator(cleanInput(v))}
                onSubmit={() => (environment.trim() && operator.trim() ? onChoose({ start: { environment: environment.trim(), operator: operator.trim() } }) : undefined)}
                placeholder="[your name]"
                focus={isActive}
              />
            </Box>
          ) : null}
        </Box>
      )}
      {error ? <Text color="red">✗ {forTerminal(error)}</Text> : null}
      {stage === 'who' ? null : <Footer hints={stage === 'list' ? ['↑↓/kj move', 'Enter choose', 'q quit'] : ['↑↓ choose', 'Enter next/start', sessions.length || stage !== 'env' ? 'Esc back' : 'Esc/q quit']} />}
    </Box>
  );
}
