import React from 'react';
import { Box, Static, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { ProbeResult, ProbeStatus } from '../probes/types.js';
import type { RunningProbe, RunSummary, WizardStore } from '../store/wizard-store.js';
import { forTerminal } from '../report/escape.js';
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

/** One finished probe: `✓ PASS http  HTTP 200 in 3 ms  (12 ms)`. */
export function ProbeResultLine({ result }: { result: ProbeResult }) {
  const m = MARK[result.status];
  return (
    <Text wrap="truncate">
      <Text color={m.color}>
        {m.glyph} {result.status.toUpperCase().padEnd(5)}
      </Text>{' '}
      {result.kind.padEnd(8)} {forTerminal(result.summary)} <Text dimColor>({Math.round(result.durationMs)} ms)</Text>
    </Text>
  );
}

/** Finished results, printed once above the live frame (only live work re-renders). */
export function FinishedProbes({ store }: { store: WizardStore }) {
  const results = useWizard(store, (s) => s.results);
  return <Static items={results}>{(r, i) => <ProbeResultLine key={i} result={r} />}</Static>;
}

export interface ProbeLinesProps {
  store: WizardStore;
  /** Most running probes shown one per line (the rest are counted). Default 3. */
  maxLines?: number;
}

export function summaryText(run: RunSummary): string {
  const secs = (run.durationMs / 1000).toFixed(1);
  return `${run.cancelled ? 'cancelled — ' : ''}${run.passed} passed, ${run.failed} failed${run.other ? `, ${run.other} other` : ''} in ${secs}s`;
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
        <Text color={last.failed ? 'red' : last.cancelled ? 'yellow' : 'green'} wrap="truncate">
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
