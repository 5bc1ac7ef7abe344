/** The `baseline` probe kind: its parameters, its doc row and what it loads lazily (./baseline.ts, undici). */
import * as z from 'zod';
import { count, duration, posInt, str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  url,
  requests: posInt.max(200).default(10),
  /** Stored baseline p50 in ms; or a JSON file with {"p50": ms, "p95": ms}. */
  baseline_ms: duration.optional(),
  baseline_file: str.optional(),
  /** Rollback criterion: fail when p50 rose more than this % over the baseline. */
  max_increase_pct: count.default(50),
});

export const kind = defineKind({
  name: 'baseline',
  params,
  doc: { library: 'undici', checks: 'N timed requests, p50/p95 against a stored baseline' },
  load: () => import('../baseline.js').then((m) => m.probe),
  library: () => import('undici'),
});
