import React from 'react';
import { Box, Text } from 'ink';
import type { Checklist, Guidance, Section } from '../checklist/types.js';
import { forTerminal } from '../text/escape.js';
import type { WizardStore } from '../store/wizard-store.js';
import { GLYPH, itemState, sectionProgress } from '../store/progress.js';
import { announcementOfItem } from '../store/announce-slice.js';
import { commandChoices, lastRunOf } from '../store/command-plan.js';
import { shortTime } from './time-text.js';
import type { ItemState } from '../session/schema.js';
import { SECTION_KEYS, hints } from './keymap.js';
import { Footer, footerHeight } from './footer.js';
import { ProgressBar } from './progress-bar.js';
import { ProbeLines, probeLinesHeight } from './probe-lines.js';
import { StatusLines, statusHeight } from './status-lines.js';
import { fitEnd, windowAround } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';
import { useShallow } from 'zustand/react/shallow';

const STATE_COLOR: Record<ItemState, string | undefined> = {
  pending: undefined,
  done: 'green',
  verified: 'green',
  failed: 'red',
  skipped: 'yellow',
  na: 'gray',
};

/** Guidance flattened to display lines; command blocks are prefixed with `│`. */
export function guidanceLines(guidance: Guidance[]): { text: string; command: boolean }[] {
  const out: { text: string; command: boolean }[] = [];
  for (const g of guidance) {
    const lines = g.text.replace(/\n+$/, '').split('\n');
    for (const l of lines) out.push({ text: g.kind === 'command' ? `│ ${l}` : l, command: g.kind === 'command' });
  }
  return out;
}

/**
 * Split the rows left for a section between guidance and items: items first
 * (at least 3 or all), guidance gets up to 4 lines or whatever remains, and a
 * "… N more" line when it is cut.
 */
export function layoutSection(items: number, guide: number, room: number): { itemRoom: number; guideShown: number; hidden: number } {
  const want = Math.min(guide, 4);
  const hint = guide > want ? 1 : 0;
  const itemRoom = Math.max(Math.min(items, 3, room), Math.min(items, room - want - hint));
  const guideRoom = Math.max(0, room - itemRoom);
  if (guide <= guideRoom) return { itemRoom, guideShown: guide, hidden: 0 };
  const guideShown = Math.max(0, guideRoom - 1);
  return { itemRoom, guideShown, hidden: guideRoom >= 1 ? guide - guideShown : 0 };
}

export interface SectionViewProps {
  store: WizardStore;
  checklist: Checklist;
}

/** One section: its guidance and command blocks, its items with state glyphs, live probes and every key. */
export function SectionView({ store, checklist }: SectionViewProps) {
  const { rows, columns } = useTerminalSize();
  const session = useWizard(store, (s) => s.session);
  const cursor = useWizard(store, (s) => s.cursor);
  const status = useWizard(store, useShallow((s) => ({ banner: s.banner, error: s.error, notice: s.notice, unsaved: s.unsaved, incident: s.incident, team: s.team, watching: s.watching })));
  const runningCount = useWizard(store, (s) => Object.keys(s.running).length);
  const hasSummary = useWizard(store, (s) => Boolean(s.lastRun));
  const section: Section | undefined = checklist.sections.find((s) => s.id === cursor.sectionId);
  if (!section) return <Text color="red">No section selected.</Text>;

  const items = section.itemIds.map((id) => checklist.items.find((i) => i.id === id)!).filter(Boolean);
  const idx = Math.max(0, items.findIndex((i) => i.id === cursor.itemId));
  const current = items[idx];
  const footer = hints(SECTION_KEYS, { ...status, announces: Boolean(announcementOfItem(current)) });
  const rec = current ? session.items[current.id] : undefined;
  const lastProbe = rec?.probes.at(-1);
  const detail = rec?.reason ? `${rec.state === 'na' ? 'n/a' : rec.state}: ${rec.reason}` : rec?.note ? `note: ${rec.note}` : lastProbe ? `probe: ${lastProbe.status} — ${lastProbe.summary}` : '';

  // A section with a command block shows that it ran: when, by whom, its verdict (not a 0/0 bar when it has no items).
  const hasBlock = commandChoices(section).length > 0;
  const ran = hasBlock ? lastRunOf(session, section.id) : undefined;
  // Budget the frame to rows-1 so Ink never falls back to clearing the whole screen.
  const fixed = 1 + (ran ? 1 : 0) + statusHeight(status, columns) + (detail ? 1 : 0) + probeLinesHeight(runningCount, hasSummary) + footerHeight(footer, columns);
  const room = Math.max(2, rows - 1 - fixed);
  const guide = guidanceLines(section.guidance);
  const { itemRoom, guideShown, hidden } = layoutSection(items.length, guide.length, room);
  const { start, end } = windowAround(items.length, idx, itemRoom);
  const p = sectionProgress(checklist, session, section.id);

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {fitEnd((section.path.length > 1 ? section.path.slice(1) : section.path).join(' › '), columns - 24)}{' '}
        {p.total > 0 || !hasBlock ? <ProgressBar progress={p} width={6} /> : <Text dimColor>{ran ? 'block ran' : 'block not run (r)'}</Text>}
      </Text>
      {ran ? (
        <Text wrap="truncate" color={ran.failed ? 'red' : 'green'}>
          {ran.failed ? '✗' : '✓'} ran {shortTime(ran.at)} by {forTerminal(ran.who)}: {forTerminal(ran.verdict)}
          {ran.run.context ? <Text dimColor> · kube {forTerminal(ran.run.context)}/{forTerminal(ran.run.namespace ?? '?')}</Text> : null}
        </Text>
      ) : null}
      <StatusLines store={store} />
      {guide.slice(0, guideShown).map((g, i) => (
        <Text key={`g${i}`} color={g.command ? 'cyan' : undefined} dimColor={!g.command} wrap="truncate">
          {g.text || ' '}
        </Text>
      ))}
      {hidden > 0 ? (
        <Text dimColor wrap="truncate">
          … {hidden} more guidance line{hidden === 1 ? '' : 's'}
        </Text>
      ) : null}
      {items.length === 0 ? <Text dimColor>(no items in this section: →/l for the next one)</Text> : null}
      {items.slice(start, end).map((it, j) => {
        const i = start + j;
        const st = itemState(session, it.id);
        const on = i === idx;
        const r = session.items[it.id];
        const marks = `${r?.note ? ' ✎' : ''}${it.probes.length ? ` ⚡${it.probes.length}` : ''}${r?.override ? ' (override)' : ''}`;
        const more = i === start && start > 0 ? '↑' : i === end - 1 && end < items.length ? '↓' : ' ';
        return (
          <Text key={it.id} wrap="truncate">
            <Text color="cyan">{on ? '▶' : ' '}</Text>
            <Text dimColor>{more}</Text>
            <Text color={STATE_COLOR[st]}>{GLYPH[st]}</Text> <Text bold={on}>{it.text}</Text>
            <Text dimColor>{marks}</Text>
          </Text>
        );
      })}
      {detail ? (
        <Text dimColor wrap="truncate">
          {'   '}
          {forTerminal(detail)}
        </Text>
      ) : null}
      <ProbeLines store={store} />
      <Footer hints={footer} width={columns} />
    </Box>
  );
}
