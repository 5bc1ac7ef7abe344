import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../src/checklist/types.js';
import { runProbes } from '../../src/probes/runner.js';
import { makeTestCa, type TestCa } from '../helpers/certs.js';
import { startHttps, type Local } from './helpers/local.js';

// Issue #11: with an expired certificate, every HTTP-level check used to say
// only "TLS: certificate has expired": one fault hid the rest. Now the tls
// probe owns the certificate verdict and the others still look.
const DJANGO_404 = `<h1>Page not found (404)</h1><p>Using the URLconf defined in <code>callcenter.urls</code></p>
<p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>`;
const HARDENED = { 'strict-transport-security': 'max-age=31536000', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' };

let ca: TestCa;
let app: Local;
beforeAll(async () => {
  ca = makeTestCa();
  const leaf = ca.leaf('expired', 'DNS:localhost,IP:127.0.0.1', -1);
  app = await startHttps(leaf.key, leaf.cert, (req, res) => {
    res.writeHead(req.url === '/health/' ? 200 : 404, { 'content-type': 'text/html', ...HARDENED });
    res.end(req.url === '/health/' ? '{"status":"healthy"}' : DJANGO_404);
  });
});
afterAll(async () => {
  await app?.close();
  ca?.cleanup();
});

const spec = (kind: string, params: Record<string, string>): ProbeSpec => ({ kind, params, raw: `${kind} …`, line: 1, timeoutMs: 3000 });

describe('expired certificate and DEBUG on together', () => {
  it('the tls probe fails for expiry AND the security probe fails for DEBUG, marked as seen without verification', async () => {
    const port = new URL(app.url).port;
    const [tls, security, http] = await runProbes(
      [
        { itemId: 'cert', spec: spec('tls', { host: '127.0.0.1', port, servername: 'localhost', ca: ca.caFile }) },
        { itemId: 'debug', spec: spec('security', { url: `${app.url}/`, ca: ca.caFile, redirect: 'false', bogus_host: 'false' }) },
        { itemId: 'health', spec: spec('http', { url: `${app.url}/health/`, ca: ca.caFile, status: '200' }) },
      ],
      { vars: {} },
    );
    expect(tls.status, tls.summary).toBe('fail');
    expect(tls.summary).toMatch(/expired/);
    expect(security.status, security.summary).toBe('fail');
    expect(security.summary).toMatch(/DEBUG page shown on a missing path/);
    expect(security.summary).toMatch(/\(TLS unverified: certificate has expired\)$/);
    expect(security.summary).not.toMatch(/Strict-Transport-Security|nosniff|X-Frame/);
    // A healthy endpoint behind the same certificate is still seen as healthy: only tls fails for it.
    expect(http.status, http.summary).toBe('pass');
    expect(http.summary).toContain('(TLS unverified: certificate has expired)');
  });
});
