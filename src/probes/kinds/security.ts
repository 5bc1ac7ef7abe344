/** The `security` probe kind: its parameters, its doc row and what it loads lazily (./security.ts, undici). */
import * as z from 'zod';
import { bool, port, str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  url,
  /** Check HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy. */
  headers: bool.default(true),
  /** Check that http:// redirects to https://. */
  redirect: bool.default(false),
  /** Port of the http:// twin for the redirect check (the app's HTTP_PORT). */
  http_port: port.default(80),
  /** Check a 404 does not show the Django DEBUG page. */
  debug: bool.default(true),
  /** Check a request with a bogus Host header is rejected (ALLOWED_HOSTS). */
  bogus_host: bool.default(false),
  ca: str.optional(),
});

export const kind = defineKind({
  name: 'security',
  params,
  doc: { library: 'undici', checks: 'Security headers, HTTP→HTTPS redirect, DEBUG page absent, bogus Host rejected' },
  proves: 'the production headers are served, HTTP redirects to HTTPS, no DEBUG page and bogus Host headers are refused',
  load: () => import('../security.js').then((m) => m.probe),
  library: () => import('undici'),
});
