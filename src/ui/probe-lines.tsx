import React, { useMemo } from 'react';
import { Box, Static, Text } from 'ink';
import type { Checklist } from '../checklist/types.js';
import { adviceFor, countsText, STATUS_LABEL } from '../verdict/probe.js';
import { fit } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import Spinner from 'ink-spinner';
import type { ProbeResult, ProbeStatus } from '../probes/types.js';
import type { RunningProbe, RunSummary, WizardStore } from '../store/wizard-store.js';
import { forTerminal } from '../text/escape.js';
import { joinLines } from '../text/lines.js';
import { useWizard } from './use-wizard.js';
import { SPINNER_NAME } from './spinner.js';

const MARK: Record<ProbeStatus, { glyph: string; color: string }> = {
  pass: { glyph: '✓', color: 'green' },
  warn: { glyph: '!', color: 'yellow' },
  fail: { glyph: '✗', color: 'red' },
  error: { glyph: '✗', color: 'red' },
  skipped: { glyph: '-', color: 'gray' },
  inconclusive: { glyph: '?', color: 'magenta' },
};

/** Cells an item's name may take on a result line of `columns`: the summary after it keeps the rest. */
export function itemNameWidth(columns: number): number {
  return Math.max(12, Math.floor((columns - 16) * 0.4));
}

export interface ProbeResultLineProps {
  result: ProbeResult;
  /** The item the probe belongs to (its text, shortened to fit); left out when the result names none. */
  item?: string;
  /** Terminal columns (default 80). */
  columns?: number;
}

/**
 * One finished probe, labelled and advised as `check` labels and advises it:
 * `✓ PASS  http  Health endpoint responding — HTTP 200 in 3 ms (12 ms)`, and
 * for a result that did not judge, what to do on the line under it
 * (`→ set the variables it names …`).
 */
export function ProbeResultLine({ result, item, columns = 80 }: ProbeResultLineProps) {
  const m = MARK[result.status];
  const advice = adviceFor(result);
  const name = item ? `${fit(joinLines(forTerminal(item)), itemNameWidth(columns))} — ` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text color={m.color}>
          {m.glyph} {STATUS_LABEL[result.status].padEnd(5)}
        </Text>{' '}
        {result.kind.padEnd(6)} {name}
        {joinLines(forTerminal(result.summary))}
        {result.status === 'skipped' ? null : <Text dimColor> ({Math.round(result.durationMs)} ms)</Text>}
      </Text>
      {/* Advice longer than a line wraps under its first word, not at column 0 among the result lines. */}
      {advice ? (
        <Box paddingLeft={4}>
          <Text dimColor>→ </Text>
          <Box flexShrink={1}>
            <Text dimColor>{joinLines(forTerminal(advice))}</Text>
          </Box>
        </Box>
      ) : null}
    </Box>
  );
}

/** Finished results, printed once above the live frame (only live work re-renders), each naming its item. */
export function FinishedProbes({ store, checklist }: { store: WizardStore; checklist: Checklist }) {
  const results = useWizard(store, (s) => s.results);
  const { columns } = useTerminalSize();
  const items = useMemo(() => new Map(checklist.items.map((i) => [i.id, i.text])), [checklist]);
  return <Static items={results}>{(r, i) => <ProbeResultLine key={i} result={r} item={r.itemId ? items.get(r.itemId) : undefined} columns={columns} />}</Static>;
}

export interface ProbeLinesProps {
  store: WizardStore;
  /** Most running probes shown one per line (the rest are counted). Default 3. */
  maxLines?: number;
}

/** `1 passed, 0 failed, 6 skipped (not configured) in 0.3s`: the verdict core's words, the ones the lines use. */
function summaryText(run: RunSummary): string {
  const secs = (run.durationMs / 1000).toFixed(1);
  return `${run.cancelled ? 'cancelled — ' : ''}${countsText(run.counts)} in ${secs}s`;
}

/** Running probes with spinners, then the last run's summary and duration. */
export function ProbeLines({ store, maxLines = 3 }: ProbeLinesProps) {
  const running = useWizard(store, (s) => s.running);
  const last = useWizard(store, (s) => s.lastRun);
  const list: RunningProbe[] = Object.values(running);
  return (
    <Box flexDirection="column">
      {list.slice(0, maxLines).map((r) => (
        <Text key={r.key} wrap="truncate">
          <Text color="cyan">
            <Spinner type={SPINNER_NAME} />
          </Text>{' '}
          {r.kind.padEnd(8)} <Text dimColor>{forTerminal(r.spec)}</Text>
        </Text>
      ))}
      {list.length > maxLines ? <Text dimColor>…and {list.length - maxLines} more running (Esc cancels)</Text> : null}
      {list.length === 0 && last ? (
        <Text color={last.counts.failed + last.counts.errors ? 'red' : last.cancelled ? 'yellow' : 'green'} wrap="truncate">
          probes: {summaryText(last)}
        </Text>
      ) : null}
    </Box>
  );
}

/** Lines ProbeLines takes (for layout budgets). */
export function probeLinesHeight(running: number, hasSummary: boolean, maxLines = 3): number {
  if (running === 0) return hasSummary ? 1 : 0;
  return Math.min(running, maxLines) + (running > maxLines ? 1 : 0);
}
