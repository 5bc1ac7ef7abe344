import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/http.js';
import * as schemas from '../helpers/schemas.js';
import { makeTestCa, type TestCa } from '../helpers/certs.js';
import { closedPort, ctxFor, json, startHanging, startHttp, startHttps, waitFor, type Local } from './helpers/local.js';

/** Params as the runner hands them over: schema-parsed, plus dynamic keys. */
function p(raw: Record<string, string>) {
  const fixed = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.includes('.')));
  const dyn = Object.fromEntries(Object.entries(raw).filter(([k]) => k.includes('.')));
  return { ...schemas.http.parse(fixed), ...dyn };
}

let app: Local;
beforeAll(async () => {
  app = await startHttp((req, res) => {
    if (req.url === '/health/') return json(res, 200, { status: 'healthy', checks: { db: { ok: true } }, items: [{ id: 7 }] }, { 'x-request-id': 'abc123' });
    if (req.url === '/down/') return json(res, 503, { status: 'degraded' });
    if (req.url === '/slow/') return void setTimeout(() => json(res, 200, { status: 'healthy' }), 150);
    if (req.url === '/echo-method/') {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'x-method': req.method ?? '' });
      return res.end(req.method === 'HEAD' ? undefined : `method ${req.method}`);
    }
    if (req.url === '/private/') {
      const ok = req.headers.authorization === 'Basic ' + Buffer.from('ops:s3cret pw').toString('base64');
      res.writeHead(ok ? 200 : 401);
      return res.end(ok ? 'welcome' : 'who are you');
    }
    if (req.url === '/moved/') {
      res.writeHead(302, { location: '/health/' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>Welcome to the call center</html>');
  });
});
afterAll(() => app.close());

describe('http probe', () => {
  it('passes on status and json paths, and names them in the summary', async () => {
    const r = await probe(p({ url: `${app.url}/health/`, status: '200', 'json.status': 'healthy', 'json.checks.db.ok': 'true', 'json.items[0].id': '7' }), ctxFor(2000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/health\/ → 200 in \d+ ms, json\.status=healthy/);
    expect(r.metrics?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(r.evidence[0]).toBe('HTTP 200 OK');
    expect(r.evidence.some((l) => l.startsWith('body: {"status":"healthy"'))).toBe(true);
  });

  it('fails on a wrong status and a wrong json value', async () => {
    const r = await probe(p({ url: `${app.url}/down/`, status: '200', 'json.status': 'healthy' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('status 503 (expected 200)');
    expect(r.summary).toContain('json.status=degraded (expected healthy)');
  });

  it('fails when a json path is missing or the body is not JSON', async () => {
    const missing = await probe(p({ url: `${app.url}/health/`, 'json.checks.cache.ok': 'true' }), ctxFor(2000));
    expect(missing.status).toBe('fail');
    expect(missing.summary).toContain('json.checks.cache.ok missing');
    const html = await probe(p({ url: `${app.url}/`, 'json.status': 'healthy' }), ctxFor(2000));
    expect(html.status).toBe('fail');
    expect(html.summary).toContain('body is not JSON');
  });

  it('checks body text with contains and absent', async () => {
    expect((await probe(p({ url: `${app.url}/`, contains: 'call center' }), ctxFor(2000))).status).toBe('pass');
    const r = await probe(p({ url: `${app.url}/`, contains: 'Dashboard' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('body lacks "Dashboard"');
    const a = await probe(p({ url: `${app.url}/`, absent: 'Welcome' }), ctxFor(2000));
    expect(a.status).toBe('fail');
    expect(a.summary).toContain('body contains "Welcome"');
  });

  it('checks a header for presence and value', async () => {
    expect((await probe(p({ url: `${app.url}/health/`, 'header.x-request-id': 'present', 'header.content-type': 'application/json' }), ctxFor(2000))).status).toBe('pass');
    const gone = await probe(p({ url: `${app.url}/health/`, 'header.x-frame-options': 'present' }), ctxFor(2000));
    expect(gone.status).toBe('fail');
    expect(gone.summary).toContain('header x-frame-options missing');
    const wrong = await probe(p({ url: `${app.url}/health/`, 'header.content-type': 'text/html' }), ctxFor(2000));
    expect(wrong.status).toBe('fail');
    expect(wrong.summary).toContain('header content-type: application/json (expected text/html)');
  });

  it('fails when slower than max_ms', async () => {
    const r = await probe(p({ url: `${app.url}/slow/`, max_ms: '50' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/took \d+ ms \(max 50 ms\)/);
    expect(r.metrics!.latency_ms).toBeGreaterThanOrEqual(140);
    expect((await probe(p({ url: `${app.url}/slow/`, max_ms: '5s' }), ctxFor(3000))).status).toBe('pass');
  });

  it('sends the chosen method', async () => {
    const post = await probe(p({ url: `${app.url}/echo-method/`, method: 'POST', status: '201', 'header.x-method': 'POST' }), ctxFor(2000));
    expect(post.status).toBe('pass');
    const head = await probe(p({ url: `${app.url}/echo-method/`, method: 'HEAD', 'header.x-method': 'HEAD' }), ctxFor(2000));
    expect(head.status).toBe('pass');
    expect(head.summary).toMatch(/^HEAD http:\/\/127\.0\.0\.1:\d+\/echo-method\/ → 200 in \d+ ms/);
    const wrong = await probe(p({ url: `${app.url}/echo-method/`, method: 'PUT', 'header.x-method': 'GET' }), ctxFor(2000));
    expect(wrong.status).toBe('fail');
  });

  it('sends credentials in the URL as Basic auth', async () => {
    const u = new URL(`${app.url}/private/`);
    u.username = 'ops';
    u.password = encodeURIComponent('s3cret pw');
    expect((await probe(p({ url: u.toString(), contains: 'welcome' }), ctxFor(2000))).status).toBe('pass');
    const anon = await probe(p({ url: `${app.url}/private/` }), ctxFor(2000));
    expect(anon.status).toBe('fail');
    expect(anon.summary).toContain('status 401');
  });

  it('does not follow redirects unless follow=true', async () => {
    const r = await probe(p({ url: `${app.url}/moved/`, status: '200' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('→ 302');
    expect(r.evidence).toContain('location: /health/');
    const f = await probe(p({ url: `${app.url}/moved/`, status: '200', follow: 'true', 'json.status': 'healthy' }), ctxFor(2000));
    expect(f.status).toBe('pass');
  });

  it('errors with the reason when the connection is refused', async () => {
    const port = await closedPort();
    const r = await probe(p({ url: `http://127.0.0.1:${port}/health/` }), ctxFor(2000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe(`GET http://127.0.0.1:${port}/health/: connection refused on 127.0.0.1:${port}`);
  });

  it('errors, not crashes, when the CA file is missing', async () => {
    const r = await probe(p({ url: `${app.url}/health/`, ca: '/nonexistent/ca.pem' }), ctxFor(2000));
    expect(r.status).toBe('error');
    expect(r.summary).toContain('cannot read CA file /nonexistent/ca.pem (ENOENT)');
  });
});

describe('http probe over HTTPS with a CA made in the test', () => {
  let ca: TestCa;
  let valid: Local, expired: Local, wrongHost: Local;
  beforeAll(async () => {
    ca = makeTestCa();
    const ok = (_: unknown, res: import('node:http').ServerResponse) => json(res, 200, { status: 'healthy' });
    const v = ca.leaf('valid', 'DNS:localhost,IP:127.0.0.1', 30);
    const e = ca.leaf('expired', 'DNS:localhost,IP:127.0.0.1', -1);
    const w = ca.leaf('wrong', 'DNS:wrong.example', 30);
    [valid, expired, wrongHost] = await Promise.all([startHttps(v.key, v.cert, ok), startHttps(e.key, e.cert, ok), startHttps(w.key, w.cert, ok)]);
  });
  afterAll(async () => {
    await Promise.all([valid?.close(), expired?.close(), wrongHost?.close()]);
    ca?.cleanup();
  });

  it('passes with ca= against a valid certificate', async () => {
    const r = await probe(p({ url: `${valid.url}/`, ca: ca.caFile, 'json.status': 'healthy' }), ctxFor(3000));
    expect(r.status).toBe('pass');
  });

  // One pass shows every fault: the tls probe owns the certificate verdict; http
  // still judges the answer, seen without verification and marked so.
  it('without ca= it still judges the answer, marked as seen without verification', async () => {
    const r = await probe(p({ url: `${valid.url}/`, 'json.status': 'healthy' }), ctxFor(3000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/→ 200 .*json\.status=healthy \(TLS unverified: certificate not trusted \(\w+\)\)$/);
    expect(r.evidence.at(-1)).toContain('the tls probe gives the certificate verdict');
  });

  it('an expired certificate does not hide the answer: its own finding, marked "certificate has expired"', async () => {
    const r = await probe(p({ url: `${expired.url}/`, ca: ca.caFile, 'json.status': 'degraded' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('json.status=healthy (expected degraded)');
    expect(r.summary).toMatch(/\(TLS unverified: certificate has expired\)$/);
  });

  it('tells a wrong-host certificate apart', async () => {
    const r = await probe(p({ url: `${wrongHost.url}/`, ca: ca.caFile }), ctxFor(3000));
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('(TLS unverified: certificate is not valid for this host');
    expect(r.summary).not.toContain('expired');
  });

  it('never sends credentials without verification: a URL with a user part stays an error', async () => {
    const url = new URL(`${expired.url}/`);
    url.username = 'ops';
    url.password = 'pw-secret-1';
    const r = await probe(p({ url: url.toString(), ca: ca.caFile }), ctxFor(3000));
    expect(r.status).toBe('error');
    expect(r.summary).toContain('TLS: certificate has expired');
    expect(r.summary).not.toContain('(TLS unverified');
  });
});

describe('http probe against a hanging peer', () => {
  it('ends at its deadline, not when the silent peer would answer (never), with a timeout summary and no socket left open', async () => {
    const peer = await startHanging();
    try {
      const t0 = performance.now();
      const r = await probe(p({ url: `${peer.url}/health/` }), ctxFor(500));
      const elapsed = performance.now() - t0;
      expect(r.status).toBe('error');
      expect(r.summary).toMatch(new RegExp(`^GET ${peer.url}/health/: no answer within 500 ms$`));
      // The peer never answers: only the deadline can end the probe (how close to it is measured in npm run bench).
      expect(elapsed).toBeLessThan(10_000);
      expect(peer.hits()).toBe(1);
      expect(await waitFor(() => peer.open() === 0, 10_000)).toBe(true);
    } finally {
      await peer.close();
    }
  });

  it('ends promptly when the caller cancels, naming the cancel', async () => {
    const peer = await startHanging();
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const t0 = performance.now();
      const r = await probe(p({ url: `${peer.url}/` }), ctxFor(25_000, {}, ac.signal));
      // The cancel ended it, not the 25 s deadline nor the peer (which never answers).
      expect(performance.now() - t0).toBeLessThan(15_000);
      expect(r).toMatchObject({ status: 'skipped', reason: 'cancelled', summary: 'cancelled' });
      expect(await waitFor(() => peer.open() === 0, 10_000)).toBe(true);
    } finally {
      await peer.close();
    }
  });
});
