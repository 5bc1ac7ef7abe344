import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONCURRENCY, probe } from '../../src/probes/rate-limit.js';
import * as schemas from '../helpers/schemas.js';
import { closedPort, ctxFor, startHttp, type Local } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.rateLimit.parse(raw);

let limited: Local, open: Local, slow: Local;
let inFlight = 0;
let peak = 0;
beforeAll(async () => {
  // Allows 10 requests, then answers 429 (a fixed-window limiter that never resets in a test).
  limited = await startHttp((_req, res) => {
    const n = limited.hits();
    res.writeHead(n > 10 ? 429 : 200, { 'content-type': 'text/plain' });
    res.end(n > 10 ? 'Too Many Requests' : 'ok');
  });
  // Never limits; holds each request briefly so concurrency can be observed.
  open = await startHttp((_req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, 15);
  });
  slow = await startHttp((_req, res) => void setTimeout(() => res.end('ok'), 400));
});
afterAll(() => Promise.all([limited.close(), open.close(), slow.close()]));

describe('rate-limit probe', () => {
  it('passes when the burst meets a 429, and stops sending soon after', async () => {
    const r = await probe(p({ url: `${limited.url}/api/`, burst: '100' }), ctxFor(5000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/^rate limit answered 429 after \d+ of at most 100 requests$/);
    expect(r.metrics!.limited).toBeGreaterThanOrEqual(1);
    // Stops at the first limited answer: at most one more round of in-flight requests.
    expect(r.metrics!.sent).toBeLessThanOrEqual(11 + MAX_CONCURRENCY);
    expect(limited.hits()).toBe(r.metrics!.sent);
  });

  it('fails when no request is limited, sending exactly the burst with at most 20 in flight', async () => {
    const r = await probe(p({ url: `${open.url}/api/`, burst: '50' }), ctxFor(10000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('50 requests, none limited (200×50; expected 429,503)');
    expect(r.metrics).toEqual({ limited: 0, sent: 50 });
    expect(open.hits()).toBe(50);
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENCY);
    expect(peak).toBeGreaterThan(1);
  });

  it('errors when the target refuses connections', async () => {
    const port = await closedPort();
    const r = await probe(p({ url: `http://127.0.0.1:${port}/`, burst: '5' }), ctxFor(3000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe(`rate-limit http://127.0.0.1:${port}/: connection refused on 127.0.0.1:${port}`);
  });

  it('stops at its deadline without a verdict', async () => {
    const t0 = performance.now();
    const r = await probe(p({ url: `${slow.url}/`, burst: '500' }), ctxFor(1000));
    // 500 requests, 20 at a time, 400 ms each take at least 10 s: the deadline ended it.
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/no verdict within 1000 ms \(\d+ of \d+ requests answered, none limited\)/);
    expect(r.metrics!.sent).toBeLessThan(500);
  });
});
