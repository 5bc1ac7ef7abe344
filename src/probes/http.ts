/**
 * http probe: one request through undici; checks status, `json.<path>=value`,
 * `header.<name>=value|present`, body text, latency. A redirect is an answer
 * unless `follow=true`.
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/http.js';
import { statusMatches } from './params.js';
import { describeNetError, urlWhere, linkDeadline, netFailure } from './toolkit.js';
import { answerEvidence, CaFileError, type HttpAnswer, lookingPastTls } from './net-http.js';

type Params = z.infer<typeof schema>;

/** Value at a dot path (`checks.db.status`, `items.0.id`, `items[0].id`); undefined when absent. */
export function jsonPath(value: unknown, path: string): unknown {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** A JSON value as an annotation would spell it: `healthy`, `true`, `3`, `null`. */
function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Header value matches: equal (case-insensitive), or equal to the part before
 * `;` (`application/json; charset=utf-8`). A header sent twice arrives joined
 * (`DENY, DENY`: a proxy adding what the app already set, as the app's own
 * ingress does); it matches when every copy does.
 */
export function headerMatches(actual: string, expected: string): boolean {
  const one = (value: string) => {
    const a = value.trim().toLowerCase();
    const e = expected.trim().toLowerCase();
    return a === e || a.split(';')[0].trim() === e;
  };
  return one(actual) || (actual.includes(',') && actual.split(',').every(one));
}

/** Every check of the params against one answer: passing notes and failure sentences. */
export function judgeAnswer(params: Params, a: HttpAnswer): { ok: string[]; problems: string[] } {
  const ok: string[] = [];
  const problems: string[] = [];
  if (!statusMatches(params.status, a.status)) problems.push(`status ${a.status} (expected ${params.status})`);
  const dyn = Object.entries(params as Record<string, unknown>).filter(([k]) => k.startsWith('json.') || k.startsWith('header.'));
  let parsed: unknown;
  let parseError: string | undefined;
  if (dyn.some(([k]) => k.startsWith('json.'))) {
    try {
      parsed = JSON.parse(a.body);
    } catch {
      parseError = 'body is not JSON';
    }
  }
  for (const [key, raw] of dyn) {
    const expected = String(raw);
    if (key.startsWith('json.')) {
      const path = key.slice(5);
      if (parseError) {
        problems.push(`${key}: ${parseError}`);
        continue;
      }
      const v = jsonPath(parsed, path);
      if (v === undefined) problems.push(`${key} missing (expected ${expected})`);
      else if (asText(v) !== expected) problems.push(`${key}=${asText(v)} (expected ${expected})`);
      else ok.push(`${key}=${expected}`);
    } else {
      const name = key.slice(7).toLowerCase();
      const v = a.headers[name];
      if (v === undefined) problems.push(`header ${name} missing`);
      else if (expected.toLowerCase() !== 'present' && !headerMatches(v, expected)) problems.push(`header ${name}: ${v} (expected ${expected})`);
      else ok.push(expected.toLowerCase() === 'present' ? `${name} present` : `${name}: ${expected}`);
    }
  }
  if (params.contains !== undefined) {
    if (a.body.includes(params.contains)) ok.push(`body contains "${params.contains}"`);
    else problems.push(`body lacks "${params.contains}"`);
  }
  if (params.absent !== undefined) {
    if (a.body.includes(params.absent)) problems.push(`body contains "${params.absent}"`);
    else ok.push(`body free of "${params.absent}"`);
  }
  if (params.max_ms !== undefined && a.ms > params.max_ms) problems.push(`took ${a.ms} ms (max ${params.max_ms} ms)`);
  return { ok, problems };
}

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  const target = `${params.method} ${params.url}`;
  const parsed = urlWhere(params.url, target);
  if ('outcome' in parsed) return parsed.outcome;
  const { where } = parsed;
  const deadline = linkDeadline(ctx);
  let client;
  try {
    client = await createHttpClient({ ca: params.ca, follow: params.follow });
  } catch (err) {
    deadline.dispose();
    if (err instanceof CaFileError) return { status: 'error', summary: `${target}: ${err.message}`, evidence: [] };
    throw err;
  }
  try {
    const a = await client.call(params.url, { method: params.method }, deadline.signal);
    const { ok, problems } = judgeAnswer(params, a);
    const checkedHeaders = Object.keys(params).filter((k) => k.startsWith('header.')).map((k) => k.slice(7));
    const evidence = answerEvidence(a, checkedHeaders);
    const head = `${target} → ${a.status} in ${a.ms} ms`;
    if (problems.length) return { status: 'fail', summary: `${head}: ${problems.join('; ')}`, evidence, metrics: { latency_ms: a.ms, status: a.status } };
    return { status: 'pass', summary: ok.length ? `${head}, ${ok.join(', ')}` : head, evidence, metrics: { latency_ms: a.ms, status: a.status } };
  } catch (err) {
    return netFailure(`${target}: ${describeNetError(err, where, deadline)}`, deadline);
  } finally {
    deadline.dispose();
    await client.close();
  }
});
