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
function jsonPath(value: unknown, path: string): unknown {
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

/** What the probe asks for with `compressed=true`, and the encodings that count. */
const ACCEPT_ENCODING = 'gzip, br';
const COMPRESSIONS = ['gzip', 'br', 'zstd', 'deflate'];

/** One cookie's attributes from its Set-Cookie line (names lower-case; flags without a value are ''). Never its value. */
function cookieAttributes(line: string): { name: string; attrs: Record<string, string> } {
  const [pair, ...rest] = line.split(';');
  const name = pair.slice(0, Math.max(0, pair.indexOf('='))).trim();
  const attrs: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    const k = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (k) attrs[k] = eq < 0 ? '' : part.slice(eq + 1).trim();
  }
  return { name, attrs };
}

/**
 * `cookie.<name>=secure,httponly,samesite=strict`: the cookie is set, with every
 * flag asked (SameSite compared case-insensitively). The value is never shown.
 */
export function judgeCookie(setCookies: string[], name: string, expected: string): { ok: boolean; text: string } {
  const found = setCookies.map(cookieAttributes).filter((c) => c.name === name).at(-1);
  if (!found) return { ok: false, text: `no Set-Cookie for ${name}` };
  const missing: string[] = [];
  for (const want of expected.split(/[,;]/).map((w) => w.trim().toLowerCase()).filter(Boolean)) {
    const [k, v] = want.split('=');
    const have = found.attrs[k];
    if (have === undefined) missing.push(`no ${k === 'httponly' ? 'HttpOnly' : k === 'samesite' ? 'SameSite' : k === 'secure' ? 'Secure' : k}`);
    else if (v !== undefined && have.toLowerCase() !== v) missing.push(`${k === 'samesite' ? 'SameSite' : k}=${have || '(empty)'}, expected ${v}`);
  }
  const flags = Object.entries(found.attrs).filter(([k]) => ['secure', 'httponly', 'samesite'].includes(k)).map(([k, v]) => (v ? `${k}=${v}` : k)).join('; ');
  return missing.length ? { ok: false, text: `cookie ${name}: ${missing.join(', ')} (has ${flags || 'no flags'})` } : { ok: true, text: `cookie ${name}: ${flags}` };
}

/** Every check of the params against one answer: passing notes and failure sentences. */
function judgeAnswer(params: Params, a: HttpAnswer): { ok: string[]; problems: string[] } {
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
  for (const [key, raw] of Object.entries(params as Record<string, unknown>).filter(([k]) => k.startsWith('cookie.'))) {
    const name = key.slice(7);
    const r = judgeCookie(a.setCookies ?? [], name, String(raw));
    (r.ok ? ok : problems).push(r.text);
  }
  if (params.compressed) {
    const enc = (a.headers['content-encoding'] ?? '').toLowerCase().trim();
    if (COMPRESSIONS.includes(enc)) ok.push(`compressed (${enc})`);
    else problems.push(`not compressed: no Content-Encoding for Accept-Encoding: ${ACCEPT_ENCODING}`);
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
    const a = await client.call(params.url, { method: params.method, ...(params.compressed ? { headers: { 'accept-encoding': ACCEPT_ENCODING } } : {}) }, deadline.signal);
    const { ok, problems } = judgeAnswer(params, a);
    const checkedHeaders = [...Object.keys(params).filter((k) => k.startsWith('header.')).map((k) => k.slice(7)), ...(params.compressed ? ['content-encoding'] : [])];
    // A compressed body is bytes, not text: evidence names it instead of quoting it.
    const evidence = answerEvidence(a.headers['content-encoding'] ? { ...a, body: `(${a.headers['content-encoding']} body)` } : a, checkedHeaders);
    // Cookies by name and flags only: their values are session ids.
    for (const c of a.setCookies ?? []) {
      const { name, attrs } = cookieAttributes(c);
      evidence.push(`set-cookie: ${name}=…; ${Object.entries(attrs).map(([k, v]) => (v ? `${k}=${v}` : k)).join('; ')}`);
    }
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
