/**
 * The one HTTP client of the network probes: undici (loaded lazily), an
 * optional extra CA, no redirect following unless asked, a body read capped
 * in size, and a private Agent that `close()` destroys with all its sockets.
 */
import { STATUS_CODES } from 'node:http';
import type { buildConnector as BuildConnector } from 'undici';
import { certificateProblem, firstLine } from './toolkit.js';
import type { Probe, ProbeContext, ProbeOutcome } from './types.js';

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

interface HttpCall {
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
  /** Each Set-Cookie header as sent (they cannot be joined: Expires holds a comma). */
  setCookies?: string[];
}

export interface HttpClient {
  call: (url: string, call: HttpCall, signal: AbortSignal) => Promise<HttpAnswer>;
  /** Why the certificate failed verification, once a call went on without it. */
  tlsUnverified: () => string | undefined;
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
  const undici = await loadUndici();
  let connect: Record<string, unknown> = {};
  if (options.ca) {
    const [{ readFile }, tls] = await Promise.all([import('node:fs/promises'), import('node:tls')]);
    let pem: string;
    try {
      pem = await readFile(options.ca, 'utf8');
    } catch (err) {
      throw new CaFileError(`cannot read CA file ${options.ca} (${(err as NodeJS.ErrnoException).code ?? firstLine(String(err))})`);
    }
    // `ca` replaces the default roots: keep them so public certificates still verify.
    connect = { ca: [...tls.rootCertificates, pem] };
  }
  let servername: string | undefined;
  if (options.tlsHost) {
    const { isIP } = await import('node:net');
    // undici derives SNI from the Host header; an IP literal gets no SNI and is checked as an IP.
    servername = isIP(options.tlsHost) ? undefined : options.tlsHost;
  }
  // Every socket the client opens, so an abort and `close()` can destroy it:
  // undici neither rejects a request nor drops its socket while the TLS
  // handshake is pending, so a peer that never completes one held the probe,
  // and the process, until undici's own 10 s connect timeout (issue #12.3).
  // Destroyed with an error, so undici also clears its connect timer.
  const sockets = new Set<import('node:net').Socket>();
  const destroyAll = (why: string) => {
    for (const s of sockets) s.destroy(new Error(why));
  };
  const pool = (extra: Record<string, unknown>) => {
    const base = undici.buildConnector({ ...connect, ...extra });
    const connector = (opts: BuildConnector.Options, cb: BuildConnector.Callback) => {
      const socket = base(options.tlsHost ? { ...opts, servername: servername ?? (undefined as unknown as string) } : opts, cb) as unknown as import('node:net').Socket;
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    };
    const agent = new undici.Agent({ connect: connector as BuildConnector.connector, connections: options.connections ?? 4, keepAliveTimeout: 1000 });
    return { agent, dispatcher: options.follow ? agent.compose(undici.interceptors.redirect({ maxRedirections: 5 })) : agent };
  };
  const verified = pool({});
  let unverified: ReturnType<typeof pool> | undefined;
  let tlsProblem: string | undefined;

  const once = async (dispatcher: ReturnType<typeof pool>['dispatcher'], url: string, c: HttpCall, signal: AbortSignal): Promise<HttpAnswer> => {
    const { target, headers: auth } = splitCredentials(url);
    const started = performance.now();
    const onAbort = () => destroyAll('request aborted');
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    let res;
    try {
      res = await undici.request(target, {
        dispatcher,
        method: (c.method ?? 'GET') as 'GET',
        headers: { ...auth, ...c.headers },
        body: c.body,
        signal,
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
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
    const raw = res.headers['set-cookie'];
    const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
    return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8'), ms: Math.round(performance.now() - started), ...(setCookies.length ? { setCookies } : {}) };
  };

  /**
   * A certificate that fails verification does not end the look: the `tls`
   * probe owns that verdict; this call goes on without verification, and the
   * probe's outcome says so (lookingPastTls). Never for a request carrying
   * credentials (an Authorization header or a URL's user part).
   */
  const call: HttpClient['call'] = async (url, c, signal) => {
    const credentials = Object.keys(c.headers ?? {}).some((h) => h.toLowerCase() === 'authorization') || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
    const insecure = () => (unverified ??= pool({ rejectUnauthorized: false })).dispatcher;
    if (tlsProblem && !credentials) return once(insecure(), url, c, signal);
    try {
      return await once(verified.dispatcher, url, c, signal);
    } catch (err) {
      const problem = certificateProblem(err);
      if (signal.aborted || credentials || !problem) throw err;
      tlsProblem = problem;
      return once(insecure(), url, c, signal);
    }
  };

  return {
    call,
    tlsUnverified: () => tlsProblem,
    close: async () => {
      destroyAll('client closed');
      await Promise.all([verified.agent.destroy().catch(() => undefined), unverified?.agent.destroy().catch(() => undefined)]);
    },
  };
}

/**
 * Mark an outcome seen without TLS verification: "… (TLS unverified: certificate
 * has expired)". The `tls` probe alone gives the certificate verdict.
 */
function markUnverified(outcome: ProbeOutcome, problem: string | undefined): ProbeOutcome {
  if (!problem) return outcome;
  const note = `TLS unverified: ${problem}`;
  return { ...outcome, summary: `${outcome.summary} (${note})`, evidence: [...outcome.evidence, `${note}; the tls probe gives the certificate verdict`] };
}

/**
 * An HTTP-level probe whose clients look past a certificate that fails
 * verification: `body` gets a `createHttpClient` to use, and its outcome is
 * marked when any of those clients went on without verification.
 */
export function lookingPastTls<P>(body: (params: P, ctx: ProbeContext, open: typeof createHttpClient) => Promise<ProbeOutcome>): Probe<P> {
  return async (params, ctx) => {
    const clients: HttpClient[] = [];
    const open: typeof createHttpClient = async (options) => {
      const c = await createHttpClient(options);
      clients.push(c);
      return c;
    };
    const outcome = await body(params, ctx, open);
    return markUnverified(outcome, clients.map((c) => c.tlsUnverified()).find(Boolean));
  };
}

/**
 * `https://user:pw@host/` → the URL without credentials plus a Basic
 * Authorization header: undici would silently drop them otherwise.
 */
function splitCredentials(url: string): { target: string; headers: Record<string, string> } {
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
  for (const n of names) if (a.headers[n] !== undefined) out.push(`${n}: ${firstLine(a.headers[n], 200)}`);
  const body = a.body.replace(/\s+/g, ' ').trim();
  if (body) out.push(`body: ${body.length > bodyChars ? body.slice(0, bodyChars) + '…' : body}`);
  return out;
}
