/** The `grafana` probe kind: its parameters, its doc row and what it loads lazily (./grafana.ts, undici). */
import * as z from 'zod';
import { nameList, str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Grafana base URL, e.g. https://grafana.example.com. */
  url,
  /** Service account token or API key (sent as a Bearer token; masked). */
  token: str.optional(),
  /** Dashboard titles that must be found (`/api/search`). */
  dashboards: nameList.optional(),
});

export const kind = defineKind({
  name: 'grafana',
  params,
  doc: { library: 'undici', checks: 'Grafana healthy (database ok), dashboards found by title' },
  proves: 'Grafana answers with its database ok and serves each named dashboard',
  load: () => import('../grafana.js').then((m) => m.probe),
  library: () => import('undici'),
});
