/**
 * The reference document's Rollback Decision Criteria, judged in one place
 * from probe measurements (Argo Rollouts' shape: measurements in, one pure
 * function, a verdict out). The wizard's banner, the report and `check` all
 * ask here, so they cannot disagree.
 *
 * - "Error rate exceeds 5% of requests": a prometheus probe's `value` on an
 *   error-rate check (item text or annotation says "error rate"); the worst
 *   such value counts.
 * - "Response time increases by more than 50%": a baseline probe's
 *   `increase_pct` against its stored baseline; without one, the item's
 *   response time (p50, or an http latency) against the previous session of
 *   the environment when the caller has it; the worst counts.
 * The others need a person and are listed as such.
 */
import type { Checklist } from '../checklist/types.js';
import type { ProbeResult } from '../probes/types.js';
import type { Session } from '../session/schema.js';

/** Error rate (fraction of requests) above which rollback is advised. */
export const ERROR_RATE_LIMIT = 0.05;
/** Response-time increase (percent against the stored baseline) above which rollback is advised. */
export const LATENCY_INCREASE_LIMIT = 50;

/** One probe result and the text of the item it belongs to. */
export interface Measurement {
  result: Pick<ProbeResult, 'kind' | 'spec' | 'metrics'>;
  /** The item's text, for naming the figure and recognising an error-rate check. */
  label?: string;
  /** The item's id: matches a measurement of the previous session. */
  itemId?: string;
}

export interface CriterionVerdict {
  criterion: string;
  /** What was measured, e.g. "7.2% (Error rates within limits)"; "not measured" when no probe. */
  observed: string;
  threshold: string;
  /** triggered: the criterion is met; ok: measured and within; unmeasured: needs a person. */
  verdict: 'triggered' | 'ok' | 'unmeasured';
}

export const ERROR_RATE_CRITERION = 'Error rate exceeds 5% of requests';
export const LATENCY_CRITERION = 'Response time increases by more than 50%';
const JUDGEMENT = ['Critical functionality not working', 'Database corruption detected', 'Security vulnerability discovered', 'Data loss detected'];

const ERROR_RATE_TEXT = /error[\s_-]*rate/i;

/** A prometheus probe that measures an error rate (a fraction of requests), by item text or annotation. */
export function isErrorRate(m: Measurement): boolean {
  return m.result.kind === 'prometheus' && (ERROR_RATE_TEXT.test(m.label ?? '') || ERROR_RATE_TEXT.test(m.result.spec));
}

function worst<T>(rows: T[], by: (t: T) => number): T | undefined {
  return rows.reduce<T | undefined>((w, r) => (w === undefined || by(r) > by(w) ? r : w), undefined);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const named = (label?: string) => (label ? ` (${label})` : '');

/** Response time of a result in ms: a baseline probe's p50 or an http probe's latency (not a TCP connect or a Celery ping). */
export function responseMs(result: Measurement['result']): number | undefined {
  if (result.kind === 'baseline') return result.metrics?.p50_ms;
  if (result.kind === 'http') return result.metrics?.latency_ms;
  return undefined;
}

/** Increase in percent: against the probe's stored baseline, else against the previous session's time of the item. */
function increaseOf(m: Measurement, before: Map<string, number>): number | undefined {
  const own = m.result.metrics?.increase_pct;
  if (m.result.kind === 'baseline' && typeof own === 'number') return own;
  const now = responseMs(m.result);
  const prev = m.itemId === undefined ? undefined : before.get(m.itemId);
  return now !== undefined && prev ? round1(((now - prev) / prev) * 100) : undefined;
}

/**
 * Every criterion with its verdict, from these measurements (and, for the
 * response time of items without a stored baseline, the previous session's).
 */
export function judgeRollback(measurements: Iterable<Measurement>, previous: Iterable<Measurement> = []): CriterionVerdict[] {
  const all = [...measurements];
  const rates = all.filter((m) => isErrorRate(m) && typeof m.result.metrics?.value === 'number');
  const rate = worst(rates, (m) => m.result.metrics!.value);
  const before = new Map<string, number>();
  for (const m of previous) {
    const ms = responseMs(m.result);
    if (m.itemId !== undefined && ms !== undefined && (m.result.kind === 'baseline' || !before.has(m.itemId))) before.set(m.itemId, ms);
  }
  const times = all.flatMap((m) => {
    const inc = increaseOf(m, before);
    return inc === undefined ? [] : [{ m, inc }];
  });
  const time = worst(times, (t) => t.inc);
  const value = rate?.result.metrics!.value;
  const inc = time?.inc;
  return [
    {
      criterion: ERROR_RATE_CRITERION,
      observed: value === undefined ? 'not measured' : `${round1(value * 100)}%${named(rate!.label)}`,
      threshold: '> 5%',
      verdict: value === undefined ? 'unmeasured' : value > ERROR_RATE_LIMIT ? 'triggered' : 'ok',
    },
    {
      criterion: LATENCY_CRITERION,
      observed: inc === undefined ? 'not measured' : `${inc > 0 ? '+' : ''}${round1(inc)}%${named(time!.m.label)}`,
      threshold: '> +50%',
      verdict: inc === undefined ? 'unmeasured' : inc > LATENCY_INCREASE_LIMIT ? 'triggered' : 'ok',
    },
    ...JUDGEMENT.map((criterion): CriterionVerdict => ({ criterion, observed: 'operator judgement', threshold: '-', verdict: 'unmeasured' })),
  ];
}

/** The criteria met, as one line each: `Error rate exceeds 5% of requests: 7.2% (Error rates monitored)`. */
export function triggeredLines(verdicts: readonly CriterionVerdict[]): string[] {
  return verdicts.filter((v) => v.verdict === 'triggered').map((v) => `${v.criterion}: ${v.observed}`);
}

/** The latest probe results a session holds, each with its item's text, in checklist order. */
export function sessionMeasurements(session: Pick<Session, 'items'>, checklist: Pick<Checklist, 'items'>): Measurement[] {
  const text = new Map(checklist.items.map((i) => [i.id, i.text]));
  const order = [...checklist.items.map((i) => i.id).filter((id) => session.items[id]), ...Object.keys(session.items).filter((id) => !text.has(id))];
  return order.flatMap((id) => session.items[id].probes.map((result) => ({ result, label: text.get(id), itemId: id })));
}

/**
 * The criteria judged over what a session holds, against the previous session
 * of the environment when there is one (the banner and the report ask this).
 */
export function sessionRollback(session: Pick<Session, 'items'>, checklist: Pick<Checklist, 'items'>, previous?: Pick<Session, 'items'>): CriterionVerdict[] {
  return judgeRollback(sessionMeasurements(session, checklist), previous ? sessionMeasurements(previous, checklist) : []);
}
