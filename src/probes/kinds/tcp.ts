/** The `tcp` probe kind: its parameters, its doc row and what it loads lazily (./tcp.ts). */
import * as z from 'zod';
import { port, str } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  host: str,
  port,
  /** `open` (default) or `closed`: an internal service must not be reachable. */
  expect: z.enum(['open', 'closed']).default('open'),
});

export const kind = defineKind({
  name: 'tcp',
  params,
  doc: { library: 'node:net', checks: 'TCP port open, or must not be reachable' },
  proves: 'the port accepts a connection, or (expect=closed) does not, from where the probe runs',
  load: () => import('../tcp.js').then((m) => m.probe),
});
