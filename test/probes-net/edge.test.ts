/**
 * The http kind's edge checks against a loopback server: the flags of a
 * session cookie (Secure, HttpOnly, SameSite), compression of a static file
 * for `Accept-Encoding: gzip, br`, and cookie values never in the evidence.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeCookie } from '../../src/probes/http.js';
import { runProbes } from '../../src/probes/runner.js';

const SESSION = 'sess-value-7f3a9c1e2b';
let server: Server;
let base: string;
const cookieFlags = { secure: true };

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/login/') {
      res.setHeader('set-cookie', [`sessionid=${SESSION}; expires=Tue, 08 Dec 2026 00:00:00 GMT; ${cookieFlags.secure ? 'Secure; ' : ''}HttpOnly; Max-Age=3600; Path=/; SameSite=Strict`]);
      return res.end('<form></form>');
    }
    if (req.url === '/static/base.css') {
      const css = 'html { line-height: 1.15; }\n'.repeat(50);
      if (/gzip/.test(String(req.headers['accept-encoding'])) && req.headers['x-plain'] === undefined) {
        res.writeHead(200, { 'content-type': 'text/css', 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
        return res.end(gzipSync(css));
      }
      return res.end(css);
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const run = async (params: Record<string, string>) => (await runProbes([{ spec: { kind: 'http', params, raw: 'http …', line: 1 } }], { vars: {} }))[0];

describe('http: cookie flags and compression', () => {
  it('passes a session cookie with the flags asked, and never shows its value', async () => {
    const r = await run({ url: `${base}/login/`, 'cookie.sessionid': 'secure,httponly,samesite=strict' });
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('cookie sessionid: secure; httponly; samesite=Strict');
    expect(JSON.stringify(r)).not.toContain(SESSION);
  });

  it('fails a cookie without Secure, and a cookie that is not set, each by name', async () => {
    cookieFlags.secure = false;
    try {
      const r = await run({ url: `${base}/login/`, 'cookie.sessionid': 'secure,httponly,samesite=strict' });
      expect(r.status).toBe('fail');
      expect(r.summary).toMatch(/cookie sessionid: no Secure \(has httponly; samesite=Strict\)/);
    } finally {
      cookieFlags.secure = true;
    }
    expect((await run({ url: `${base}/login/`, 'cookie.csrftoken': 'secure' })).summary).toMatch(/no Set-Cookie for csrftoken/);
    expect(judgeCookie(['sessionid=x; Secure; SameSite=Lax'], 'sessionid', 'samesite=strict').text).toBe('cookie sessionid: SameSite=Lax, expected strict (has secure; samesite=Lax)');
  });

  it('compressed=true: a gzip answer passes, an uncompressed one fails', async () => {
    const ok = await run({ url: `${base}/static/base.css`, compressed: 'true' });
    expect(ok).toMatchObject({ status: 'pass' });
    expect(ok.summary).toContain('compressed (gzip)');
    expect(ok.evidence).toContain('body: (gzip body)');
    const plain = await run({ url: `${base}/missing.css`, status: '404', compressed: 'true' });
    expect(plain.status).toBe('fail');
    expect(plain.summary).toMatch(/not compressed: no Content-Encoding for Accept-Encoding: gzip, br/);
  });
});
