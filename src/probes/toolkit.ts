/**
 * The probe toolkit, in one place: deadlines linked to the caller's signal,
 * connection errors in words ("connection refused on 127.0.0.1:5432"), the
 * first line of an error, and folding a data probe's checks into one outcome.
 */
import { setMaxListeners } from 'node:events';
import type { ProbeContext, ProbeOutcome, ProbeReason } from './types.js';
import { cancelled, SEVERITY, timedOut, worstStatus } from './verdict.js';

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
export function linkDeadline(ctx: Pick<ProbeContext, 'signal' | 'deadline' | 'timeoutMs'>, reservePct = 10, reserveMaxMs = 100): Deadline {
  const controller = new AbortController();
  // One listener per in-flight request (bursts run 20 at once): not a leak.
  setMaxListeners(1000, controller.signal);
  const exactMs = Math.max(0, Math.round(ctx.deadline - Date.now()));
  // The budget the runner gave ("500 ms"), not what was left when this probe got the CPU ("490 ms").
  const budgetMs = ctx.timeoutMs ?? (exactMs >= 100 ? Math.round(exactMs / 10) * 10 : exactMs);
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
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: certificate is not valid for this host (${firstLine(e.reason ?? e.message ?? '')})`;
  if (TLS_UNTRUSTED.has(code)) return `TLS: certificate not trusted (${code})`;
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') return `TLS handshake with ${where} failed (${firstLine(e.message ?? code)})`;
  const msg = firstLine(e.message ?? outer.message ?? String(err));
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

/**
 * The first line of a text or of an error's message, trimmed to `max`
 * characters: the one "first line" rule of the probes and the runner (library
 * messages can be multi-line, stacks follow them). An error without a message
 * is 'unknown error'.
 */
export function firstLine(value: unknown, max = 200): string {
  const isText = typeof value === 'string';
  const text = isText ? value : value instanceof Error ? value.message || value.name : String(value ?? '');
  const line = (text.split('\n').find((l) => l.trim()) ?? '').trim();
  const out = line.length > max ? line.slice(0, max - 1) + '…' : line;
  return out || (isText ? '' : 'unknown error');
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

/** One condition a probe looked at: its verdict and the sentence saying why. */
export interface Check {
  /** `inconclusive`: the probe cannot judge this condition (e.g. a setting the client sets). */
  status: 'pass' | 'warn' | 'fail' | 'inconclusive';
  /** Shown as (part of) the summary when the check is not a pass. */
  message: string;
  /** Why an inconclusive check did not judge. */
  reason?: ProbeReason;
}

/**
 * The data probes' deadline (postgres, redis, celery, secrets-scan): the same
 * linked timer as linkDeadline, keeping back 5% of the budget (at most 50 ms)
 * for closing the connection, so the probe's own "timeout: …" summary is in
 * before the runner's deadline.
 */
export function deadlineSignal(outer: AbortSignal, deadline: number): Deadline {
  return linkDeadline({ signal: outer, deadline }, 5, 50);
}

/** Milliseconds left before the deadline, at least `floor` so libraries get a positive timeout. */
export function remainingMs(deadline: number, floor = 1): number {
  return Math.max(floor, Math.floor(deadline - Date.now()));
}

/**
 * Reject with the signal's reason as soon as it aborts, so a stuck library call
 * cannot outlive the deadline (the caller then closes the connection).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(new AbortedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Thrown by `untilAborted`; the probe turns it into a timeout or cancel summary. */
export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}

/** The worst status of these checks (pass when there are none; inconclusive never hides a warn or fail). */
function worst(checks: Check[]): Check['status'] {
  const judged = worstStatus(checks.map((c) => c.status).filter((s) => s !== 'inconclusive'), 'pass' as Check['status']);
  return SEVERITY[judged] === 0 && checks.some((c) => c.status === 'inconclusive') ? 'inconclusive' : judged;
}

/** The outcome of a data probe stopped by its deadline or a cancel: one rule for every kind. */
export function stoppedOutcome(isTimeout: boolean, timeoutSummary: string, evidence: string[] = []): ProbeOutcome {
  return isTimeout ? timedOut(timeoutSummary, evidence) : cancelled(evidence);
}

/**
 * Fold checks into one outcome: the summary names what is wrong (failures
 * first, then warnings) or, when all pass, says what was verified.
 */
export function foldChecks(checks: Check[], passSummary: string, evidence: string[], metrics?: Record<string, number>): ProbeOutcome {
  const status = worst(checks);
  const failing = checks.filter((c) => c.status === 'fail').map((c) => c.message);
  const warning = checks.filter((c) => c.status === 'warn').map((c) => c.message);
  const unjudged = checks.filter((c) => c.status === 'inconclusive');
  const summary = status === 'pass' ? passSummary : [...failing, ...warning, ...unjudged.map((c) => c.message)].join('; ');
  const reason = status === 'inconclusive' ? { reason: unjudged[0].reason ?? 'cannot-judge-here' } : {};
  return { status, ...reason, summary, evidence, ...(metrics && Object.keys(metrics).length ? { metrics } : {}) };
}

/** Network error codes named in words (describeNetError's), for "could not check" summaries; undefined for other errors. */
export function networkReason(err: unknown, where: string): string | undefined {
  const code = (err as { code?: string } | undefined)?.code;
  return code && NETWORK_CODES.has(code) ? describeNetError(err, where) : undefined;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** `host:port` of a host and port, with IPv6 literals bracketed. */
export function hostPortOf(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
