/** The `http` probe kind: its parameters, its doc row and what it loads lazily (./http.ts, undici). */
import * as z from 'zod';
import { bool, duration, statusList, str, url } from '../params.js';
import { defineKind } from '../kind.js';

/**
 * http: one request. Dynamic keys: `json.<path>=value`, `header.<name>=value|present`,
 * `cookie.<name>=secure,httponly,samesite=strict` (the Set-Cookie flags the cookie must carry).
 */
export const params = z.object({
  url,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']).default('GET'),
  status: statusList.default('200-299'),
  /** Body must contain this text. */
  contains: str.optional(),
  /** Body must not contain this text. */
  absent: str.optional(),
  /** Fail when the response takes longer (ms). */
  max_ms: duration.optional(),
  /** Follow redirects (off by default: a redirect is an answer). */
  follow: bool.default(false),
  /** Extra CA certificate file (PEM) to trust, e.g. a staging CA. */
  ca: str.optional(),
  /** Ask with `Accept-Encoding: gzip, br` and fail unless the answer is compressed (Content-Encoding). */
  compressed: bool.default(false),
});

export const kind = defineKind({
  name: 'http',
  params,
  dynamicKeys: /^(json|header|cookie)\.[^\s=]+$/,
  doc: { library: 'undici', checks: 'HTTP(S) request: status, JSON field, body text, header, cookie flags, compression, latency' },
  proves: 'the endpoint answered this request as asked (status, JSON fields, headers, body, cookie flags, compression, latency) at that moment',
  load: () => import('../http.js').then((m) => m.probe),
  library: () => import('undici'),
});
