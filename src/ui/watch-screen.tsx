import React from 'react';
import { Box, Text } from 'ink';
import sparkly from 'sparkly';
import { useShallow } from 'zustand/react/shallow';
import type { Checklist } from '../checklist/types.js';
import type { WizardStore } from '../store/wizard-store.js';
import { watchRows, type WatchRow } from '../store/watch-slice.js';
import { verdictWord, type WindowState } from '../watch/format.js';
import { forTerminal } from '../report/escape.js';
import { WATCH_KEYS, hints } from './keymap.js';
import { Footer, footerHeight } from './footer.js';
import { StatusLines, statusHeight } from './status-lines.js';
import { fit } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';

const VERDICT_COLOR: Record<WatchRow['verdict']['phase'], string | undefined> = { running: 'cyan', successful: 'green', failed: 'red', inconclusive: 'magenta' };
/** Rows one criterion takes: name and count, sparkline and figures, verdict message. */
const ROW_HEIGHT = 3;

/**
 * The series as a sparkline of at most `width` cells (the latest ones), scaled
 * from 0 (or the lowest value below it) to the larger of the highest value and
 * the threshold, so a bar's height reads against the limit. A measurement
 * without a value (no data, an error, a slot missed) is a gap.
 */
export function sparkline(series: readonly (number | undefined)[], width: number, threshold?: number): string {
  const shown = series.slice(-Math.max(1, width));
  const values = shown.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (!values.length) return '·'.repeat(Math.min(shown.length, width));
  const minimum = Math.min(0, ...values);
  const maximum = Math.max(...values, threshold ?? -Infinity);
  return sparkly(shown.map((v) => (v === undefined ? Number.NaN : v)), { minimum, maximum }).replace(/ /g, '·');
}

/** `7/20` plus the unjudged and missed counts, e.g. `7/20 · 2 missed`. */
function countText(r: WatchRow): string {
  return `${r.done}/${r.count}${r.missed ? ` · ${r.missed} missed` : ''}`;
}


export interface WatchScreenProps {
  store: WizardStore;
  checklist: Checklist;
}

/** One row per rollback criterion of the session's latest watch: sparkline, threshold, latest value, count and window verdict. */
export function WatchScreen({ store, checklist }: WatchScreenProps) {
  const { rows, columns } = useTerminalSize();
  const watches = useWizard(store, (s) => s.session.watches);
  const watching = useWizard(store, (s) => s.watching);
  const question = useWizard(store, (s) => s.watchQuestion);
  const status = useWizard(store, useShallow((s) => ({ banner: s.banner, error: s.error, notice: s.notice, unsaved: s.unsaved, incident: s.incident, team: s.team })));
  const record = watches?.at(-1);
  const list = watchRows({ watches }, checklist);
  const footer = hints(WATCH_KEYS, status);
  const criteria = checklist.criteria ?? [];

  const missed = list.reduce((n, r) => n + r.missed, 0);
  const fixed = 2 + statusHeight(status, columns) + (missed ? 1 : 0) + (question ? 1 : 0) + footerHeight(footer, columns);
  const room = rows - 1 - fixed;
  const fitRows = Math.max(1, Math.floor((list.length * ROW_HEIGHT > room ? room - 1 : room) / ROW_HEIGHT));
  const shown = list.slice(0, fitRows);
  // A window saved unfinished (q, a suspended wizard) is paused, not stopped: resume continues it.
  const windowState: WindowState = watching ? 'live' : record && !record.stopped ? 'paused' : 'stopped';
  const state = !record ? 'not started' : watching ? 'running' : record.stopped === 'met' ? 'criterion met' : record.stopped === 'ended' ? 'window ended' : record.stopped ? 'stopped' : 'paused — resume continues it';
  const since = record ? ` · since ${record.startedAt.slice(11, 19)} UTC` : '';
  const spark = Math.max(4, Math.min(40, columns - 44));

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        Watch: rollback criteria — {state}
        <Text dimColor>{since}</Text>
      </Text>
      <StatusLines store={store} watchLine={false} />
      {question ? (
        <Text color="yellow" bold wrap="truncate">
          {question}
        </Text>
      ) : null}
      {!record ? (
        <Text dimColor wrap="wrap">
          {criteria.length
            ? `${criteria.length} criteri${criteria.length === 1 ? 'on' : 'a'} to watch; s starts measuring each over its window (it goes on while you walk other sections).`
            : 'This checklist has no rollback criteria to watch: annotate one with <!-- watch: KIND ... --> (docs/checklist-format.md).'}
        </Text>
      ) : null}
      {missed ? (
        <Text color="magenta" wrap="truncate">
          {missed} sample{missed === 1 ? '' : 's'} missed while the wizard was closed: counted as inconclusive
        </Text>
      ) : null}
      {shown.map((r) => {
        const latest = r.latest;
        // Without a figure (no data, an error, a missed slot) the latest sample says what happened instead.
        const figure = latest?.value !== undefined ? String(latest.value) : latest ? `${latest.phase}: ${latest.message}` : '—';
        const limit = r.threshold ? `${r.threshold.sense} ${r.threshold.value}` : 'no numeric limit';
        const head = fit(forTerminal(r.text), Math.max(10, columns - 26));
        return (
          <Box key={r.id} flexDirection="column">
            <Text wrap="truncate">
              <Text color={VERDICT_COLOR[r.verdict.phase]} bold>
                {verdictWord(r.verdict.phase, windowState).padEnd(12)}
              </Text>
              {head} <Text dimColor>{countText(r)}</Text>
            </Text>
            <Text wrap="truncate">
              {'  '}
              <Text color={r.verdict.phase === 'failed' ? 'red' : 'cyan'}>{r.series.length ? sparkline(r.series, spark, r.threshold?.value) : '(no sample yet)'}</Text>
              <Text dimColor> {limit} · latest </Text>
              {forTerminal(figure)}
            </Text>
            <Text dimColor wrap="truncate">
              {'  '}
              {forTerminal(r.verdict.message)}
            </Text>
          </Box>
        );
      })}
      {list.length > shown.length ? <Text dimColor>… {list.length - shown.length} more (a taller terminal shows them)</Text> : null}
      <Footer hints={footer} width={columns} />
    </Box>
  );
}
