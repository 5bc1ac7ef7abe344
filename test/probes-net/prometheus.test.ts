import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/prometheus.js';
import * as schemas from '../../src/probes/schemas.js';
import { closedPort, ctxFor, json, startHttp, type Local } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.prometheus.parse(raw);

/** A fake Prometheus HTTP API answering a few known queries like the real one. */
let prom: Local;
const seen: string[] = [];
beforeAll(async () => {
  prom = await startHttp((req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname !== '/api/v1/query') return json(res, 404, { status: 'error', errorType: 'not_found', error: 'no such path' });
    const q = u.searchParams.get('query') ?? '';
    seen.push(q);
    const t = 1764163200.123;
    if (q === 'error_rate') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: { service: 'api' }, value: [t, '0.012'] }, { metric: { service: 'worker' }, value: [t, '0.071'] }] } });
    if (q === 'scalar(up)') return json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [t, '3'] } });
    if (q === 'absent_metric') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
    return json(res, 400, { status: 'error', errorType: 'bad_data', error: `1:1: parse error: unexpected "${q}"` });
  });
});
afterAll(() => prom.close());

describe('prometheus probe against a fake Prometheus API', () => {
  it('passes a value within bounds and sends the query encoded', async () => {
    const q = 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) or scalar(up)';
    const r = await probe(p({ url: `${prom.url}/`, query: 'scalar(up)', min: '1' }), ctxFor(2000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('value 3 within min 1');
    expect(r.metrics).toEqual({ value: 3 });
    await probe(p({ url: prom.url, query: q }), ctxFor(2000));
    expect(seen).toContain(q);
  });

  it('fails when the worst series is above max (error rate > 5%)', async () => {
    const r = await probe(p({ url: prom.url, query: 'error_rate', max: '0.05' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('value 0.071 {service="worker"} is above max 0.05');
    expect(r.metrics).toEqual({ value: 0.071 });
  });

  it('fails when the value is below min', async () => {
    const r = await probe(p({ url: prom.url, query: 'scalar(up)', min: '5' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('value 3 is below min 5');
  });

  it('errors on an empty result and on a rejected query', async () => {
    const empty = await probe(p({ url: prom.url, query: 'absent_metric', max: '1' }), ctxFor(2000));
    expect(empty.status).toBe('error');
    expect(empty.summary).toBe('query returned no data: nothing to compare');
    const bad = await probe(p({ url: prom.url, query: 'sum(', max: '1' }), ctxFor(2000));
    expect(bad.status).toBe('error');
    expect(bad.summary).toBe('Prometheus rejected the query: bad_data: 1:1: parse error: unexpected "sum("');
  });

  it('errors when Prometheus is not reachable', async () => {
    const port = await closedPort();
    const r = await probe(p({ url: `http://127.0.0.1:${port}`, query: 'up' }), ctxFor(2000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe(`Prometheus http://127.0.0.1:${port}: connection refused on 127.0.0.1:${port}`);
  });
});
