/** The `rate-limit` probe kind: its parameters, its doc row and what it loads lazily (./rate-limit.ts, undici). */
import * as z from 'zod';
import { posInt, statusList, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  url,
  /** Requests in the burst (bounded to 500). */
  burst: posInt.max(500).default(50),
  expect: statusList.default('429,503'),
  method: z.enum(['GET', 'POST']).default('GET'),
});

export const kind = defineKind({
  name: 'rate-limit',
  params,
  doc: { library: 'undici', checks: 'A bounded burst is answered with 429 (or 503)' },
  proves: 'a bounded burst of requests is answered with 429 (or 503): a limit is enforced',
  load: () => import('../rate-limit.js').then((m) => m.probe),
  library: () => import('undici'),
});
