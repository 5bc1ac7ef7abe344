import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { Checklist } from '../checklist/types.js';
import type { WizardStore } from '../store/wizard-store.js';
import { Footer, footerHeight } from './footer.js';
import { isCtrlC } from './keymap.js';
import { detailLines, detailRows, type DetailTone } from './item-detail.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';
import { TeamLine, teamHeight } from './status-lines.js';

const COLOR: Record<DetailTone, { color?: string; bold?: boolean; dim?: boolean }> = {
  title: { bold: true },
  heading: { bold: true, color: 'cyan' },
  pass: { color: 'green' },
  bad: { color: 'red' },
  other: { color: 'yellow' },
  dim: { dim: true },
  plain: {},
  command: { color: 'cyan' },
};

/** Keys of the detail view, as the footer shows them. */
const DETAIL_HINTS = ['↑↓/kj scroll', 'PgUp/PgDn/Space page', 'Esc/Enter/← back', 'Ctrl-C quit'];

export interface DetailViewProps {
  store: WizardStore;
  checklist: Checklist;
}

/**
 * Everything known about the current item, scrollable: guidance, each probe
 * result with its full summary and evidence, the note, the item's history.
 */
export function DetailView({ store, checklist }: DetailViewProps) {
  const { rows, columns } = useTerminalSize();
  const itemId = useWizard(store, (s) => s.cursor.itemId);
  const session = useWizard(store, (s) => s.session);
  const active = useWizard(store, (s) => s.screen === 'detail' && !s.exit);
  const teamRows = useWizard(store, (s) => teamHeight(s));
  const [top, setTop] = useState(0);
  const item = checklist.items.find((i) => i.id === itemId);
  const all = item ? detailRows(detailLines(checklist, session, item), columns) : [];
  // Budget rows-1 (as the section view does) so Ink never clears the whole screen.
  const room = Math.max(3, rows - 1 - 1 - teamRows - footerHeight(DETAIL_HINTS, columns));
  const max = Math.max(0, all.length - room);
  const start = Math.min(top, max);
  const scroll = (d: number) => setTop(Math.max(0, Math.min(max, start + d)));
  useInput(
    (input, key) => {
      if (isCtrlC(input, key)) return void store.getState().interrupt();
      if (key.escape || key.return || key.leftArrow || input === 'h') return store.getState().closeScreen();
      if (key.upArrow || input === 'k') return scroll(-1);
      if (key.downArrow || input === 'j') return scroll(1);
      if (key.pageUp || input === 'b') return scroll(-(room - 1));
      if (key.pageDown || input === ' ') return scroll(room - 1);
      if (input === 'g') return setTop(0);
      if (input === 'G') return setTop(max);
    },
    { isActive: active },
  );
  if (!item) return <Text color="red">No item selected.</Text>;
  const shown = all.slice(start, start + room);
  const below = all.length - start - shown.length;
  return (
    <Box flexDirection="column">
      <TeamLine store={store} />
      {shown.map((l, i) => {
        const c = COLOR[l.tone];
        return (
          <Text key={i} wrap="truncate" color={c.color} bold={c.bold} dimColor={c.dim}>
            {l.text || ' '}
          </Text>
        );
      })}
      <Text dimColor wrap="truncate">
        {all.length > room ? `lines ${start + 1}–${start + shown.length} of ${all.length}${below > 0 ? ` — ↓ ${below} more` : ' — end'}` : `— end of details (${all.length} lines)`}
      </Text>
      <Footer hints={DETAIL_HINTS} width={columns} />
    </Box>
  );
}
