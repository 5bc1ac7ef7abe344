/**
 * The probe runner: bounded concurrency, a deadline on every probe, one
 * AbortSignal for cancellation, redaction of everything returned.
 *
 * Each job: substitute ${VARS} in every parameter (unset → `skipped`, "not
 * configured"), validate the result with the kind's schema (bad value →
 * `error`), load the kind lazily, then race the probe against its deadline so
 * that even a probe that ignores its signal cannot hold the run. No retries.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { ProbeJob } from './jobs.js';
import { registry as builtin, type Registry } from './registry.js';
import { createRedactor, redactDeep, type Redactor } from '../secrets/redactor.js';
import type { ProbeKind } from './kind.js';
import type { ProbeOutcome, ProbeResult, SessionView, Vars } from './types.js';
import type { Session } from '../session/schema.js';
import { substitute } from '../config/vars.js';
import { firstLine } from './toolkit.js';
import { cancelled, notConfigured, PROBE_REASONS, PROBE_STATUSES, timedOut } from './verdict.js';

export { probeJobs, type ProbeJob } from './jobs.js';

export interface RunOptions {
  vars: Vars;
  /** The kinds to run with (default: the built-in registry; tests hand in their own). */
  registry?: Registry;
  /** Cancels every running and queued probe. */
  signal?: AbortSignal;
  /** Probes at once (default 8). */
  concurrency?: number;
  /** Deadline per probe when the annotation sets none (default 10 000 ms). */
  defaultTimeoutMs?: number;
  onStart?: (job: ProbeJob) => void;
  onResult?: (result: ProbeResult, job: ProbeJob) => void;
  /** The session the run belongs to: each probe gets a frozen copy to read (the `session` kind). */
  session?: Readonly<Session>;
}

export const DEFAULT_CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Run jobs; resolves with one result per job, in job order. Never rejects. */
export async function runProbes(jobs: ProbeJob[], options: RunOptions): Promise<ProbeResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY) || DEFAULT_CONCURRENCY);
  const limit = pLimit(concurrency);
  const redact = createRedactor(options.vars);
  const registry = options.registry ?? builtin;
  const prepared = jobs.map((job) => prepare(job, options.vars, registry));
  // One listener on the caller's signal, fanned out through our own: a run of
  // many probes must not pile listeners onto a signal we do not own.
  const run = new AbortController();
  setMaxListeners(0, run.signal);
  const onAbort = () => run.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const inner: RunOptions = { ...options, registry, signal: run.signal, ...(options.session ? { session: frozenCopy(options.session) } : {}) };
  const results: Promise<ProbeResult>[] = new Array(jobs.length);
  const submit = (pick: (p: Prepared) => boolean) =>
    jobs.forEach((job, i) => {
      if (!results[i] && pick(prepared[i])) results[i] = limit(() => runJob(job, prepared[i], inner, redact));
    });
  // Load each needed kind once, before its deadlines start: evaluating a library
  // like pg or ioredis blocks the event loop for a while, and that must not be
  // charged to (or delay the timers of) probes already running. Kinds whose work
  // happens in another process (commands) load and start first, so the rest of
  // the libraries load while those commands run.
  const kinds = new Set(prepared.flatMap((p) => ('params' in p ? [p.kind] : [])));
  const outOfProcess = (k: string) => registry.kinds[k]?.outOfProcess === true;
  const load = (names: string[]) => loadKinds(names.map((k) => registry.kinds[k]));
  try {
    await load([...kinds].filter(outOfProcess));
    submit((p) => 'params' in p && outOfProcess(p.kind));
    await load([...kinds].filter((k) => !outOfProcess(k)));
    submit(() => true);
    return await Promise.all(results);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Load kinds and the protocol libraries they declare. Loading a library here,
 * before deadlines start, keeps a cold import (which blocks the event loop for
 * tens to hundreds of ms) from eating a probe's time or delaying the deadline
 * timers of probes already running.
 */
function loadKinds(kinds: ProbeKind[]): Promise<unknown> {
  return Promise.all(kinds.flatMap((k) => [k.load(), k.library?.()].map((p) => p?.catch(() => undefined))));
}

type Prepared = { kind: string; params: Record<string, unknown> } | { outcome: ProbeOutcome };

/** Substitute variables and validate; a job that cannot run gets its outcome here. */
function prepare(job: ProbeJob, vars: Vars, registry: Registry): Prepared {
  const { params: substituted, missing } = resolveParams(job.spec.params, vars, registry.kinds[job.spec.kind]?.ownVars);
  if (missing.length) return { outcome: notConfigured(missing) };
  const checked = registry.checkParams(job.spec.kind, substituted, true);
  if (!checked.ok) return { outcome: { status: 'error', summary: checked.issues.map((i) => i.message).join('; '), evidence: [] } };
  return { kind: job.spec.kind, params: checked.params };
}

/**
 * Substitute ${VARS} in every string parameter but those in `own` (left as
 * written for the probe, which substitutes them itself); collect the unset names.
 */
export function resolveParams(
  params: Record<string, unknown>,
  vars: Vars,
  own: readonly string[] = [],
): { params: Record<string, string>; missing: string[] } {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined || raw === null) continue;
    const { value, missing: m } = substitute(String(raw), vars);
    out[key] = own.includes(key) ? String(raw) : value;
    for (const name of m) if (!missing.includes(name)) missing.push(name);
  }
  return { params: out, missing };
}


