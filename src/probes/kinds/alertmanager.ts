/** The `alertmanager` probe kind: its parameters, its doc row and what it loads lazily (./alertmanager.ts, undici). */
import * as z from 'zod';
import { str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Alertmanager base URL, e.g. http://alertmanager:9093. */
  url,
  /** A receiver that must be configured with at least one integration. */
  receiver: str.optional(),
});

export const kind = defineKind({
  name: 'alertmanager',
  params,
  doc: { library: 'undici', checks: 'Alertmanager up, cluster ready, receivers with integrations configured' },
  proves: 'Alertmanager is up, its cluster is ready, and alerts have somewhere to go (a receiver with an integration)',
  load: () => import('../alertmanager.js').then((m) => m.probe),
  library: () => import('undici'),
});
