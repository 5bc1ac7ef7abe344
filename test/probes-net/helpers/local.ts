/**
 * Local servers for the network probe tests, all on 127.0.0.1: plain HTTP,
 * HTTPS with a given certificate, and a hanging TCP peer. Each tracks its
 * open sockets so tests can assert nothing is left connected.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcp, type Server, type Socket } from 'node:net';
import type { ProbeContext } from '../../../src/probes/types.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface Local {
  port: number;
  /** Base URL without trailing slash, e.g. http://127.0.0.1:4567 */
  url: string;
  /** Sockets currently open to this server. */
  open: () => number;
  /** Requests (or connections for TCP) received so far. */
  hits: () => number;
  close: () => Promise<void>;
}

function track(server: Server | HttpServer): { open: () => number; destroyAll: () => void } {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // TLS servers report the raw socket on 'connection' too.
  return { open: () => sockets.size, destroyAll: () => sockets.forEach((s) => s.destroy()) };
}

async function listen(server: Server | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return addr.port;
}

function wrap(server: HttpServer, scheme: 'http' | 'https', handler: Handler): Promise<Local> {
  let hits = 0;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    hits++;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  return local(server, scheme, () => hits);
}

/** Listen on a free loopback port; close() also destroys open connections. */
async function local(server: Server | HttpServer, scheme: 'http' | 'https', hits: () => number): Promise<Local> {
  const t = track(server);
  const port = await listen(server);
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    open: t.open,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        t.destroyAll();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server on 127.0.0.1 answering with `handler`. */
export function startHttp(handler: Handler): Promise<Local> {
  return wrap(createHttp(), 'http', handler);
}

/** An HTTPS server on 127.0.0.1 with this key and certificate. */
export function startHttps(key: string, cert: string, handler: Handler): Promise<Local> {
  return wrap(createHttpsServer({ key, cert }), 'https', handler);
}

/** A TCP server that accepts connections and never says a word. */
export async function startHanging(): Promise<Local> {
  let hits = 0;
  const server = createTcp((socket) => {
    hits++;
    // Read (and drop) what arrives: a paused socket would never notice the peer closing.
    socket.resume();
    socket.on('error', () => undefined);
  });
  return local(server, 'http', () => hits);
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createTcp();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A probe context with a deadline `ms` from now and a signal that only aborts when asked. */
export function ctxFor(ms: number, vars: Record<string, string> = {}, signal: AbortSignal = new AbortController().signal): ProbeContext {
  return { signal, deadline: Date.now() + ms, vars };
}

/** Poll until `cond()` is true or `ms` passes; returns the last value. */
export async function waitFor(cond: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** JSON answer helper. */
export function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}
