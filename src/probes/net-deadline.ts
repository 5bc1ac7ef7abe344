/**
 * Deadline and error wording shared by the network probes. Every probe links
 * its own timer to `ctx.signal`, so it ends on time even when called without a
 * runner, and turns low-level errors into one line a person understands.
 */
import { setMaxListeners } from 'node:events';
import type { ProbeContext, ProbeOutcome } from './types.js';
import { cancelled, timedOut } from './verdict.js';

export interface Deadline {
  /** Aborts on ctx.signal or when ctx.deadline passes. */
  signal: AbortSignal;
  /** The time budget this probe was given, in ms, to 10 ms (for "no answer within N ms"). */
  budgetMs: number;
  /** True once the deadline (not a cancel) aborted the signal. */
  timedOut: () => boolean;
  /** True once ctx.signal (a cancel) aborted. */
  cancelled: () => boolean;
  /** Stop the timer. */
  dispose: () => void;
}

/**
 * Link a timer to `ctx.signal` that fires shortly before `ctx.deadline`:
 * `reservePct` of the budget (at most `reserveMaxMs`) is kept for closing
 * sockets, so the probe has answered by its deadline. Always call `dispose()`.
 */
export function linkDeadline(ctx: ProbeContext, reservePct = 10, reserveMaxMs = 100): Deadline {
  const controller = new AbortController();
  // One listener per in-flight request (bursts run 20 at once): not a leak.
  setMaxListeners(1000, controller.signal);
  const exactMs = Math.max(0, Math.round(ctx.deadline - Date.now()));
  // The runner set the deadline a moment ago: show "500 ms", not "498 ms".
  const budgetMs = exactMs >= 100 ? Math.round(exactMs / 10) * 10 : exactMs;
  const reserve = Math.min(reserveMaxMs, Math.round((budgetMs * reservePct) / 100));
  let timedOut = false;
  const onAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${budgetMs} ms`));
  }, exactMs - reserve);
  return {
    signal: controller.signal,
    budgetMs,
    // The runner's signal also aborts at the deadline: count that as a timeout too.
    timedOut: () => timedOut || (controller.signal.aborted && Date.now() >= ctx.deadline - reserve - 5),
    cancelled: () => ctx.signal.aborted && !timedOut && Date.now() < ctx.deadline - reserve - 5,
    dispose: () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    },
  };
}

interface ErrLike {
  code?: string;
  message?: string;
  reason?: string;
  cause?: unknown;
  errors?: unknown[];
  name?: string;
}

/** The most specific error: undici and node wrap socket errors in `cause` / AggregateError. */
function innermost(err: unknown): ErrLike {
  let e = (err ?? {}) as ErrLike;
  for (let i = 0; i < 5; i++) {
    if (e.code && e.code !== 'UND_ERR_SOCKET' && !e.errors) break;
    if (Array.isArray(e.errors) && e.errors.length) e = e.errors[e.errors.length - 1] as ErrLike;
    else if (e.cause && typeof e.cause === 'object') e = e.cause as ErrLike;
    else break;
  }
  return e;
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

/** Verification failures of the peer's certificate (not of the handshake itself). */
const CERT_PROBLEMS = new Set([...TLS_UNTRUSTED, 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/**
 * Why the peer's certificate failed verification, in words ("certificate has
 * expired"), when that is what ended a request; else undefined.
 */
export function certificateProblem(err: unknown): string | undefined {
  const code = innermost(err).code ?? (err as ErrLike | undefined)?.code ?? '';
  return CERT_PROBLEMS.has(code) ? describeNetError(err, '').replace(/^TLS: /, '') : undefined;
}

/**
 * One line naming why a connection or request failed: "connection refused on
 * 127.0.0.1:9", "no answer within 2000 ms", "TLS: certificate has expired".
 * `where` is host:port; `deadline` tells a timeout from any other abort.
 */
export function describeNetError(err: unknown, where: string, deadline?: Deadline): string {
  if (deadline?.timedOut()) return `no answer within ${deadline.budgetMs} ms`;
  if (deadline?.cancelled()) return 'cancelled';
  const outer = (err ?? {}) as ErrLike;
  const e = innermost(err);
  const code = e.code ?? outer.code ?? '';
  if (outer.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') return deadline ? `no answer within ${deadline.budgetMs} ms` : 'aborted';
  if (code === 'ECONNREFUSED') return `connection refused on ${where}`;
  if (code === 'ECONNRESET') return `connection reset by ${where}`;
  if (code === 'EPIPE') return `connection closed by ${where}`;
  if (code === 'UND_ERR_SOCKET') return `connection closed by ${where} before a full answer`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return `host ${where.replace(/:\d+$/, '')} does not resolve`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${where} unreachable (${code})`;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `no TCP connection to ${where} (timed out)`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no answer from ${where} (timed out)`;
  if (code === 'CERT_HAS_EXPIRED') return 'TLS: certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'TLS: certificate not yet valid';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: certificate is not valid for this host (${oneLine(e.reason ?? e.message ?? '')})`;
  if (TLS_UNTRUSTED.has(code)) return `TLS: certificate not trusted (${code})`;
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') return `TLS handshake with ${where} failed (${oneLine(e.message ?? code)})`;
  const msg = oneLine(e.message ?? outer.message ?? String(err));
  return code ? `${msg} (${code})` : msg;
}

/**
 * The outcome of a network failure: `error` with reason `timeout` when the
 * deadline ended it, skipped/`cancelled` on a cancel, else a plain `error`.
 */
export function netFailure(summary: string, deadline: Deadline | undefined, evidence: string[] = [], metrics?: Record<string, number>): ProbeOutcome {
  if (deadline?.cancelled()) return cancelled(evidence);
  const outcome: ProbeOutcome = deadline?.timedOut() ? timedOut(summary, evidence) : { status: 'error', summary, evidence };
  return metrics ? { ...outcome, metrics } : outcome;
}

/** First line of a text, trimmed to `max` characters. */
export function oneLine(text: string, max = 200): string {
  const line = String(text).split('\n')[0].trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/**
 * host:port of a probe's URL, or the outcome for a URL that does not parse
 * (`label` names it in the summary; the URL itself by default).
 */
export function urlWhere(url: string, label: string = url): { where: string } | { outcome: ProbeOutcome } {
  try {
    return { where: hostPort(new URL(url)) };
  } catch {
    return { outcome: { status: 'error', summary: `${label}: not a valid URL`, evidence: [] } };
  }
}

/** host:port of a URL, with the scheme's default port filled in. */
export function hostPort(u: URL): string {
  const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
  return port ? `${u.hostname}:${port}` : u.hostname;
}
