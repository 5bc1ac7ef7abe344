/** The `tls` probe kind: its parameters, its doc row and what it loads lazily (./tls.ts). */
import * as z from 'zod';
import { count, port, str } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  host: str,
  port: port.default(443),
  /** SNI / hostname to verify; defaults to host. */
  servername: str.optional(),
  /** Warn when the certificate expires within this many days; fail when expired. */
  min_days: count.default(14),
  min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  ca: str.optional(),
});

export const kind = defineKind({
  name: 'tls',
  params,
  doc: { library: 'node:tls', checks: 'TLS certificate: trusted chain, hostname, days to expiry, protocol' },
  proves: 'the certificate served for the host chains to a trusted root, matches the name and is valid for the days asked',
  load: () => import('../tls.js').then((m) => m.probe),
});
