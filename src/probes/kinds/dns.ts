/** The `dns` probe kind: its parameters, its doc row and what it loads lazily (./dns.ts). */
import * as z from 'zod';
import { str } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  name: str,
  type: z.enum(['A', 'AAAA', 'CNAME', 'ANY']).default('A'),
  /** Expected address or CNAME target (comma-separated: any of them). */
  expect: str.optional(),
  /** Resolver to ask, `host:port`; the system resolver when left out. */
  server: str.optional(),
});

export const kind = defineKind({
  name: 'dns',
  params,
  doc: { library: 'node:dns', checks: 'DNS name resolves (to an expected address or CNAME)' },
  proves: 'the name resolves (to the expected address or CNAME) from where the probe runs',
  load: () => import('../dns.js').then((m) => m.probe),
});
