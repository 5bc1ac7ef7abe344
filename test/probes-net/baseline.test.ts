import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile, probe } from '../../src/probes/baseline.js';
import * as schemas from '../helpers/schemas.js';
import { ctxFor, startHttp, type Local } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.baseline.parse(raw);

let app: Local;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-baseline-'));
  // Each answer takes ~60 ms: a known latency to compare against.
  app = await startHttp((req, res) => {
    if (req.url === '/broken/') {
      res.writeHead(500);
      return res.end('error');
    }
    setTimeout(() => res.end('ok'), 60);
  });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const s = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 95)).toBe(100);
    expect(percentile([5], 95)).toBe(5);
  });
});

describe('baseline probe', () => {
  it('passes with the figures and a note when no baseline is stored', async () => {
    const r = await probe(p({ url: `${app.url}/`, requests: '5' }), ctxFor(5000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/^p50 \d+ ms, p95 \d+ ms over 5 requests; no baseline stored$/);
    expect(app.hits()).toBe(5);
    expect(r.metrics!.p50_ms).toBeGreaterThanOrEqual(55);
    expect(r.metrics!.p95_ms).toBeGreaterThanOrEqual(r.metrics!.p50_ms);
  });

  it('fails when p50 rose more than max_increase_pct over baseline_ms', async () => {
    const r = await probe(p({ url: `${app.url}/`, requests: '3', baseline_ms: '20' }), ctxFor(5000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^p50 \d+ ms is \+[\d.]+% \(\+[\d.]+ ms\) over baseline 20 ms \(rollback criterion: over \+50 % and \+25 ms\)$/);
    expect(r.metrics!.increase_ms).toBeGreaterThan(25);
    expect(r.metrics!.baseline_ms).toBe(20);
    expect(r.metrics!.increase_pct).toBeGreaterThan(50);
  });

  it('passes against a baseline file the latency stays within', async () => {
    const file = join(dir, 'baseline.json');
    writeFileSync(file, JSON.stringify({ p50: 200, p95: 300 }));
    const r = await probe(p({ url: `${app.url}/`, requests: '3', baseline_file: file }), ctxFor(5000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/: -[\d.]+% \(-[\d.]+ ms\) vs baseline 200 ms \(rollback criterion: over \+50 % and \+25 ms\)$/);
    expect(r.metrics!.increase_pct).toBeLessThan(0);
  });

  it('treats a missing baseline file as no baseline, and a malformed one as an error', async () => {
    const missing = await probe(p({ url: `${app.url}/`, requests: '1', baseline_file: join(dir, 'none.json') }), ctxFor(5000));
    expect(missing.status).toBe('pass');
    expect(missing.summary).toContain('no baseline stored');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"median": 3}');
    const r = await probe(p({ url: `${app.url}/`, requests: '1', baseline_file: bad }), ctxFor(5000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe(`baseline file ${bad} has no positive "p50" (expected {"p50": ms, "p95": ms})`);
  });

  it('fails when requests answer 5xx', async () => {
    const r = await probe(p({ url: `${app.url}/broken/`, requests: '4' }), ctxFor(5000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^4 of 4 requests answered 5xx/);
  });

  it('ends at its deadline, naming how far it got', async () => {
    const t0 = performance.now();
    const r = await probe(p({ url: `${app.url}/`, requests: '200' }), ctxFor(1000));
    // 200 requests one after another at ~60 ms each take at least 12 s: the deadline ended it.
    expect(performance.now() - t0).toBeLessThan(6000);
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/: no answer within 1000 ms after \d+ of 200 requests$/);
  });
});
