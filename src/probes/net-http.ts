/**
 * The one HTTP client of the network probes: undici (loaded lazily), an
 * optional extra CA, no redirect following unless asked, a body read capped
 * in size, and a private Agent that `close()` destroys with all its sockets.
 */
import { STATUS_CODES } from 'node:http';
import type { buildConnector as BuildConnector } from 'undici';
import { oneLine } from './net-deadline.js';

export interface HttpClientOptions {
  /** Path of an extra CA certificate (PEM) to trust besides the system roots. */
  ca?: string;
  /** Follow redirects (up to 5). Off by default: a redirect is an answer. */
  follow?: boolean;
  /** Sockets at once (bursts). */
  connections?: number;
  /**
   * TLS name to verify (and send as SNI) whatever the Host header says: a
   * request with `Host: bogus.invalid` must still reach the real site.
   */
  tlsHost?: string;
}

export interface HttpCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bytes of body kept (default 1 MiB); the rest is discarded. */
  maxBody?: number;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** Time from sending to the end of the (capped) body. */
  ms: number;
}

export interface HttpClient {
  call: (url: string, call: HttpCall, signal: AbortSignal) => Promise<HttpAnswer>;
  close: () => Promise<void>;
}

/** Thrown when the extra CA file cannot be read: a config problem, not a network one. */
export class CaFileError extends Error {}

type Undici = typeof import('undici');

/**
 * undici, loaded on first use. The bundle (esbuild, code splitting) turns this
 * CommonJS package into a chunk with a default export only, so take the
 * exports from `default` when named ones are missing.
 */
export async function loadUndici(): Promise<Undici> {
  const mod = (await import('undici')) as Undici & { default?: Undici };
  return typeof mod.Agent === 'function' ? mod : (mod.default as Undici);
}

/** Create a client; always `close()` it (in `finally`). */
export async function createHttpClient(options: HttpClientOptions = {}): Promise<HttpClient> {
  const { Agent, buildConnector, interceptors, request } = await loadUndici();
  let connect: Record<string, unknown> | undefined;
  if (options.ca) {
    const [{ readFile }, tls] = await Promise.all([import('node:fs/promises'), import('node:tls')]);
    let pem: string;
    try {
      pem = await readFile(options.ca, 'utf8');
    } catch (err) {
      throw new CaFileError(`cannot read CA file ${options.ca} (${(err as NodeJS.ErrnoException).code ?? oneLine(String(err))})`);
    }
    // `ca` replaces the default roots: keep them so public certificates still verify.
    connect = { ca: [...tls.rootCertificates, pem] };
  }
  let connector: BuildConnector.connector | undefined;
  if (options.tlsHost) {
    const { isIP } = await import('node:net');
    const base = buildConnector({ ...(connect ?? {}) });
    // undici derives SNI from the Host header; an IP literal gets no SNI and is checked as an IP.
    const servername = isIP(options.tlsHost) ? undefined : options.tlsHost;
    connector = (opts: BuildConnector.Options, cb: BuildConnector.Callback) => base({ ...opts, servername: servername ?? (undefined as unknown as string) }, cb);
  }
  const agent = new Agent({ connect: connector ?? connect, connections: options.connections ?? 4, keepAliveTimeout: 1000 });
  const dispatcher = options.follow ? agent.compose(interceptors.redirect({ maxRedirections: 5 })) : agent;

  const call: HttpClient['call'] = async (url, c, signal) => {
    const { target, headers: auth } = splitCredentials(url);
    const started = performance.now();
    const res = await request(target, {
      dispatcher,
      method: (c.method ?? 'GET') as 'GET',
      headers: { ...auth, ...c.headers },
      body: c.body,
      signal,
    });
    const max = c.maxBody ?? 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        if (size < max) chunks.push(b.subarray(0, max - size));
        size += b.length;
        if (size >= max) break;
      }
    } finally {
      // Leaving the loop early (cap, abort) must not leave the stream half-read.
      if (!res.body.destroyed) res.body.destroy();
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8'), ms: Math.round(performance.now() - started) };
  };

  return {
    call,
    close: async () => {
      await agent.destroy().catch(() => undefined);
    },
  };
}

/**
 * `https://user:pw@host/` → the URL without credentials plus a Basic
 * Authorization header: undici would silently drop them otherwise.
 */
export function splitCredentials(url: string): { target: string; headers: Record<string, string> } {
  const u = new URL(url);
  if (!u.username && !u.password) return { target: url, headers: {} };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { target: u.toString(), headers: { authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64') } };
}

/** "HTTP 200 OK" */
export function statusLine(status: number): string {
  return `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

/** Evidence lines for an answer: status line, chosen headers, the body's start. */
export function answerEvidence(a: HttpAnswer, headerNames: string[] = [], bodyChars = 300): string[] {
  const out = [statusLine(a.status)];
  const names = new Set(['content-type', 'location', ...headerNames.map((h) => h.toLowerCase())]);
  for (const n of names) if (a.headers[n] !== undefined) out.push(`${n}: ${oneLine(a.headers[n], 200)}`);
  const body = a.body.replace(/\s+/g, ' ').trim();
  if (body) out.push(`body: ${body.length > bodyChars ? body.slice(0, bodyChars) + '…' : body}`);
  return out;
}
