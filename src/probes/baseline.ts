/**
 * baseline probe: `requests` sequential timed GETs (20 by default), p50/p95
 * and the `percentile` judged (p50 by default), compared with a stored
 * baseline (`baseline_ms`, or `baseline_file` holding {"p50","p95"}). Rising
 * more than `max_increase_pct` AND more than `min_increase_ms` over the
 * baseline is the rollback criterion (src/verdict/latency-rule.ts): fail. No
 * baseline: pass with the figures, so they can be stored.
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/baseline.js';
import { describeNetError, urlWhere, linkDeadline, firstLine, netFailure } from './toolkit.js';
import { lookingPastTls } from './net-http.js';
import { isRegression, latencyChange, ruleText, type LatencyRule } from '../verdict/latency-rule.js';

type Params = z.infer<typeof schema>;

/** Nearest-rank percentile of samples (ms). */
export function percentile(samples: number[], pct: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((pct / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Stored baseline from a file: {"p50": ms, "p95": ms}. Missing file → undefined; bad file → Error. */
async function readBaselineFile(path: string): Promise<{ p50: number; p95?: number } | undefined> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read baseline file ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let data: { p50?: unknown; p95?: unknown };
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`baseline file ${path} is not JSON (expected {"p50": ms, "p95": ms})`);
  }
  if (typeof data?.p50 !== 'number' || !(data.p50 > 0)) throw new Error(`baseline file ${path} has no positive "p50" (expected {"p50": ms, "p95": ms})`);
  return { p50: data.p50, p95: typeof data.p95 === 'number' ? data.p95 : undefined };
}

/** Verdict of a figure against its baseline: the one latency rule (over the percentage and the floor is a regression). */
function compare(ms: number, baseline: number, rule: LatencyRule): { increasePct: number; increaseMs: number; ok: boolean } {
  const c = latencyChange(ms, baseline)!;
  return { increasePct: c.increasePct, increaseMs: c.increaseMs, ok: !isRegression(c, rule) };
}

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  const parsed = urlWhere(params.url);
  if ('outcome' in parsed) return parsed.outcome;
  const { where } = parsed;
  let stored: { p50: number; p95?: number; from: string } | undefined;
  if (params.baseline_ms !== undefined) stored = { p50: params.baseline_ms, from: 'baseline_ms' };
  else if (params.baseline_file) {
    try {
      const b = await readBaselineFile(params.baseline_file);
      if (b) stored = { ...b, from: params.baseline_file };
    } catch (err) {
      return { status: 'error', summary: firstLine((err as Error).message), evidence: [] };
    }
  }
  const deadline = linkDeadline(ctx);
  const client = await createHttpClient({});
  const samples: number[] = [];
  const statuses = new Map<number, number>();
  try {
    // Sequential on purpose: the figure is latency, not throughput.
    for (let i = 0; i < params.requests; i++) {
      const a = await client.call(params.url, { maxBody: 64 * 1024 }, deadline.signal);
      samples.push(a.ms);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    }
  } catch (err) {
    const done = samples.length ? ` after ${samples.length} of ${params.requests} requests` : '';
    return netFailure(`baseline ${params.url}: ${describeNetError(err, where, deadline)}${done}`, deadline, samples.length ? [`samples (ms): ${samples.join(', ')}`] : []);
  } finally {
    deadline.dispose();
    await client.close();
  }
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  // The figure judged: the percentile asked for (p50 by default), over all the requests of this measurement.
  const pct = params.percentile;
  const judged = pct === 50 ? p50 : pct === 95 ? p95 : percentile(samples, pct);
  const name = `p${pct}`;
  const evidence = [`${params.requests} × GET ${params.url}`, `samples (ms): ${samples.join(', ')}`, `answers: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`];
  const figures = `${pct === 50 || pct === 95 ? '' : `${name} ${judged} ms, `}p50 ${p50} ms, p95 ${p95} ms over ${params.requests} requests`;
  const base = { p50_ms: p50, p95_ms: p95, ...(pct === 50 || pct === 95 ? {} : { [`${name}_ms`]: judged }), judged_ms: judged };
  const errors = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  if (errors) return { status: 'fail', summary: `${errors} of ${params.requests} requests answered 5xx (${figures})`, evidence, metrics: base };
  if (!stored) return { status: 'pass', summary: `${figures}; no baseline stored`, evidence, metrics: base };
  const rule: LatencyRule = { maxIncreasePct: params.max_increase_pct, minIncreaseMs: params.min_increase_ms };
  const { increasePct, increaseMs, ok } = compare(judged, stored.p50, rule);
  const metrics = { ...base, baseline_ms: stored.p50, increase_pct: increasePct, increase_ms: increaseMs };
  evidence.push(`baseline (${stored.from}): p50 ${stored.p50} ms${stored.p95 !== undefined ? `, p95 ${stored.p95} ms` : ''}`);
  const sign = (n: number) => (n >= 0 ? '+' : '');
  const change = `${sign(increasePct)}${increasePct}% (${sign(increaseMs)}${increaseMs} ms)`;
  const criterion = `rollback criterion: over ${ruleText(rule)}`;
  if (!ok) return { status: 'fail', summary: `${name} ${judged} ms is ${change} over baseline ${stored.p50} ms (${criterion})`, evidence, metrics };
  return { status: 'pass', summary: `${figures}: ${change} vs baseline ${stored.p50} ms (${criterion})`, evidence, metrics };
});
