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
 *   `increase_pct` against its stored baseline; the worst counts.
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

/** Every criterion with its verdict, from these measurements. */
export function judgeRollback(measurements: Iterable<Measurement>): CriterionVerdict[] {
  const all = [...measurements];
  const rates = all.filter((m) => isErrorRate(m) && typeof m.result.metrics?.value === 'number');
  const rate = worst(rates, (m) => m.result.metrics!.value);
  const times = all.filter((m) => m.result.kind === 'baseline' && typeof m.result.metrics?.increase_pct === 'number');
  const time = worst(times, (m) => m.result.metrics!.increase_pct);
  const value = rate?.result.metrics!.value;
  const inc = time?.result.metrics!.increase_pct;
  return [
    {
      criterion: ERROR_RATE_CRITERION,
      observed: value === undefined ? 'not measured' : `${round1(value * 100)}%${named(rate!.label)}`,
      threshold: '> 5%',
      verdict: value === undefined ? 'unmeasured' : value > ERROR_RATE_LIMIT ? 'triggered' : 'ok',
    },
    {
      criterion: LATENCY_CRITERION,
      observed: inc === undefined ? 'not measured' : `${inc > 0 ? '+' : ''}${round1(inc)}%${named(time!.label)}`,
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
  return order.flatMap((id) => session.items[id].probes.map((result) => ({ result, label: text.get(id) })));
}

/** The criteria judged over what a session holds (the banner and the report ask this). */
export function sessionRollback(session: Pick<Session, 'items'>, checklist: Pick<Checklist, 'items'>): CriterionVerdict[] {
  return judgeRollback(sessionMeasurements(session, checklist));
}