async function runJob(job: ProbeJob, prepared: Prepared, options: RunOptions, redact: Redactor): Promise<ProbeResult> {
  const started = Date.now();
  const finish = (outcome: ProbeOutcome): ProbeResult => {
    // One rule for a cancel whatever the kind said: skipped, reason cancelled.
    if (options.signal?.aborted && outcome.status === 'skipped' && (!outcome.reason || outcome.reason === 'cancelled')) outcome = { ...cancelled(), evidence: outcome.evidence ?? [] };
    const result = redactDeep<ProbeResult>(
      {
        status: outcome.status,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        ...(outcome.hint ? { hint: String(outcome.hint).split('\n')[0].trim() } : {}),
        summary: String(outcome.summary ?? '').split('\n')[0].trim(),
        evidence: Array.isArray(outcome.evidence) ? outcome.evidence.map(String) : [],
        ...(outcome.metrics ? { metrics: outcome.metrics } : {}),
        kind: job.spec.kind,
        ...(job.itemId !== undefined ? { itemId: job.itemId } : {}),
        spec: job.spec.raw,
        durationMs: Date.now() - started,
        at: new Date().toISOString(),
        ...(job.spec.partial ? { partial: true } : {}),
      },
      redact,
    );
    try {
      options.onResult?.(result, job);
    } catch {
      // A listener's bug must not turn into a rejected run.
    }
    return result;
  };

  if (options.signal?.aborted) return finish(cancelled());
  try {
    options.onStart?.(job);
  } catch {
    /* see onResult */
  }

  if ('outcome' in prepared) return finish(prepared.outcome);

  const timeoutMs = job.spec.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = started + timeoutMs;
  const controller = new AbortController();
  let stop: 'timeout' | 'cancelled' | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;

  // Resolves the moment the deadline passes or the run is cancelled, whatever the probe does.
  const stopped = new Promise<ProbeOutcome>((resolve) => {
    const end = (why: 'timeout' | 'cancelled') => {
      if (stop) return;
      stop = why;
      resolve(
        why === 'timeout' ? timedOut(`no answer within ${timeoutMs} ms`, [`deadline ${timeoutMs} ms passed; the probe was aborted`]) : cancelled(),
      );
      controller.abort(why === 'timeout' ? new Error(`no answer within ${timeoutMs} ms`) : options.signal?.reason);
    };
    timer = setTimeout(() => end('timeout'), Math.max(0, deadline - Date.now()));
    onCancel = () => end('cancelled');
    options.signal?.addEventListener('abort', onCancel, { once: true });
  });

  const running = (async (): Promise<ProbeOutcome> => {
    const probe = await options.registry!.kinds[job.spec.kind].load();
    if (stop) return { status: 'error', summary: 'aborted before start', evidence: [] };
    const session: SessionView | undefined = options.session ? { session: options.session, ...(job.itemId !== undefined ? { itemId: job.itemId } : {}) } : undefined;
    return probe(prepared.params, { signal: controller.signal, deadline, timeoutMs, vars: options.vars, ...(session ? { session } : {}) });
  })().then(
    (outcome) => validOutcome(outcome),
    (err: unknown): ProbeOutcome => ({ status: 'error', summary: firstLine(err), evidence: [] }),
  );

  try {
    return finish(await Promise.race([running, stopped]));
  } finally {
    clearTimeout(timer);
    if (onCancel) options.signal?.removeEventListener('abort', onCancel);
    // Let the probe release its sockets and children even when it answered in time.
    if (!controller.signal.aborted) controller.abort(new Error('probe finished'));
  }
}

/** A deep copy no probe can change: the session is read, never written, by probes. */
function frozenCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown) => {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const x of Object.values(v)) freeze(x);
    }
  };
  freeze(copy);
  return copy;
}

const STATUSES = new Set<string>(PROBE_STATUSES);
const REASONS = new Set<string>(PROBE_REASONS);

/**
 * A probe returning something malformed is a bug in the probe: report it as an
 * error, not a crash. A result that did not judge always carries a reason.
 */
function validOutcome(outcome: ProbeOutcome | undefined): ProbeOutcome {
  if (!outcome || typeof outcome !== 'object' || !STATUSES.has(outcome.status) || (outcome.reason !== undefined && !REASONS.has(outcome.reason))) {
    return { status: 'error', summary: 'probe returned no valid result', evidence: [] };
  }
  if (outcome.status === 'inconclusive' && !outcome.reason) return { ...outcome, reason: 'no-data' };
  return outcome;
}
