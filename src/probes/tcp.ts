/**
 * tcp probe: a node:net connect. `expect=open` passes when the port accepts;
 * `expect=closed` (an internal service must not be reachable) passes when the
 * connection is refused, unreachable or unanswered, and fails when it connects.
 * When the target is this very host (loopback or one of its own addresses),
 * what this host sees says nothing about exposure to the internet: inconclusive.
 */
import type { z } from 'zod';
import type { Socket } from 'node:net';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/tcp.js';
import { describeNetError, linkDeadline } from './toolkit.js';
import { cancelled, cannotJudgeHere, timedOut } from './verdict.js';

type Params = z.infer<typeof schema>;

/** Socket errors meaning "nothing reachable there" (as opposed to "could not even try"). */
const NOT_REACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/** Is `address` this machine's own: loopback, or one of `local` (its interface addresses)? */
export function isThisHost(address: string, local: readonly string[]): boolean {
  const a = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  if (/^127\./.test(a) || a === '::1' || a === '0.0.0.0' || a === '::') return true;
  return local.some((l) => l.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '').replace(/%.*$/, '') === a.replace(/%.*$/, ''));
}

/** The first address of `host` that is this machine's own, if any (a name that does not resolve: none). */
async function thisHostAddress(host: string, signal: AbortSignal): Promise<string | undefined> {
  const [{ lookup }, { networkInterfaces }] = await Promise.all([import('node:dns/promises'), import('node:os')]);
  const local = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  const found = await Promise.race([
    lookup(host.replace(/^\[|\]$/g, ''), { all: true }).catch(() => []),
    new Promise<[]>((r) => (signal.aborted ? r([]) : signal.addEventListener('abort', () => r([]), { once: true }))),
  ]);
  return found.map((f) => f.address).find((a) => isThisHost(a, local));
}

/**
 * The verdict on exposure when the target is this host: whatever was seen from
 * here, it cannot say whether the port is reachable from outside.
 */
function sameHostExposure(where: string, address: string, seen: string, evidence: string[]): ProbeOutcome {
  return cannotJudgeHere(`${where} ${seen} from this host, and the target is this host (${address}): exposure to the internet cannot be judged from here (run the check from another host)`, evidence);
}

export const probe: Probe<Params> = async (params, ctx): Promise<ProbeOutcome> => {
  const net = await import('node:net');
  const ownAddress = params.expect === 'closed' ? await thisHostAddress(params.host, ctx.signal) : undefined;
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
    if (outcome === 'quiet') {
      if (ownAddress) return sameHostExposure(where, ownAddress, `gave no answer within ${quietMs} ms`, []);
      return { status: 'pass', summary: `${where} not reachable (no answer within ${quietMs} ms)`, evidence: [] };
    }
    const evidence = [`connected to ${socket?.remoteAddress}:${socket?.remotePort} in ${ms} ms`];
    if (ownAddress) return sameHostExposure(where, ownAddress, 'accepts connections', evidence);
    if (params.expect === 'closed') return { status: 'fail', summary: `${where} accepts connections but must not be reachable`, evidence };
    return { status: 'pass', summary: `${where} accepts connections (${ms} ms)`, evidence, metrics: { latency_ms: ms } };
  } catch (err) {
    const code = (err as { code?: string })?.code ?? '';
    const reason = describeNetError(err, where, deadline);
    if (!deadline.timedOut() && !deadline.cancelled() && NOT_REACHABLE.has(code)) {
      if (ownAddress) return sameHostExposure(where, ownAddress, `is not reachable (${reason})`, []);
      if (params.expect === 'closed') return { status: 'pass', summary: `${where} not reachable (${reason})`, evidence: [] };
      return { status: 'fail', summary: `${where} not open: ${reason}`, evidence: [] };
    }
    if (deadline.cancelled()) return cancelled();
    if (deadline.timedOut()) return timedOut(`TCP ${where}: ${reason}`);
    return { status: 'error', summary: `TCP ${where}: ${reason}`, evidence: [] };
  } finally {
    deadline.dispose();
    socket?.destroy();
  }
};
