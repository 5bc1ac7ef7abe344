import React from 'react';
import { Box, Text } from 'ink';
import type { Checklist } from '../checklist/types.js';
import type { WizardStore } from '../store/wizard-store.js';
import { progressBreakdown, progressOf, progressText, sectionProgress, walkSections } from '../store/progress.js';
import { OVERVIEW_KEYS, hints } from './keymap.js';
import { Footer, footerHeight } from './footer.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLines, statusHeight } from './status-lines.js';
import { fit, windowAround } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';
import { useShallow } from 'zustand/react/shallow';

export interface OverviewProps {
  store: WizardStore;
  checklist: Checklist;
}

/** The section tree with a progress bar per section; the current position is always named on top. */
export function Overview({ store, checklist }: OverviewProps) {
  const { rows, columns } = useTerminalSize();
  const session = useWizard(store, (s) => s.session);
  const highlighted = useWizard(store, (s) => s.overviewSectionId);
  const cursor = useWizard(store, (s) => s.cursor);
  const status = useWizard(store, useShallow((s) => ({ banner: s.banner, error: s.error, notice: s.notice, unsaved: s.unsaved, incident: s.incident, team: s.team, watching: s.watching })));
  const footer = hints(OVERVIEW_KEYS, status);
  const walkable = new Set(walkSections(checklist).map((s) => s.id));

  const here = checklist.sections.find((s) => s.id === cursor.sectionId);
  const hereItem = checklist.items.find((i) => i.id === cursor.itemId);
  const all = checklist.items.length;
  const total = progressOf(session, checklist.items.map((i) => i.id));
  // What follows the title; the title gives up cells first so the counts stay on screen.
  const headerRest = ` — ${session.environment} — ${progressText({ ...total, total: all })} (${progressBreakdown(total)})`;

  const fixed = 2 + statusHeight(status, columns) + footerHeight(footer, columns);
  const listHeight = Math.max(3, rows - 1 - fixed);
  const idx = checklist.sections.findIndex((s) => s.id === highlighted);
  const { start, end } = windowAround(checklist.sections.length, idx, listHeight);
  const barWidth = 10;
  const titleWidth = Math.max(10, columns - barWidth - 16);

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {fit(checklist.title, Math.max(10, columns - 1 - headerRest.length))}{` — ${session.environment} — ${total.settled}/${all} settled`}
        {total.failed ? <Text color="red"> ✗{total.failed}</Text> : null} ({progressBreakdown(total)})
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">● you are at: </Text>
        {here ? here.path.slice(-2).join(' › ') : '(start)'}
        {hereItem ? ` › ${hereItem.text}` : ''}
      </Text>
      <StatusLines store={store} />
      {checklist.sections.slice(start, end).map((s) => {
        const p = sectionProgress(checklist, session, s.id);
        const on = s.id === highlighted;
        const indent = '  '.repeat(Math.max(0, s.depth - 1));
        const marker = on ? '▶' : ' ';
        const at = s.id === cursor.sectionId ? '●' : ' ';
        const label = fit(`${indent}${s.title}`, titleWidth - 4).padEnd(titleWidth - 4);
        return (
          <Text key={s.id} wrap="truncate">
            <Text color={on ? 'cyan' : undefined} bold={on}>
              {marker}
              {at} {label}
            </Text>{' '}
            {p.total > 0 ? <ProgressBar progress={p} width={barWidth} /> : <Text dimColor>{walkable.has(s.id) ? '(guidance)' : ''}</Text>}
          </Text>
        );
      })}
      <Footer hints={footer} width={columns} />
    </Box>
  );
}

