import React from 'react';
import { Box, Text } from 'ink';
import { HELP_KEYS, OVERVIEW_KEYS, SECTION_KEYS, WATCH_KEYS, type KeyBinding } from './keymap.js';
import { Footer } from './footer.js';
import { useTerminalSize } from './use-terminal-size.js';

function keyLabel(b: KeyBinding): string {
  const names: Record<string, string> = { up: '↑', down: '↓', left: '←', right: '→', return: 'Enter', escape: 'Esc', tab: 'Tab' };
  return [...(b.keys ?? []).map((k) => names[k]), ...(b.chars ?? [])].join(' ');
}

/** Every key of the section walk and the overview, from the same tables the footers use. */
export function HelpScreen() {
  const { rows, columns } = useTerminalSize();
  const lines = SECTION_KEYS.map((b) => `${keyLabel(b).padEnd(9)} ${b.help}`);
  const notes = [
    'Overview: ' + OVERVIEW_KEYS.filter((b) => b.label).slice(0, 3).map((b) => `${b.label} ${b.hint}`).join(', ') + '; the rest as above',
    'Watch (w): ' + WATCH_KEYS.slice(0, 2).map((b) => `${b.label} ${b.hint}`).join(', ') + '; it goes on in other sections; resume continues it',
    'Forms: Enter confirm, Esc cancel, Tab field, ↑↓ list; Ctrl-C saves, exits 130.',
    'Every change is saved at once; `deploy-wizard resume` reopens at the same item.',
  ];
  // Two columns when the terminal is too short for one.
  const room = rows - 3 - notes.length;
  const half = Math.ceil(lines.length / 2);
  const twoCols = lines.length > room && columns >= 80;
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {twoCols ? (
        <Box>
          <Box flexDirection="column" width={Math.floor(columns / 2)}>
            {lines.slice(0, half).map((l, i) => (
              <Text key={i} wrap="truncate">{l || ' '}</Text>
            ))}
          </Box>
          <Box flexDirection="column" width={Math.floor(columns / 2)}>
            {lines.slice(half).map((l, i) => (
              <Text key={i} wrap="truncate">{l || ' '}</Text>
            ))}
          </Box>
        </Box>
      ) : (
        lines.map((l, i) => (
          <Text key={i} wrap="truncate">
            {l || ' '}
          </Text>
        ))
      )}
      {notes.map((l, i) => (
        <Text key={`n${i}`} dimColor wrap="truncate">
          {l}
        </Text>
      ))}
      <Footer hints={HELP_KEYS.map((b) => `${b.label} ${b.hint}`)} width={columns} />
    </Box>
  );
}
