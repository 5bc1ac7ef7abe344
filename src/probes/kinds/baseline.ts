/** The `baseline` probe kind: its parameters, its doc row and what it loads lazily (./baseline.ts, undici). */
import * as z from 'zod';
import { duration, int, msAtLeastZero, posInt, str, url } from '../params.js';
import { DEFAULT_MAX_INCREASE_PCT, DEFAULT_MIN_INCREASE_MS, DEFAULT_PERCENTILE, DEFAULT_REQUESTS } from '../../verdict/latency-rule.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  url,
  /** Requests per measurement: the percentile of many is robust to one slow answer. */
  requests: posInt.max(200).default(DEFAULT_REQUESTS),
  /** The percentile judged against the baseline (p50 by default). */
  percentile: posInt.min(1).max(99).default(DEFAULT_PERCENTILE),
  /** Stored baseline p50 in ms; or a JSON file with {"p50": ms, "p95": ms}. */
  baseline_ms: duration.optional(),
  baseline_file: str.optional(),
  /** Rollback criterion: fail when the figure rose more than this % over the baseline… */
  max_increase_pct: int.min(0).default(DEFAULT_MAX_INCREASE_PCT),
  /** …and by more than this (ms: the name says so; `30ms`, `0.1s` too): jitter on a fast endpoint is no regression. */
  min_increase_ms: msAtLeastZero.default(DEFAULT_MIN_INCREASE_MS),
});

export const kind = defineKind({
  name: 'baseline',
  params,
  doc: { library: 'undici', checks: 'N timed requests (20 by default), a percentile (p50) against a stored baseline: over +max_increase_pct % and +min_increase_ms ms fails' },
  proves: 'the chosen percentile of N requests is within the allowed increase over the stored baseline (a percentage and an absolute floor, both exceeded to fail)',
  load: () => import('../baseline.js').then((m) => m.probe),
  library: () => import('undici'),
});
