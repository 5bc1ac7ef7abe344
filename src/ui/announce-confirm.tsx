import React from 'react';
import { Box, Text } from 'ink';
import { forTerminal } from '../text/escape.js';
import type { WizardStore } from '../store/wizard-store.js';
import { Footer } from './footer.js';
import { ANNOUNCE_KEYS, hints } from './keymap.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';

/**
 * `a`: the announcement exactly as it will be sent and where it goes
 * (audience and host, never the URL); y sends, n or Esc leaves it unsent.
 * Its keys are the screen table's (use-screen-keys.ts).
 */
export function AnnounceConfirm({ store }: { store: WizardStore }) {
  const { columns } = useTerminalSize();
  const a = useWizard(store, (s) => s.announcing);
  if (!a) return <Text dimColor>No announcement to send.</Text>;
  return (
    <Box flexDirection="column">
      <Text bold wrap="wrap">
        Send the {a.kind} announcement to {forTerminal(a.targets.join(', '))}?
      </Text>
      <Box borderStyle="single" paddingX={1}>
        <Text wrap="wrap">{forTerminal(a.text)}</Text>
      </Box>
      {a.sending ? <Text color="yellow">sending…</Text> : <Text dimColor>Each target's answer is recorded in the session (who, when, HTTP status); the item's probe then judges it.</Text>}
      <Footer hints={hints(ANNOUNCE_KEYS)} width={columns} />
    </Box>
  );
}
