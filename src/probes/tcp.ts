/**
 * tcp probe: a node:net connect. `expect=open` passes when the port accepts;
 * `expect=closed` (an internal service must not be reachable) passes when the
 * connection is refused, unreachable or unanswered, and fails when it connects.
 */
import type { z } from 'zod';
import type { Socket } from 'node:net';
import type { Probe, ProbeOutcome } from './types.js';
import type * as schemas from './schemas.js';
import { describeNetError, linkDeadline } from './net-deadline.js';

type Params = z.infer<typeof schemas.tcp>;

/** Socket errors meaning "nothing reachable there" (as opposed to "could not even try"). */
const NOT_REACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

export const probe: Probe<Params> = async (params, ctx): Promise<ProbeOutcome> => {
  const net = await import('node:net');
  const where = `${params.host}:${params.port}`;
  const deadline = linkDeadline(ctx);
  // For expect=closed, silence until shortly before the deadline counts as "not reachable":
  // answer before the runner gives up on us.
  const quietMs = Math.max(50, deadline.budgetMs - Math.min(200, Math.round(deadline.budgetMs * 0.1)));
  let socket: Socket | undefined;
  const started = performance.now();
  try {
    const outcome = await new Promise<'open' | 'quiet'>((resolve, reject) => {
      if (deadline.signal.aborted) return reject(deadline.signal.reason);
      const s = net.connect({ host: params.host, port: params.port });
      socket = s;
      const timer = params.expect === 'closed' ? setTimeout(() => resolve('quiet'), quietMs) : undefined;
      const onAbort = () => reject(deadline.signal.reason);
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        deadline.signal.removeEventListener('abort', onAbort);
      };
      s.once('connect', () => {
        done();
        resolve('open');
      });
      s.once('error', (err) => {
        done();
        reject(err);
      });
    });
    const ms = Math.round(performance.now() - started);
    if (outcome === 'quiet') return { status: 'pass', summary: `${where} not reachable (no answer within ${quietMs} ms)`, evidence: [] };
    const evidence = [`connected to ${socket?.remoteAddress}:${socket?.remotePort} in ${ms} ms`];
    if (params.expect === 'closed') return { status: 'fail', summary: `${where} accepts connections but must not be reachable`, evidence };
    return { status: 'pass', summary: `${where} accepts connections (${ms} ms)`, evidence, metrics: { latency_ms: ms } };
  } catch (err) {
    const code = (err as { code?: string })?.code ?? '';
    const reason = describeNetError(err, where, deadline);
    if (!deadline.timedOut() && !deadline.cancelled() && NOT_REACHABLE.has(code)) {
      if (params.expect === 'closed') return { status: 'pass', summary: `${where} not reachable (${reason})`, evidence: [] };
      return { status: 'fail', summary: `${where} not open: ${reason}`, evidence: [] };
    }
    return { status: 'error', summary: `TCP ${where}: ${reason}`, evidence: [] };
  } finally {
    deadline.dispose();
    socket?.destroy();
  }
};
