import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import { forTerminal } from '../text/escape.js';
import type { SessionSummary } from '../session/store.js';
import { compactRelative, formatRelative, progressText } from '../session/summary.js';
import { Footer } from './footer.js';
import { IdentityPicker } from './identity-picker.js';
import { isCtrlC } from './keymap.js';
import { fit } from './scroll.js';
import { TextField } from './text-field.js';

/** An existing session and who resumes it (asked unless --operator was given), or a new session. */
export type PickerChoice = { id: string; who?: string } | { start: { environment: string; operator: string } };

export interface ResumePickerProps {
  /** Unfinished sessions, newest first. */
  sessions: SessionSummary[];
  /**
   * Values for a new session: the operator is prefilled; the environment is
   * offered first when given (--env), never chosen silently.
   */
  defaults: {
    environment?: string;
    operator: string;
    /** Where the operator's name came from, shown beside it (e.g. `git config user.name`). */
    operatorFrom?: string;
  };
  /** Environments of the existing sessions, finished ones too (default: those of `sessions`). */
  environments?: string[];
  /**
   * Ask who resumes an existing session (its operators, or someone else),
   * as `resume` does without --operator; never join one under a guessed name.
   */
  askWho?: boolean;
  /**
   * `start --env NAME` without --operator: open on "who runs it?" with the
   * environment given, so a release is never recorded under a guessed name.
   */
  confirmOperator?: boolean;
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

/** The environments every new session starts from, in this order. */
const USUAL_ENVIRONMENTS = ['staging', 'production'];

/**
 * Environments offered for a new session, the same on every route (first run,
 * the picker's "+ Start a new session", `start`): --env first when given, then
 * staging and production, then the others of existing sessions alphabetically
 * (the form adds "other" last).
 */
export function environmentChoices(known: string[], given?: string): string[] {
  const others = known.map((e) => e.trim()).filter((e) => e && !USUAL_ENVIRONMENTS.includes(e));
  return [...new Set([given?.trim(), ...USUAL_ENVIRONMENTS, ...[...new Set(others)].sort()].filter((e): e is string => Boolean(e)))];
}

/**
 * One session's row, fitted to 80 columns with the list's pointer: the id
 * (which people copy) and the progress stay whole; the operators take what is
 * left (at least 6 cells), the environment at most 10.
 */
function pickerRow(s: SessionSummary, now: Date, width = 80): string {
  const id = forTerminal(s.id);
  const progress = progressText(s).padStart(15);
  const when = compactRelative(formatRelative(s.updatedAt, now)).padEnd(8);
  const env = fit(forTerminal(s.environment), 10).padEnd(10);
  const room = Math.max(6, width - 2 - id.length - env.length - progress.length - when.length - 6);
  return `${env} ${fit(forTerminal(s.operators.join(', ')), room).padEnd(room)} ${progress}  ${when} ${id}`;
}

const OTHER = '\u0000other';

type Stage = 'list' | 'env' | 'env-name' | 'operator' | 'who';

/** The question each stage asks. */
const HEADERS: Record<Stage, string> = {
  list: 'Unfinished sessions — resume one, or start a new one',
  env: 'A new session — which environment is this release for?',
  'env-name': 'A new session — name the environment',
  operator: 'A new session — who runs it? (Enter starts it)',
  who: 'Unfinished sessions — resume one, or start a new one',
};

/** The keys of the focused field: a list is chosen with ↑↓, a text field edited. */
function footerHints(stage: Stage, hasSessions: boolean): string[] {
  const back = hasSessions || stage !== 'env' ? 'Esc back' : 'Esc/q quit';
  if (stage === 'list') return ['↑↓/kj move', 'Enter choose', 'q quit'];
  if (stage === 'env') return ['↑↓ choose', 'Enter next', back];
  return [stage === 'operator' ? 'Enter start' : 'Enter next', '←→ Home End move', 'Ctrl-U clear', back];
}

/**
 * Offer each unfinished session (env, operator, progress, last update) or a
 * new one; a new one asks for its environment (ink-select-input, or a name
 * typed under "other") and its operator.
 */
export function ResumePicker({ sessions, defaults, environments, confirmOperator = false, askWho = false, onChoose, onCancel, onInterrupt, notice, error, isActive = true, now = new Date() }: ResumePickerProps) {
  // No unfinished session: straight to the new session's form (there is nothing to list).
  // `start --env NAME` without --operator: the environment is given, only who runs it is asked.
  const fromStart = confirmOperator && Boolean(defaults.environment) && sessions.length === 0;
  const [stage, setStage] = useState<Stage>(fromStart ? 'operator' : sessions.length ? 'list' : 'env');
  const [chosen, setChosen] = useState<SessionSummary>();
  const [environment, setEnvironment] = useState(fromStart ? defaults.environment! : '');
  const [operator, setOperator] = useState(defaults.operator);
  // A blank environment name or operator, refused with what to do.
  const [blank, setBlank] = useState<string>();
  useInput(
    (input, key) => {
      if (isCtrlC(input, key)) return (onInterrupt ?? onCancel)();
      if (stage === 'list' || (stage === 'env' && sessions.length === 0)) {
        if (input === 'q' || key.escape) onCancel();
        return;
      }
      // The identity question handles its own Esc (back from typing a name, then back to the list).
      if (stage === 'who') return;
      if (key.escape) {
        setBlank(undefined);
        setStage(stage === 'operator' || stage === 'env-name' ? 'env' : 'list');
      }
    },
    { isActive },
  );
  const envs = environmentChoices(environments ?? sessions.map((s) => s.environment), defaults.environment);
  const operatorChanged = operator !== defaults.operator;
  return (
    <Box flexDirection="column">
      {notice ? <Text color="yellow">! {forTerminal(notice)}</Text> : null}
      <Text bold>{HEADERS[stage]}</Text>
      {stage === 'list' ? (
        <SelectInput
          items={[
            ...sessions.map((s) => ({
              key: s.id,
              label: pickerRow(s, now),
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
              <TextField
                value={environment}
                onChange={(v) => {
                  setEnvironment(v);
                  setBlank(undefined);
                }}
                onSubmit={(v) => (v.trim() ? setStage('operator') : setBlank('type a name for the environment (e.g. eu-prod), or Esc to choose one from the list'))}
                placeholder="[environment name]"
                focus={isActive}
              />
            </Box>
          ) : null}
          {stage === 'operator' ? (
            <Box flexDirection="column">
              <Box>
                <Text color="cyan">{'operator'.padEnd(12)}</Text>
                <TextField
                  value={operator}
                  onChange={(v) => {
                    setOperator(v);
                    setBlank(undefined);
                  }}
                  onSubmit={(v) =>
                    environment.trim() && v.trim()
                      ? onChoose({ start: { environment: environment.trim(), operator: v.trim() } })
                      : setBlank('type your name (as your team knows you): the record carries it')
                  }
                  placeholder="[your name]"
                  focus={isActive}
                />
              </Box>
              <Text dimColor>
                {' '.repeat(12)}
                {defaults.operatorFrom && !operatorChanged ? `(from ${defaults.operatorFrom} — type to change)` : '(the name the record carries — type to change)'}
              </Text>
            </Box>
          ) : null}
        </Box>
      )}
      {blank ? <Text color="red">✗ {blank}</Text> : null}
      {error ? <Text color="red">✗ {forTerminal(error)}</Text> : null}
      {stage === 'who' ? null : <Footer hints={footerHints(stage, sessions.length > 0)} />}
    </Box>
  );
}
