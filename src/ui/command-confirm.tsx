import React, { useState } from 'react';
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { Checklist } from '../checklist/types.js';
import { forTerminal } from '../report/escape.js';
import type { WizardStore } from '../store/wizard-store.js';
import { commandBlocks, firstWord } from '../store/progress.js';
import { Footer } from './footer.js';
import { cleanInput, useFormKeys } from './use-form-keys.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';

export interface CommandConfirmProps {
  store: WizardStore;
  checklist: Checklist;
}

/**
 * Shows a command block of the section; it runs only after the operator types
 * its first word. Output streams in below (redacted by the store).
 */
export function CommandConfirm({ store, checklist }: CommandConfirmProps) {
  const { rows } = useTerminalSize();
  const sectionId = useWizard(store, (s) => s.cursor.sectionId);
  const command = useWizard(store, (s) => s.command);
  const dryRun = useWizard(store, (s) => s.dryRun);
  const error = useWizard(store, (s) => s.error);
  const active = useWizard(store, (s) => s.screen === 'command-confirm' && !s.exit);
  const [value, setValue] = useState('');
  useFormKeys(store, active, {
    onEscape: () => (command?.running ? store.getState().cancelProbes() : store.getState().closeScreen()),
    onField: (d) => {
      setValue('');
      store.getState().selectCommand(d);
    },
  });
  const blocks = commandBlocks(checklist.sections.find((s) => s.id === sectionId));
  const block = blocks[command?.index ?? 0];
  if (!block || !command) return <Text color="red">No command block here.</Text>;
  const word = firstWord(block.text);
  const script = block.text.replace(/\n+$/, '').split('\n');
  const outLines = forTerminal(command.output).replace(/\n+$/, '').split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
  const budget = Math.max(4, rows - 9);
  const scriptShown = script.slice(0, Math.max(2, Math.min(script.length, Math.floor(budget / 2))));
  const outShown = outLines.slice(-Math.max(1, budget - scriptShown.length));
  const done = command.exitCode !== undefined && !command.running;

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        Command block {command.index + 1}/{blocks.length}
        {dryRun ? <Text color="yellow"> — DRY RUN: nothing will be executed</Text> : null}
      </Text>
      {scriptShown.map((l, i) => (
        <Text key={i} color="cyan" wrap="truncate">
          │ {l}
        </Text>
      ))}
      {script.length > scriptShown.length ? <Text dimColor>│ … {script.length - scriptShown.length} more lines</Text> : null}
      {command.wouldRun ? (
        <Text color="yellow" wrap="truncate">
          would run: {command.wouldRun}
        </Text>
      ) : null}
      {command.running || command.output ? (
        <Box flexDirection="column">
          {outShown.map((l, i) => (
            <Text key={i} wrap="truncate">
              {l}
            </Text>
          ))}
        </Box>
      ) : null}
      {command.running ? <Text color="cyan">running… (Esc stops it)</Text> : null}
      {done ? (
        <Text color={command.exitCode === 0 ? 'green' : 'red'}>
          exit {command.exitCode ?? 'killed'} — output saved as evidence
        </Text>
      ) : null}
      {!command.running ? (
        <Box>
          <Text>
            Type <Text bold>{word}</Text> and Enter to {dryRun ? 'show what would run' : 'run'}:{' '}
          </Text>
          <TextInput
            value={value}
            onChange={(v) => setValue(cleanInput(v))}
            onSubmit={(v) => {
              setValue('');
              void store.getState().runCommandBlock(v);
            }}
            focus={active}
          />
        </Box>
      ) : null}
      {error ? <Text color="red" wrap="truncate">✗ {error}</Text> : null}
      <Footer hints={['Enter confirm', 'Tab/↑↓ other block', 'Esc back (stops a run)', 'Ctrl-C quit']} />
    </Box>
  );
}
