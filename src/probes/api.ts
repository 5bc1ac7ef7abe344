/**
 * The probes that ask a system's HTTP API (Prometheus targets and rules,
 * Alertmanager, Grafana, GitHub, an OCI registry) share one frame: a base URL,
 * the deadline linked to the caller's signal, one client (net-http), JSON
 * answers read the same way, every request named in the evidence (never its
 * credentials), and a network failure, timeout or cancel said one way.
 */
import type { ProbeContext, ProbeOutcome, Probe } from './types.js';
import { describeNetError, linkDeadline, netFailure, firstLine, urlWhere } from './toolkit.js';
import { lookingPastTls, statusLine, type HttpAnswer } from './net-http.js';

export interface ApiAnswer extends HttpAnswer {
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
}

export interface Api {
  /** The base URL, without a trailing slash. */
  base: string;
  /** Request `path` (below the base, or an absolute URL); the evidence gets "GET path → HTTP 200 OK". */
  request: (path: string, init?: { method?: string; headers?: Record<string, string>; maxBody?: number }) => Promise<ApiAnswer>;
  /** The evidence so far (the caller adds its own lines). */
  evidence: string[];
}

/** "… answered 500 Internal Server Error (body start)": an answer the probe cannot read. */
export function unexpected(system: string, what: string, a: ApiAnswer, evidence: string[]): ProbeOutcome {
  const body = firstLine(a.body.replace(/\s+/g, ' '), 200);
  return { status: 'error', summary: `${system} answered ${statusLine(a.status)} to ${what}${a.json === undefined && a.status < 300 ? ' without JSON' : ''}${body ? ` (${body})` : ''}`, evidence };
}

/**
 * A probe that asks one system's API. `baseOf` gives the base URL (a parameter,
 * or a variable with a default); `body` asks and judges. Network failures,
 * timeouts and cancels are caught here, with the evidence gathered so far.
 */
export function apiProbe<P>(system: string, baseOf: (params: P, ctx: ProbeContext) => string, body: (api: Api, params: P, ctx: ProbeContext) => Promise<ProbeOutcome>): Probe<P> {
  return lookingPastTls(async (params, ctx, open) => {
    const base = baseOf(params, ctx).replace(/\/+$/, '');
    const parsed = urlWhere(base, `${system} URL ${base}`);
    if ('outcome' in parsed) return parsed.outcome;
    const deadline = linkDeadline(ctx);
    const evidence: string[] = [];
    let client: Awaited<ReturnType<typeof open>> | undefined;
    try {
      client = await open({});
      const c = client;
      const request: Api['request'] = async (path, init = {}) => {
        const method = init.method ?? 'GET';
        const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : `${base}${path}`;
        const a = await c.call(url, { method, headers: { accept: 'application/json', ...init.headers }, maxBody: init.maxBody ?? 4 * 1024 * 1024 }, deadline.signal);
        evidence.push(`${method} ${firstLine(path, 160)} → ${statusLine(a.status)}`);
        let json: unknown;
        try {
          json = a.body ? JSON.parse(a.body) : undefined;
        } catch {
          json = undefined;
        }
        return { ...a, json };
      };
      return await body({ base, request, evidence }, params, ctx);
    } catch (err) {
      return netFailure(`${system} ${base}: ${describeNetError(err, parsed.where, deadline)}`, deadline, evidence);
    } finally {
      deadline.dispose();
      await client?.close();
    }
  });
}

/** "a, b and c" */
export function namesText(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
