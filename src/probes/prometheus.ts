/**
 * prometheus probe: a PromQL instant query (GET {url}/api/v1/query) whose
 * value is held against `max` / `min`. A vector's worst series decides (the
 * highest for `max`, the lowest for `min`); no data is an error, since nothing
 * was verified.
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type * as schemas from './schemas.js';
import { describeNetError, urlWhere, linkDeadline, oneLine } from './net-deadline.js';
import { statusLine, lookingPastTls } from './net-http.js';

type Params = z.infer<typeof schemas.prometheus>;

export interface Sample {
  labels: string;
  value: number;
}

/** Samples of an instant-query answer (`vector` or `scalar`), or a reason it has none. */
export function samplesOf(answer: unknown): Sample[] | string {
  const a = answer as { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  if (a?.status !== 'success') return `Prometheus rejected the query: ${a?.errorType ?? 'error'}: ${oneLine(a?.error ?? 'no reason given')}`;
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

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  const base = params.url.replace(/\/+$/, '');
  const parsed = urlWhere(base, params.url);
  if ('outcome' in parsed) return parsed.outcome;
  const { where } = parsed;
  const deadline = linkDeadline(ctx);
  const client = await createHttpClient({});
  const q = params.query;
  try {
    const a = await client.call(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } }, deadline.signal);
    const evidence = [`query: ${oneLine(q, 300)}`, statusLine(a.status)];
    let body: unknown;
    try {
      body = JSON.parse(a.body);
    } catch {
      return { status: 'error', summary: `Prometheus at ${base} answered ${a.status} without JSON`, evidence: [...evidence, `body: ${oneLine(a.body, 300)}`] };
    }
    const samples = samplesOf(body);
    if (typeof samples === 'string') return { status: 'error', summary: samples, evidence };
    const numeric = samples.filter((s) => !Number.isNaN(s.value));
    evidence.push(...samples.slice(0, 8).map((s) => `{${s.labels}} ${s.value}`));
    if (!numeric.length) return { status: 'error', summary: `query returned no data${samples.length ? ' (only NaN)' : ''}: nothing to compare`, evidence };
    // The series that decides: the highest against max, else the lowest against min.
    const pick = params.max !== undefined ? numeric.reduce((m, s) => (s.value > m.value ? s : m)) : params.min !== undefined ? numeric.reduce((m, s) => (s.value < m.value ? s : m)) : numeric[0];
    const label = pick.labels && numeric.length > 1 ? ` {${pick.labels}}` : '';
    const metrics = { value: pick.value };
    if (params.max !== undefined && pick.value > params.max) return { status: 'fail', summary: `value ${fmt(pick.value)}${label} is above max ${fmt(params.max)}`, evidence, metrics };
    if (params.min !== undefined && pick.value < params.min) return { status: 'fail', summary: `value ${fmt(pick.value)}${label} is below min ${fmt(params.min)}`, evidence, metrics };
    const bounds = [params.min !== undefined ? `min ${fmt(params.min)}` : '', params.max !== undefined ? `max ${fmt(params.max)}` : ''].filter(Boolean).join(', ');
    return { status: 'pass', summary: `value ${fmt(pick.value)}${label}${bounds ? ` within ${bounds}` : ''}`, evidence, metrics };
  } catch (err) {
    return { status: 'error', summary: `Prometheus ${base}: ${describeNetError(err, where, deadline)}`, evidence: [] };
  } finally {
    deadline.dispose();
    await client.close();
  }
});
