/** The `prometheus-rules` probe kind: its parameters, its doc row and what it loads lazily (./prometheus-rules.ts, undici). */
import * as z from 'zod';
import { nameList, posInt, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Prometheus base URL, e.g. http://prometheus:9090. */
  url,
  /** Rule groups that must be loaded. */
  groups: nameList.optional(),
  /** Alerting rules (alert names) that must be loaded. */
  alerts: nameList.optional(),
  /** Alerting rules needed at least. */
  min_rules: posInt.default(1),
});

export const kind = defineKind({
  name: 'prometheus-rules',
  params,
  doc: { library: 'undici', checks: 'Prometheus alerting rules loaded (named groups/alerts), none failing to evaluate' },
  proves: 'Prometheus has the alerting rules loaded and evaluates them without error',
  load: () => import('../prometheus-rules.js').then((m) => m.probe),
  library: () => import('undici'),
});
