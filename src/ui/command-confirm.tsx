import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import type { Checklist } from '../checklist/types.js';
import { forTerminal } from '../report/escape.js';
import { clipMiddle } from '../text/clip.js';
import type { WizardStore } from '../store/wizard-store.js';
import { commandChoices } from '../store/command-plan.js';
import { Footer, footerHeight } from './footer.js';
import { isCtrlC } from './keymap.js';
import { fit } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';
import { TextField } from './text-field.js';

export interface CommandConfirmProps {
  store: WizardStore;
  checklist: Checklist;
}

const CHOOSE_HINTS = ['↑↓ choose', 'Enter this one', 'Esc back', 'Ctrl-C quit'];
const CONFIRM_HINTS = ['Enter run', '↑↓/PgUp/PgDn scroll', 'Esc back (stops a run)', 'Ctrl-C quit'];

/**
 * `r`: the section's command blocks. Alternatives (one block holding e.g. a
 * Kubernetes and a Docker Compose rollback) are separate choices, picked with
 * ink-select-input; only the chosen one runs, after the operator types its
 * first word. The whole script scrolls; output streams in below (redacted by
 * the store); a non-zero exit or a `… FAILED` line marks the run failed.
 */
export function CommandConfirm({ store, checklist }: CommandConfirmProps) {
  const { rows, columns } = useTerminalSize();
  const sectionId = useWizard(store, (s) => s.cursor.sectionId);
  const command = useWizard(store, (s) => s.command);
  const dryRun = useWizard(store, (s) => s.dryRun);
  const error = useWizard(store, (s) => s.error);
  const active = useWizard(store, (s) => s.screen === 'command-confirm' && !s.exit);
  const choices = commandChoices(checklist.sections.find((s) => s.id === sectionId));
  const [stage, setStage] = useState<'choose' | 'confirm'>(choices.length > 1 ? 'choose' : 'confirm');
  const [value, setValue] = useState('');
  const [top, setTop] = useState(0);
  const choice = choices[command?.index ?? 0];
  const script = choice ? choice.script.split('\n') : [];

  // Rows: title, variables, script window (+ its position line), output, status, prompt, error, footer; never past rows-1.
  const outLines = forTerminal(command?.output ?? '').replace(/\n+$/, '').split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
  const hasOut = Boolean(command && (command.running || command.output));
  const fixed = 1 + (command?.variables.length ?? 0) + (command?.wouldRun ? 1 : 0) + 1 + 1 + (error ? 1 : 0) + footerHeight(CONFIRM_HINTS, columns);
  const room = Math.max(3, rows - 1 - fixed);
  const outRoom = hasOut ? Math.min(outLines.length, Math.max(2, Math.floor(room / 2))) : 0;
  const scriptRoom = Math.max(2, room - outRoom);
  const maxTop = Math.max(0, script.length - scriptRoom);
  const start = Math.min(top, maxTop);

  useInput(
    (input, key) => {
      const s = store.getState();
      if (isCtrlC(input, key)) return void s.interrupt();
      if (key.escape) {
        if (s.command?.running) return s.cancelProbes();
        if (stage === 'confirm' && choices.length > 1) {
          setValue('');
          return setStage('choose');
        }
        return s.closeScreen();
      }
      if (stage !== 'confirm') return;
      if (key.upArrow) setTop(Math.max(0, start - 1));
      else if (key.downArrow) setTop(Math.min(maxTop, start + 1));
      else if (key.pageUp) setTop(Math.max(0, start - scriptRoom + 1));
      else if (key.pageDown) setTop(Math.min(maxTop, start + scriptRoom - 1));
    },
    { isActive: active },
  );
  if (!choice || !command) return <Text color="red">No command block here.</Text>;

  if (stage === 'choose') {
    const preview = Math.max(1, rows - 1 - 2 - choices.length - 1 - footerHeight(CHOOSE_HINTS, columns));
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate">
          {choices.length} commands here — choose one; only the chosen one runs
          {dryRun ? <Text color="yellow"> (DRY RUN)</Text> : null}
        </Text>
        <SelectInput
          items={choices.map((c, i) => ({ key: String(i), label: fit(forTerminal(`${c.label}  (${c.script.split('\n').length} lines)`), columns - 4), value: i }))}
          initialIndex={command.index}
          isFocused={active}
          onHighlight={(item) => store.getState().chooseCommand(item.value)}
          onSelect={(item) => {
            store.getState().chooseCommand(item.value);
            setTop(0);
            setStage('confirm');
          }}
        />
        <Text dimColor>preview:</Text>
        {script.slice(0, preview).map((l, i) => (
          <Text key={i} color="cyan" dimColor wrap="truncate">
            │ {forTerminal(l)}
          </Text>
        ))}
        <Footer hints={CHOOSE_HINTS} width={columns} />
      </Box>
    );
  }

  const done = command.exitCode !== undefined && !command.running;
  const shownScript = script.slice(start, start + scriptRoom);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {choices.length > 1 ? `${command.index + 1}/${choices.length} ` : ''}
        {forTerminal(choice.label)}
        {dryRun ? <Text color="yellow"> — DRY RUN: nothing will be executed</Text> : null}
      </Text>
      {command.variables.map((v) => (
        <Text key={v.variable} wrap="truncate" color={v.value ? undefined : 'red'}>
          {v.placeholder} → ${'{'}
          {v.variable}
          {'}'} {v.value ? `= ${forTerminal(v.value)}` : `is not set: set ${v.variable} (--env-file or the environment)`}
        </Text>
      ))}
      {shownScript.map((l, i) => (
        <Text key={i} color="cyan" wrap="truncate">
          │ {forTerminal(l) || ' '}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {script.length > scriptRoom ? `│ lines ${start + 1}–${start + shownScript.length} of ${script.length} (↑↓ scroll)` : `│ (${script.length} lines, all shown)`}
      </Text>
      {command.wouldRun ? (
        <Text color="yellow">
          {/* The middle gives way: the program and the last arguments (the URL, the file) stay readable. */}
          {clipMiddle(`would run: ${command.wouldRun}`, columns)}
        </Text>
      ) : null}
      {(outRoom ? outLines.slice(-outRoom) : []).map((l, i) => (
        <Text key={`o${i}`} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
      {command.running ? <Text color="cyan">running… (Esc stops it)</Text> : null}
      {done ? (
        <Text color={command.failed ? 'red' : 'green'} wrap="truncate">
          {command.failed ? `✗ FAILED — ${forTerminal(command.failed)}` : '✓ exit 0'} — output saved as evidence
        </Text>
      ) : null}
      {!command.running && !done ? (
        <Box>
          <Text>
            Type <Text bold>{choice.word}</Text> and Enter to {dryRun ? 'show what would run' : 'run'}:{' '}
          </Text>
          <TextField
            value={value}
            onChange={(v) => setValue(v)}
            onSubmit={(v) => {
              setValue('');
              void store.getState().runCommandBlock(v);
            }}
            focus={active}
          />
        </Box>
      ) : null}
      {error ? (
        <Text color="red" wrap="truncate">
          ✗ {forTerminal(error)}
        </Text>
      ) : null}
      <Footer hints={CONFIRM_HINTS} width={columns} />
    </Box>
  );
}
