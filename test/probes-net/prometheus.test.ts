import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/prometheus.js';
import * as schemas from '../helpers/schemas.js';
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
    // 5xx / all requests over a window with no traffic: 0/0 = NaN, as Prometheus answers it.
    if (q === 'ratio_no_traffic') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [t, 'NaN'] }] } });
    if (q === 'rate_no_traffic') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [t, '0'] }] } });
    if (q === 'ratio_busy') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [t, '0.1432'] }] } });
    if (q === 'requests_none') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [t, '0'] }] } });
    if (q === 'requests_412') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: { view: 'a' }, value: [t, '400'] }, { metric: { view: 'b' }, value: [t, '12'] }] } });
    return json(res, 400, { status: 'error', errorType: 'bad_data', error: `1:1: parse error: unexpected "${q}"` });
  });
});
afterAll(() => prom.close());

describe('prometheus probe against a fake Prometheus API', () => {
  it('passes a value within bounds and sends the query encoded', async () => {
    const q = 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) or scalar(up)';
    const r = await probe(p({ url: `${prom.url}/`, query: 'scalar(up)', min: '1' }), ctxFor(2000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('value 3 ≥ min 1');
    expect(r.metrics).toEqual({ value: 3 });
    await probe(p({ url: prom.url, query: q }), ctxFor(2000));
    expect(seen).toContain(q);
  });

  it('fails when the worst series is above max (error rate > 5%)', async () => {
    const r = await probe(p({ url: prom.url, query: 'error_rate', max: '0.05' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('value 0.071 {service="worker"} > max 0.05');
    expect(r.metrics).toEqual({ value: 0.071 });
  });

  it('fails when the value is below min', async () => {
    const r = await probe(p({ url: prom.url, query: 'scalar(up)', min: '5' }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('value 3 < min 5');
  });

  it('an empty result is inconclusive (no data), never a pass or a guessed fail', async () => {
    const empty = await probe(p({ url: prom.url, query: 'absent_metric', max: '1' }), ctxFor(2000));
    expect(empty).toMatchObject({ status: 'inconclusive', reason: 'no-data', summary: 'query returned no series: nothing to judge' });
  });

  it('a ratio over no traffic (NaN) is inconclusive (no data): the Flagger no-data trap', async () => {
    const r = await probe(p({ url: prom.url, query: 'ratio_no_traffic', max: '0.05' }), ctxFor(2000));
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    expect(r.summary).toMatch(/^query returned only NaN/);
  });

  it('a rate of 0 over no traffic is inconclusive when the traffic query counts 0 requests', async () => {
    const r = await probe(p({ url: prom.url, query: 'rate_no_traffic', max: '0.05', traffic: 'requests_none', name: 'error rate' }), ctxFor(2000));
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'no-data', summary: 'no traffic to judge: 0 requests (at least 1 needed); error rate not judged' });
    // The same value with traffic behind it is a verdict.
    const judged = await probe(p({ url: prom.url, query: 'rate_no_traffic', max: '0.05', traffic: 'requests_412', name: 'error rate' }), ctxFor(2000));
    expect(judged).toMatchObject({ status: 'pass', summary: 'error rate 0 ≤ max 0.05, 412 requests' });
  });

  it('the summary says observed against threshold and how many requests: "error rate 0.1432 > max 0.05, 412 requests"', async () => {
    const r = await probe(p({ url: prom.url, query: 'ratio_busy', max: '0.05', traffic: 'requests_412', name: 'error rate' }), ctxFor(2000));
    expect(r).toMatchObject({ status: 'fail', summary: 'error rate 0.1432 > max 0.05, 412 requests', metrics: { value: 0.1432, traffic: 412 } });
  });

  it('errors on a rejected query', async () => {
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
