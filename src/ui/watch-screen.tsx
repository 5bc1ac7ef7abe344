import React from 'react';
import { Box, Text } from 'ink';
import sparkly from 'sparkly';
import { useShallow } from 'zustand/react/shallow';
import type { Checklist } from '../checklist/types.js';
import type { WizardStore } from '../store/wizard-store.js';
import { starterElsewhere, watchRows, type SampleGap, type WatchRow } from '../store/watch-slice.js';
import type { WatchRecord } from '../session/schema.js';
import { figureText, verdictWord, type WindowState } from '../watch/format.js';
import { clockRangeText, clockText, durationText, windowPlanText } from '../grammar/time-format.js';
import { forTerminal } from '../text/escape.js';
import { WATCH_KEYS, hints } from './keymap.js';
import { Footer, footerHeight } from './footer.js';
import { StatusLines, statusHeight } from './status-lines.js';
import { fit } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';

const VERDICT_COLOR: Record<WatchRow['verdict']['phase'], string | undefined> = { running: 'cyan', successful: 'green', failed: 'red', inconclusive: 'yellow' };
/** The title's word for a window that will not be measured again, by why it stopped. */
const STOPPED_STATE: Record<NonNullable<WatchRecord['stopped']>, string> = { met: 'criterion met', ended: 'window ended', operator: 'stopped', signoff: 'stopped at sign-off' };
/** Rows one criterion takes: name and count, sparkline and figures, verdict message. */
const ROW_HEIGHT = 3;

/** Marks for a sample without a value (explained by GAP_LEGEND). */
const GAP_MARK: Record<SampleGap, string> = { error: '×', missed: '·', 'no-data': '?' };
const GAP_LEGEND = '× error  · missed  ? no data  … older samples hidden';

/**
 * The series as a sparkline of at most `width` cells (the latest ones, with
 * `…` at the left when older ones are hidden), scaled from 0 (or the lowest
 * value below it) to the larger of the highest value and the threshold, so a
 * bar's height reads against the limit. A measurement without a value is a
 * mark saying why: `×` an error, `·` a slot missed, `?` no data.
 */
export function sparkline(series: readonly (number | undefined)[], width: number, threshold?: number, gaps: readonly (SampleGap | undefined)[] = []): string {
  const cells = Math.max(1, width);
  const hidden = series.length > cells;
  const from = hidden ? series.length - (cells - 1) : 0;
  const shown = series.slice(from);
  const marks = shown.map((_, i) => GAP_MARK[gaps[from + i] ?? 'missed']);
  const values = shown.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const bars = values.length
    ? sparkly(shown.map((v) => (v === undefined ? Number.NaN : v)), { minimum: Math.min(0, ...values), maximum: Math.max(...values, threshold ?? -Infinity) })
    : ' '.repeat(shown.length);
  const line = [...bars].map((ch, i) => (shown[i] === undefined || ch === ' ' ? marks[i] : ch)).join('');
  return (hidden ? '…' : '') + line;
}

/** `7/20` plus the unjudged and missed counts, e.g. `7/20 · 2 missed`. */
function countText(r: WatchRow): string {
  return `${r.done}/${r.count}${r.missed ? ` · ${r.missed} missed` : ''}`;
}


/**
 * The slots missed while the wizard was closed, said once: `2 slots missed
 * (10:01–10:02 UTC) on each criterion, counted as inconclusive` when every
 * criterion missed the same, else per criterion.
 */
