/**
 * Helpers for the data-probe tests: a probe context with a deadline, and a
 * TCP server on loopback that accepts connections and never answers (a hung
 * database), counting the sockets it holds open.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ProbeContext, Vars } from '../../src/probes/types.js';

/** A context whose signal aborts at the deadline, as the runner's does. */
export function ctxWith(timeoutMs: number, vars: Vars = {}, outer?: AbortSignal): ProbeContext {
  const deadline = Date.now() + timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: outer ? AbortSignal.any([outer, timeout]) : timeout, deadline, vars };
}

export interface HangingPeer {
  port: number;
  /** Sockets currently open on the server side. */
  open: () => number;
  /** Connections accepted since start. */
  accepted: () => number;
  close: () => Promise<void>;
}

/** A peer that accepts and never says a word. */
export async function startHangingPeer(): Promise<HangingPeer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => {});
    // Read and drop what the client sends: a paused socket would never notice the client closing.
    s.resume();
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    open: () => sockets.size,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Poll until `cond` holds or `ms` pass; returns whether it held. */
export async function eventually(cond: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

/** A name unique to this test run, usable as a PostgreSQL identifier. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
