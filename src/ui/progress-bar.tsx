import React from 'react';
import { Text } from 'ink';
import type { Progress } from '../store/progress.js';

/**
 * The bar's characters, from the one progress count (verdict/items.ts):
 * `█` proved by probes, `▓` partly proved, `▒` settled by hand (ticked,
 * skipped, n/a), red `█` failed, dots for the rest. Distinct characters, so
 * probe-verified and hand-ticked stay apart under NO_COLOR too.
 */
function barText(p: Progress, width: number): { proved: string; partly: string; hand: string; failed: string; rest: string } {
  if (p.total === 0) return { proved: '', partly: '', hand: '', failed: '', rest: '·'.repeat(width) };
  const cells = (n: number) => Math.round((n / p.total) * width);
  const settled = cells(p.settled);
  const proved = Math.min(settled, cells(p.proved));
  const partly = Math.min(settled - proved, cells(p.partly));
  const hand = settled - proved - partly;
  const f = Math.min(width - settled, cells(p.failed) || (p.failed > 0 ? 1 : 0));
  return { proved: '█'.repeat(proved), partly: '▓'.repeat(partly), hand: '▒'.repeat(hand), failed: '█'.repeat(f), rest: '·'.repeat(Math.max(0, width - settled - f)) };
}

export interface ProgressBarProps {
  progress: Progress;
  /** Bar width in cells (default 10). */
  width?: number;
}

/** `██▒▒▒···· 5/9 ✗1`: proved, partly and hand-settled in green, failures in red (and counted, for NO_COLOR). */
export function ProgressBar({ progress, width = 10 }: ProgressBarProps) {
  const b = barText(progress, width);
  return (
    <Text>
      <Text color="green">{b.proved}</Text>
      <Text color="green">{b.partly}</Text>
      <Text color="green">{b.hand}</Text>
      <Text color="red">{b.failed}</Text>
      <Text dimColor>{b.rest}</Text>
      <Text> {`${progress.settled}/${progress.total}`.padStart(5)}</Text>
      {progress.failed > 0 ? <Text color="red"> ✗{progress.failed}</Text> : null}
    </Text>
  );
}