export function missedLine(record: { criteria: { text: string; measurements: { missed?: boolean; startedAt: string }[] }[] } | undefined, rows: readonly Pick<WatchRow, 'missed'>[]): string {
  const counts = rows.map((r) => r.missed);
  const slots = (n: number) => `${n} slot${n === 1 ? '' : 's'} missed`;
  const first = record?.criteria[0]?.measurements.filter((m) => m.missed) ?? [];
  if (counts.length && counts.every((n) => n === counts[0]) && first.length) {
    const span = clockRangeText(first[0].startedAt, first.at(-1)!.startedAt);
    return `${slots(counts[0])} (${span})${counts.length > 1 ? ' on each criterion' : ''}, the wizard closed: inconclusive`;
  }
  const per = (record?.criteria ?? []).map((c) => `${c.measurements.filter((m) => m.missed).length} on ${c.text}`);
  return `slots missed while the wizard was closed (counted as inconclusive): ${per.join(', ')}`;
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
  const limits = useWizard(store, (s) => s.watchLimits);
  const clock = useWizard(store, (s) => s.clock);
  const status = useWizard(store, useShallow((s) => ({ banner: s.banner, error: s.error, notice: s.notice, unsaved: s.unsaved, incident: s.incident, team: s.team })));
  const record = watches?.at(-1);
  const starterHere = useWizard(store, (s) => (record ? starterElsewhere(s, record, s.operator) : false));
  const list = watchRows({ watches }, checklist);
  const footer = hints(WATCH_KEYS, status);
  const criteria = checklist.criteria ?? [];

  const spark = Math.max(4, Math.min(40, columns - 44));
  const missed = list.reduce((n, r) => n + r.missed, 0);
  const missedText = missed ? missedLine(record, list) : undefined;
  const legend = list.some((r) => r.gaps.some(Boolean) || r.series.length > spark);
  const fixed = 2 + (record ? 0 : criteria.length) + statusHeight(status, columns) + (missedText ? Math.ceil(missedText.length / Math.max(1, columns)) : 0) + (question ? Math.ceil(question.length / Math.max(1, columns)) : 0) + (legend ? 1 : 0) + footerHeight(footer, columns);
  const room = rows - 1 - fixed;
  const fitRows = Math.max(1, Math.floor((list.length * ROW_HEIGHT > room ? room - 1 : room) / ROW_HEIGHT));
  const shown = list.slice(0, fitRows);
  // A window saved unfinished (q, a suspended wizard) is paused, not stopped: resume continues it.
  const windowState: WindowState = watching ? 'live' : record && !record.stopped ? 'paused' : 'stopped';
  const state = !record
    ? 'not started'
    : watching
      ? 'running'
      : record.stopped
        ? STOPPED_STATE[record.stopped]
        : starterHere
          ? `measured in ${record.by}'s wizard (here now)`
          : 'paused — resume continues it';
  // While measuring: when the window ends and how long is left, on the store's clock.
  const endsAt = record ? Date.parse(record.startedAt) + Math.max(0, ...record.criteria.map((c) => c.limits.intervalMs * c.limits.count)) : 0;
  const since = !record
    ? ''
    : watching
      ? ` · ${clockRangeText(record.startedAt, endsAt)} (${durationText(Math.max(0, endsAt - clock()))} left)`
      : ` · since ${clockText(record.startedAt)}`;

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        Watch: rollback criteria — {state}
        <Text dimColor>{since}</Text>
      </Text>
      <StatusLines store={store} watchLine={false} />
      {question ? (
        <Text color="yellow" bold wrap="wrap">
          {question}
        </Text>
      ) : null}
      {!record ? (
        <Text dimColor wrap="wrap">
          {criteria.length
            ? `${criteria.length} criteri${criteria.length === 1 ? 'on' : 'a'} to watch; s starts measuring each over its window (it goes on while you walk other sections):`
            : 'This checklist has no rollback criteria to watch: annotate one with <!-- watch: KIND ... --> (docs/checklist-format.md).'}
        </Text>
      ) : null}
      {!record
        ? criteria.map((c) => {
            const w = limits[c.id]?.window;
            const plan = w ? ` — ${limits[c.id].threshold}, ${windowPlanText(w.intervalMs, w.count)}` : '';
            return (
              <Text key={c.id} wrap="truncate">
                {'  • '}
                {forTerminal(c.text)}
                <Text dimColor>{plan}</Text>
              </Text>
            );
          })
        : null}
      {missed ? (
        <Text color="yellow" wrap="wrap">
          {missedText}
        </Text>
      ) : null}
      {shown.map((r) => {
        const latest = r.latest;
        // Without a figure (no data, an error, a missed slot) the latest sample says what happened instead.
        const own = limits[r.id];
        // The baseline this window compares with is the one it recorded at its start.
        const baselineMs = r.reference?.ms ?? own?.baselineMs;
        const figure = (latest && figureText(latest, r.kind, baselineMs)) ?? (latest ? `${latest.phase}: ${latest.message}` : '—');
        const limit = r.reference ? `${(own?.threshold ?? '').replace(/ of (the baseline p50|\d+(\.\d+)? ms)$/, '')} of ${r.reference.ms} ms (${r.reference.from})` : (own?.threshold ?? (r.threshold ? `${r.threshold.sense} ${r.threshold.value}` : 'no numeric limit'));
        // The latest sample stands out when it failed (red) or verified nothing (yellow).
        const latestColor = latest?.phase === 'failed' ? 'red' : latest && latest.phase !== 'successful' ? 'yellow' : undefined;
        // The count is never cut: the criterion's text gives way (verdict column 12, a space, the count).
        const head = fit(forTerminal(r.text), Math.max(10, columns - 16 - countText(r).length - 1));
        return (
          <Box key={r.id} flexDirection="column">
            <Text wrap="truncate">
              <Text color={VERDICT_COLOR[r.verdict.phase]} bold>
                {verdictWord(r.verdict.phase, windowState, r.cannot).padEnd(15)}
              </Text>
              {head} <Text dimColor>{countText(r)}</Text>
            </Text>
            <Text wrap="truncate">
              {'  '}
              {r.cannot ? (
                <Text color="yellow">cannot be measured: {forTerminal(r.cannot.why)}</Text>
              ) : (
                <>
                  <Text color={r.verdict.phase === 'failed' ? 'red' : 'cyan'}>{r.series.length ? sparkline(r.series, spark, r.threshold?.value, r.gaps) : '(no sample yet)'}</Text>
                  <Text dimColor> {limit} · latest </Text>
                  <Text color={latestColor}>{forTerminal(figure)}</Text>
                </>
              )}
            </Text>
            {/* A criterion that cannot be measured said why on the line above: its verdict's message repeats it. */}
            {r.cannot && r.verdict.message.includes(r.cannot.why) ? null : (
              <Text dimColor wrap="truncate">
                {'  '}
                {forTerminal(r.verdict.message)}
              </Text>
            )}
          </Box>
        );
      })}
      {legend ? (
        <Text dimColor wrap="truncate">
          {GAP_LEGEND}
        </Text>
      ) : null}
      {list.length > shown.length ? <Text dimColor>… {list.length - shown.length} more (a taller terminal shows them)</Text> : null}
      <Footer hints={footer} width={columns} />
    </Box>
  );
}
