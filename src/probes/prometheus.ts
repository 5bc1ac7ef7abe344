/**
 * prometheus probe: a PromQL instant query (GET {url}/api/v1/query) whose
 * value is held against `max` / `min`. A vector's worst series decides (the
 * highest for `max`, the lowest for `min`). No data (no series, only NaN, or
 * fewer requests than `min_traffic` by the `traffic` query) is inconclusive:
 * never a guessed fail, never a pass (the Flagger no-data trap).
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/prometheus.js';
import { describeNetError, urlWhere, linkDeadline, firstLine, netFailure } from './toolkit.js';
import { statusLine, lookingPastTls, type HttpClient } from './net-http.js';
import { noData } from './verdict.js';

type Params = z.infer<typeof schema>;

interface Sample {
  labels: string;
  value: number;
}

/** Samples of an instant-query answer (`vector` or `scalar`), or a reason it has none. */
function samplesOf(answer: unknown): Sample[] | string {
  const a = answer as { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  if (a?.status !== 'success') return `Prometheus rejected the query: ${a?.errorType ?? 'error'}: ${firstLine(a?.error ?? 'no reason given')}`;
  const { resultType, result } = a.data ?? {};
  if (resultType === 'scalar') return [{ labels: '', value: Number((result as [number, string])[1]) }];
  if (resultType === 'vector' && Array.isArray(result)) {
    return (result as { metric?: Record<string, string>; value: [number, string] }[]).map((r) => ({
      labels: Object.entries(r.metric ?? {}).map(([k, v]) => `${k}="${v}"`).join(','),
      value: Number(r.value[1]),
    }));
  }
  return `query returned a ${resultType ?? 'malformed'} result; expected an instant vector or scalar`;
}

/** Compact number for summaries: 0.0123 → "0.0123", 1234567 → "1234567". */
function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

/** Run one instant query: its samples, or an outcome saying why there are none to judge. */
async function instant(client: HttpClient, base: string, q: string, signal: AbortSignal, evidence: string[]): Promise<Sample[] | ProbeOutcome> {
  const a = await client.call(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } }, signal);
  evidence.push(`query: ${firstLine(q, 300)}`, statusLine(a.status));
  let body: unknown;
  try {
    body = JSON.parse(a.body);
  } catch {
    return { status: 'error', summary: `Prometheus at ${base} answered ${a.status} without JSON`, evidence: [...evidence, `body: ${firstLine(a.body, 300)}`] };
  }
  const samples = samplesOf(body);
  if (typeof samples === 'string') return { status: 'error', summary: samples, evidence };
  evidence.push(...samples.slice(0, 8).map((s) => `{${s.labels}} ${s.value}`));
  return samples;
}

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  const base = params.url.replace(/\/+$/, '');
  const parsed = urlWhere(base, params.url);
  if ('outcome' in parsed) return parsed.outcome;
  const { where } = parsed;
  const deadline = linkDeadline(ctx);
  const client = await createHttpClient({});
  const what = params.name ? `${params.name} ` : 'value ';
  try {
    const evidence: string[] = [];
    const samples = await instant(client, base, params.query, deadline.signal, evidence);
    if (!Array.isArray(samples)) return samples;
    // Requests behind the value: a rate over no traffic is no data, not a healthy 0.
    let traffic: number | undefined;
    if (params.traffic) {
      const t = await instant(client, base, params.traffic, deadline.signal, evidence);
      if (!Array.isArray(t)) return t;
      traffic = t.filter((s) => !Number.isNaN(s.value)).reduce((n, s) => n + s.value, 0);
      if (traffic < params.min_traffic) {
        return noData(`no traffic to judge: ${fmt(traffic)} requests (at least ${fmt(params.min_traffic)} needed); ${what.trim()} not judged`, evidence, { traffic });
      }
    }
    const requests = traffic !== undefined ? `, ${fmt(traffic)} requests` : '';
    const numeric = samples.filter((s) => !Number.isNaN(s.value));
    if (!numeric.length) {
      return noData(samples.length ? `query returned only NaN (a ratio over no traffic?): nothing to judge${requests}` : `query returned no series: nothing to judge${requests}`, evidence);
    }
    // The series that decides: the highest against max, else the lowest against min.
    const pick = params.max !== undefined ? numeric.reduce((m, s) => (s.value > m.value ? s : m)) : params.min !== undefined ? numeric.reduce((m, s) => (s.value < m.value ? s : m)) : numeric[0];
    const label = pick.labels && numeric.length > 1 ? ` {${pick.labels}}` : '';
    const metrics = { value: pick.value, ...(traffic !== undefined ? { traffic } : {}) };
    const seen = `${what}${fmt(pick.value)}${label}`;
    if (params.max !== undefined && pick.value > params.max) return { status: 'fail', summary: `${seen} > max ${fmt(params.max)}${requests}`, evidence, metrics };
    if (params.min !== undefined && pick.value < params.min) return { status: 'fail', summary: `${seen} < min ${fmt(params.min)}${requests}`, evidence, metrics };
    const bounds = [params.min !== undefined ? `≥ min ${fmt(params.min)}` : '', params.max !== undefined ? `≤ max ${fmt(params.max)}` : ''].filter(Boolean).join(', ');
    return { status: 'pass', summary: `${seen}${bounds ? ` ${bounds}` : ''}${requests}`, evidence, metrics };
  } catch (err) {
    return netFailure(`Prometheus ${base}: ${describeNetError(err, where, deadline)}`, deadline);
  } finally {
    deadline.dispose();
    await client.close();
  }
});
