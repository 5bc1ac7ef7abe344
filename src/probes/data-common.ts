/**
 * Shared plumbing of the data probes (postgres, redis, secrets-scan): a
 * deadline signal, folding individual checks into one outcome, and naming
 * network errors in words a person understands.
 */
import type { ProbeOutcome, ProbeReason } from './types.js';
import { cancelled, SEVERITY, timedOut, worstStatus } from './verdict.js';

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
 * A signal that aborts on the caller's cancel or shortly before the deadline,
 * whichever comes first: 5% of the budget (at most 50 ms) is kept back for
 * closing the connection, so the probe's own "timeout: …" summary is in before
 * the runner's deadline. `timedOut()` tells a timeout from a cancel afterwards;
 * `dispose()` clears the timer so a finished probe keeps nothing alive.
 */
export function deadlineSignal(outer: AbortSignal, deadline: number): { signal: AbortSignal; budgetMs: number; timedOut: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  const budgetMs = Math.max(0, Math.round(deadline - Date.now()));
  const reserve = Math.min(50, Math.round(budgetMs * 0.05));
  let expired = false;
  const onOuter = () => controller.abort(outer.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error('deadline passed'));
  }, budgetMs - reserve);
  if (outer.aborted) onOuter();
  else outer.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    budgetMs,
    // The outer signal may itself be the runner's deadline: an abort that late counts as a timeout too.
    timedOut: () => expired || Date.now() >= deadline - reserve - 5,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
    },
  };
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
export function worst(checks: Check[]): Check['status'] {
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

/** The first line of an error's message, trimmed (library messages can be multi-line). */
export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? '').trim() || 'unknown error';
}

/** Network error codes in words, for "could not check" summaries. */
export function networkReason(err: unknown, where: string): string | undefined {
  const code = (err as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused at ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${where}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable: ${where}`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset by ${where}`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    default:
      return undefined;
  }
}

/** `host:port`, with IPv6 literals bracketed. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
