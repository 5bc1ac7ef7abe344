/** The `prometheus` probe kind: its parameters, its doc row and what it loads lazily (./prometheus.ts, undici). */
import * as z from 'zod';
import { str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Prometheus base URL, e.g. http://prometheus:9090. */
  url,
  query: str,
  /** Fail when the value is above this (e.g. 0.05 error rate). */
  max: z.coerce.number().optional(),
  /** Fail when the value is below this. */
  min: z.coerce.number().optional(),
  /** What the value is, for the summary (e.g. `error rate`). */
  name: z.string().optional(),
  /**
   * PromQL counting the requests the value is about (e.g. over the same 5m):
   * fewer than `min_traffic` → inconclusive, not a pass (a rate over no traffic).
   */
  traffic: z.string().optional(),
  /** Requests needed for a verdict when `traffic` is set. */
  min_traffic: z.coerce.number().nonnegative('must be 0 or more').default(1),
});

export const kind = defineKind({
  name: 'prometheus',
  params,
  doc: { library: 'undici', checks: 'PromQL instant query against a threshold' },
  proves: 'the PromQL query result is within its threshold (with enough traffic behind it)',
  load: () => import('../prometheus.js').then((m) => m.probe),
  library: () => import('undici'),
});
