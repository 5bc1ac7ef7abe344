import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerFindings, httpTwin, probe } from '../../src/probes/security.js';
import { headerMatches } from '../../src/probes/http.js';
import * as schemas from '../helpers/schemas.js';
import { makeTestCa, type TestCa } from '../helpers/certs.js';
import { ctxFor, startHttp, startHttps, type Local } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.security.parse(raw);

const HARDENED = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};
const DJANGO_404 = `<!DOCTYPE html><html><body><h1>Page not found <span>(404)</span></h1>
<p>Using the URLconf defined in <code>config.urls</code>, Django tried these URL patterns, in this order:</p>
<p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p></body></html>`;

function page(res: ServerResponse, status: number, headers: Record<string, string>, body: string) {
  res.writeHead(status, { 'content-type': 'text/html', ...headers });
  res.end(body);
}

let ca: TestCa;
let hardened: Local, bare: Local, debugApp: Local, redirecting: Local, tempRedirect: Local;
beforeAll(async () => {
  ca = makeTestCa();
  const leaf = ca.leaf('app', 'DNS:localhost,IP:127.0.0.1', 60);
  // Like Django behind its proxy: ALLOWED_HOSTS enforced, DEBUG off.
  hardened = await startHttps(leaf.key, leaf.cert, (req, res) => {
    if (!String(req.headers.host).startsWith('127.0.0.1')) return page(res, 400, HARDENED, '<h1>Bad Request (400)</h1>');
    if (req.url === '/') return page(res, 200, HARDENED, '<h1>Call center</h1>');
    page(res, 404, HARDENED, '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>');
  });
  bare = await startHttp((req, res) => page(res, req.url === '/' ? 200 : 404, { 'strict-transport-security': 'max-age=3600' }, 'Not Found'));
  debugApp = await startHttp((req, res) => (req.url === '/' ? page(res, 200, HARDENED, 'home') : page(res, 404, HARDENED, DJANGO_404)));
  redirecting = await startHttp((req, res) => page(res, 301, { location: `https://${req.headers.host}${req.url}` }, ''));
  tempRedirect = await startHttp((req, res) => page(res, 302, { location: `https://${req.headers.host}${req.url}` }, ''));
});
afterAll(async () => {
  await Promise.all([hardened, bare, debugApp, redirecting, tempRedirect].map((s) => s?.close()));
  ca?.cleanup();
});

describe('headers sent twice (the app\'s ingress add_header on top of Django\'s)', () => {
  it('judge every copy: equal copies pass, a differing copy fails', () => {
    const twice = { 'strict-transport-security': 'max-age=31536000; includeSubDomains; preload, max-age=31536000; includeSubDomains', 'x-content-type-options': 'nosniff, nosniff', 'x-frame-options': 'DENY, DENY', 'referrer-policy': 'strict-origin-when-cross-origin, strict-origin-when-cross-origin' };
    expect(headerFindings(twice).map((f) => f.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const mixed = headerFindings({ ...twice, 'x-frame-options': 'DENY, ALLOWALL', 'x-content-type-options': 'nosniff, sniff' });
    expect(mixed.filter((f) => f.status === 'fail').map((f) => f.text)).toEqual(['X-Content-Type-Options is "nosniff, sniff", not nosniff', 'X-Frame-Options is "DENY, ALLOWALL" (expected DENY or SAMEORIGIN)']);
    expect(headerMatches('1; mode=block, 1; mode=block', '1; mode=block')).toBe(true);
    expect(headerMatches('DENY, SAMEORIGIN', 'DENY')).toBe(false);
    expect(headerMatches('no-cache, no-store', 'no-cache, no-store')).toBe(true);
  });
});

describe('httpTwin', () => {
  it('points an https URL at the same host on port 80, and keeps an http URL as it is', () => {
    expect(httpTwin('https://calls.example.test:8443/health/?x=1')).toBe('http://calls.example.test/health/?x=1');
    expect(httpTwin('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
    // The app's HTTP_PORT when it is not 80.
    expect(httpTwin('https://calls.example.test:8443/health/', 8080)).toBe('http://calls.example.test:8080/health/');
  });
});

describe('security probe', () => {
  it('passes a hardened HTTPS app: headers, no DEBUG page, bogus Host rejected', async () => {
    const r = await probe(p({ url: `${hardened.url}/`, ca: ca.caFile, bogus_host: 'true' }), ctxFor(3000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`${hardened.url}: HSTS max-age=31536000, nosniff, X-Frame-Options DENY, Referrer-Policy same-origin, no DEBUG page (404), bogus Host rejected with 400`);
  });

  it('fails missing headers and warns on a short HSTS max-age', async () => {
    const r = await probe(p({ url: `${bare.url}/`, debug: 'false' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('HSTS max-age=3600 is below 1 year');
    expect(r.summary).toContain('X-Content-Type-Options missing');
    expect(r.summary).toContain('X-Frame-Options missing');
    expect(r.summary).toContain('Referrer-Policy missing');
    expect(r.evidence).toContain('WARN HSTS max-age=3600 is below 1 year (31536000)');
  });

  it("detects Django's DEBUG 404 page", async () => {
    const r = await probe(p({ url: `${debugApp.url}/` }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('DEBUG page shown on a missing path (404');
    expect(r.summary).toContain('DEBUG = True in production');
  });

  it('fails when a bogus Host header is accepted', async () => {
    const r = await probe(p({ url: `${debugApp.url}/`, headers: 'false', debug: 'false', bogus_host: 'true' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`${debugApp.url}: bogus Host accepted with 200: ALLOWED_HOSTS is not enforced`);
  });

  it('checks the http:// → https:// redirect: 301 passes, 302 warns, a page fails', async () => {
    const only = { headers: 'false', debug: 'false', redirect: 'true' };
    const ok = await probe(p({ url: `${redirecting.url}/`, ...only }), ctxFor(3000));
    expect(ok.status).toBe('pass');
    expect(ok.summary).toBe(`${redirecting.url}: http:// → 301 https://`);
    const temp = await probe(p({ url: `${tempRedirect.url}/`, ...only }), ctxFor(3000));
    expect(temp.status).toBe('warn');
    const none = await probe(p({ url: `${bare.url}/`, ...only }), ctxFor(3000));
    expect(none.status).toBe('fail');
    expect(none.summary).toContain('answered 200, not a redirect to https://');
  });

  it('a refused http:// port names the redirect check and its URL, not a bare "http://:"', async () => {
    // A port nothing listens on: bind one, note it, close it.
    const { createServer } = await import('node:net');
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const r = await probe(p({ url: `${hardened.url}/health/`, ca: ca.caFile, headers: 'false', debug: 'false', redirect: 'true', http_port: String(closed) }), ctxFor(3000));
    expect(r.status).toBe('error');
    expect(r.summary).toContain(`redirect check http://127.0.0.1:${closed}/health/: connection refused on 127.0.0.1:${closed}`);
    expect(r.summary).not.toContain('http://:');
  });
});
