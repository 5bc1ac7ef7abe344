import React from 'react';
import { Text } from 'ink';
import type { Progress } from '../store/progress.js';

/** The bar's characters: filled for settled, ✗-coloured for failed, dots for the rest. */
export function barText(p: Progress, width: number): { done: string; failed: string; rest: string } {
  if (p.total === 0) return { done: '', failed: '', rest: '·'.repeat(width) };
  const d = Math.round((p.settled / p.total) * width);
  const f = Math.min(width - d, Math.round((p.failed / p.total) * width) || (p.failed > 0 ? 1 : 0));
  return { done: '█'.repeat(d), failed: '█'.repeat(f), rest: '·'.repeat(Math.max(0, width - d - f)) };
}

export interface ProgressBarProps {
  progress: Progress;
  /** Bar width in cells (default 10). */
  width?: number;
}

/** `█████···· 5/9 ✗1`: done in green, failures in red (and counted, for NO_COLOR). */
export function ProgressBar({ progress, width = 10 }: ProgressBarProps) {
  const b = barText(progress, width);
  return (
    <Text>
      <Text color="green">{b.done}</Text>
      <Text color="red">{b.failed}</Text>
      <Text dimColor>{b.rest}</Text>
      <Text> {`${progress.settled}/${progress.total}`.padStart(5)}</Text>
      {progress.failed > 0 ? <Text color="red"> ✗{progress.failed}</Text> : null}
    </Text>
  );
}
