/**
 * The reference document's Rollback Decision Criteria, judged in one place
 * from probe measurements (Argo Rollouts' shape: measurements in, one pure
 * function, a verdict out). The wizard's banner, the report and `check` all
 * ask here, so they cannot disagree.
 *
 * One rule with `watch`: a single-sample verdict is the window judge
 * (window.ts) with one measurement, `count` 1 and `failure_limit` 0; the
 * thresholds are the ones the checklist's `<!-- watch: … -->` criteria declare
 * (`max=` of the error-rate criterion, `max_increase_pct=` of the baseline
 * one), so `watch` and the banner read the same figure against the same limit
 * (both trip on strictly above it, as the probes do). A checklist that declares
 * no criterion for a measure (any checklist without criteria) is judged
 * against the documented defaults: 5 % and +50 %.
 *
 * - Error rate: a prometheus probe's `value` on an error-rate check (item
 *   text or annotation says "error rate"); the worst such value counts.
 * - Response time: responseChange (below), the one rule for the reference
 *   and the increase; a regression is over both the percentage and the
 *   absolute floor (src/verdict/latency-rule.ts); the worst counts.
 * No figure is "not measured" (the window judge's no-data rule: never ok).
 * The others need a person and are listed as such.
 */
import type { Checklist, Criterion } from '../checklist/types.js';
import type { ProbeResult } from '../probes/types.js';
import type { SessionItems } from './items.js';
import { criterionState, judgeWindow, SINGLE_SAMPLE, STATE_ROLLBACK, type CriterionState, type RollbackVerdict, type Measurement as Sample, type WindowPhase } from './window.js';
import { DEFAULT_MAX_INCREASE_PCT, DEFAULT_MIN_INCREASE_MS, isRegression, latencyChange } from './latency-rule.js';

/** Default error rate (fraction of requests) above which rollback is advised, for a checklist that declares none. */
const ERROR_RATE_LIMIT = 0.05;
/** Default response-time increase (percent against the baseline) above which rollback is advised, for a checklist that declares none. */
const LATENCY_INCREASE_LIMIT = DEFAULT_MAX_INCREASE_PCT;

const ERROR_RATE_CRITERION = 'Error rate exceeds 5% of requests';
const LATENCY_CRITERION = 'Response time increases by more than 50%';

/** The two measurable criteria: their names and thresholds. */
export interface RollbackLimits {
  errorRate: { criterion: string; max: number };
  /** `minIncreaseMs`: the absolute floor beside the percentage (default DEFAULT_MIN_INCREASE_MS). */
  latency: { criterion: string; maxIncreasePct: number; minIncreaseMs?: number };
}

/** The documented defaults (the reference document's wording). */
export const DEFAULT_ROLLBACK_LIMITS: RollbackLimits = {
  errorRate: { criterion: ERROR_RATE_CRITERION, max: ERROR_RATE_LIMIT },
  latency: { criterion: LATENCY_CRITERION, maxIncreasePct: LATENCY_INCREASE_LIMIT, minIncreaseMs: DEFAULT_MIN_INCREASE_MS },
};

/** A literal number parameter (annotations keep their text: `max=0.10`); a `${VAR}` one is not a declared limit here. */
const finite = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

const ERROR_RATE_TEXT = /error[\s_-]*rate/i;

/** A prometheus probe on an error-rate check: its item's (or criterion's) text or its annotation says "error rate". */
const measuresErrorRate = (kind: string, text: string | undefined, annotation: string) => kind === 'prometheus' && (ERROR_RATE_TEXT.test(text ?? '') || ERROR_RATE_TEXT.test(annotation));
const isErrorRateCriterion = (c: Criterion) => measuresErrorRate(c.probe.kind, c.text, c.probe.raw);

/**
 * The thresholds a checklist declares in its `watch:` criteria: the first
 * error-rate criterion's `max`, the first baseline criterion's
 * `max_increase_pct`, each named by its criterion's text. The defaults stand
 * in for a measure it declares no criterion for, and for a limit that is not a
 * literal number (a `${VAR}` resolves only when `watch` runs the probe).
 */
export function rollbackLimits(checklist: Pick<Checklist, 'criteria'>): RollbackLimits {
  const criteria = checklist.criteria ?? [];
  const rate = criteria.find(isErrorRateCriterion);
  const time = criteria.find((c) => c.probe.kind === 'baseline');
  return {
    errorRate: rate ? { criterion: rate.text, max: finite(rate.probe.params.max) ?? ERROR_RATE_LIMIT } : DEFAULT_ROLLBACK_LIMITS.errorRate,
    latency: time
      ? { criterion: time.text, maxIncreasePct: finite(time.probe.params.max_increase_pct) ?? LATENCY_INCREASE_LIMIT, minIncreaseMs: finite(time.probe.params.min_increase_ms) ?? DEFAULT_MIN_INCREASE_MS }
      : DEFAULT_ROLLBACK_LIMITS.latency,
  };
}

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
  verdict: RollbackVerdict;
  /** A watched criterion's state in the one vocabulary (incomplete, cannot-measure…), when a window decided the row. */
  state?: CriterionState;
}

const JUDGEMENT = ['Critical functionality not working', 'Database corruption detected', 'Security vulnerability discovered', 'Data loss detected'];

/** A prometheus probe that measures an error rate (a fraction of requests), by item text or annotation. */
function isErrorRate(m: Measurement): boolean {
  return measuresErrorRate(m.result.kind, m.label, m.result.spec);
}

function worst<T>(rows: T[], by: (t: T) => number): T | undefined {
  return rows.reduce<T | undefined>((w, r) => (w === undefined || by(r) > by(w) ? r : w), undefined);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const named = (label?: string) => (label ? ` (${label})` : '');

/** Response time of a result in ms: a baseline probe's judged percentile (p50 by default) or an http probe's latency (not a TCP connect or a Celery ping). */
export function responseMs(result: Measurement['result']): number | undefined {
  if (result.kind === 'baseline') return result.metrics?.judged_ms ?? result.metrics?.p50_ms;
  if (result.kind === 'http') return result.metrics?.latency_ms;
  return undefined;
}

/** A response time against its reference: the one answer the rollback verdict and the report's response-time table share. */
export interface ResponseChange {
  currentMs?: number;
  /** The figure compared with, and where it came from. */
  referenceMs?: number;
  reference: 'stored baseline' | 'previous session';
  increasePct: number;
  /** Unknown only for a result that carries a percentage without its figures (older sessions). */
  increaseMs?: number;
}

/**
 * How a measured response time compares with its reference, decided once:
 * the baseline the probe itself judged against (a baseline probe's
 * `baseline_ms`: this session's baseline measurement, else the last SUCCESS
 * session's, else BASELINE_P50_MS) comes first, because it is what the probe's
 * pass/fail was decided on; without one, the same item's time in the previous
 * SUCCESS session (`previousMs`). Undefined when there is nothing to compare.
 */
export function responseChange(result: Measurement['result'], previousMs?: number): ResponseChange | undefined {
  const now = responseMs(result);
  const m = result.metrics ?? {};
  if (result.kind === 'baseline' && typeof m.baseline_ms === 'number' && now !== undefined) {
    const c = latencyChange(now, m.baseline_ms);
    if (c) return { ...c, reference: 'stored baseline' };
  }
  // A result that says its increase without its figures (an older session): the percentage alone.
  if (result.kind === 'baseline' && typeof m.increase_pct === 'number') {
    return { reference: 'stored baseline', increasePct: m.increase_pct, ...(typeof m.increase_ms === 'number' ? { increaseMs: m.increase_ms } : {}), ...(now !== undefined ? { currentMs: now } : {}) };
  }
  const c = now !== undefined && previousMs !== undefined ? latencyChange(now, previousMs) : undefined;
  return c && { ...c, reference: 'previous session' };
}

/** One figure against its limit, through the window judge: one measurement, count 1, failure_limit 0; no figure → unmeasured. */
function judgeOne(value: number | undefined, limit: number): RollbackVerdict {
  const samples: Sample[] = value === undefined ? [] : [{ phase: value > limit ? 'failed' : 'successful', value, message: '', startedAt: '', finishedAt: '' }];
  return STATE_ROLLBACK[criterionState(judgeWindow(samples, SINGLE_SAMPLE, true))];
}

const percent = (n: number) => `${round1(n)}%`;

/**
 * Every criterion with its verdict, from these measurements (and, for the
 * response time of items without a stored baseline, the previous session's),
 * against the checklist's limits (rollbackLimits) or the defaults.
 */
export function judgeRollback(measurements: Iterable<Measurement>, previous: Iterable<Measurement> = [], limits: RollbackLimits = DEFAULT_ROLLBACK_LIMITS): CriterionVerdict[] {
  const all = [...measurements];
  const rates = all.filter((m) => isErrorRate(m) && typeof m.result.metrics?.value === 'number');
  const rate = worst(rates, (m) => m.result.metrics!.value);
  const before = new Map<string, number>();
  for (const m of previous) {
    const ms = responseMs(m.result);
    if (m.itemId !== undefined && ms !== undefined && (m.result.kind === 'baseline' || !before.has(m.itemId))) before.set(m.itemId, ms);
  }
  const times = all.flatMap((m) => {
    const change = responseChange(m.result, m.itemId === undefined ? undefined : before.get(m.itemId));
    return change === undefined ? [] : [{ m, change, inc: change.increasePct }];
  });
  // The worst that is a regression by the whole rule (percentage and floor), else the largest increase.
  const rule = { maxIncreasePct: limits.latency.maxIncreasePct, minIncreaseMs: limits.latency.minIncreaseMs ?? DEFAULT_MIN_INCREASE_MS };
  const regress = (c: ResponseChange) => (c.increaseMs === undefined ? c.increasePct > rule.maxIncreasePct : isRegression({ increasePct: c.increasePct, increaseMs: c.increaseMs }, rule));
  const time = worst(times.filter((t) => regress(t.change)), (t) => t.inc) ?? worst(times, (t) => t.inc);
  const value = rate?.result.metrics!.value;
  const inc = time?.inc;
  return [
    {
      criterion: limits.errorRate.criterion,
      observed: value === undefined ? 'not measured' : `${percent(value * 100)}${named(rate!.label)}`,
      threshold: `> ${percent(limits.errorRate.max * 100)}`,
      verdict: judgeOne(value, limits.errorRate.max),
    },
    {
      criterion: limits.latency.criterion,
      observed: inc === undefined ? 'not measured' : `${inc > 0 ? '+' : ''}${percent(inc)}${time!.change.increaseMs !== undefined ? ` (${time!.change.increaseMs > 0 ? '+' : ''}${time!.change.increaseMs} ms)` : ''}${named(time!.m.label)}`,
      threshold: `> +${percent(limits.latency.maxIncreasePct)} and > +${rule.minIncreaseMs} ms`,
      // The whole rule decides (a regression is over both); the window judge gives the verdict its shape.
      verdict: judgeOne(time && (regress(time.change) ? 1 : 0), 0),
    },
    ...JUDGEMENT.map((criterion): CriterionVerdict => ({ criterion, observed: 'operator judgement', threshold: '-', verdict: 'unmeasured' })),
  ];
}

/** The criteria met, as one line each: `Error rate exceeds 5% of requests: 7.2% (Error rates monitored)`. */
export function triggeredLines(verdicts: readonly CriterionVerdict[]): string[] {
  return verdicts.filter((v) => v.verdict === 'triggered').map((v) => `${v.criterion}: ${v.observed}`);
}

/** The latest probe results a session holds, each with its item's text, in checklist order. */
function sessionMeasurements(session: SessionItems, checklist: Pick<Checklist, 'items'>): Measurement[] {
  const text = new Map(checklist.items.map((i) => [i.id, i.text]));
  const order = [...checklist.items.map((i) => i.id).filter((id) => session.items[id]), ...Object.keys(session.items).filter((id) => !text.has(id))];
  return order.flatMap((id) => session.items[id].probes.map((result) => ({ result, label: text.get(id), itemId: id })));
}

/**
 * The criteria judged over what a session holds, against the previous session
 * of the environment when there is one and the checklist's limits (the banner
 * and the report ask this).
 */
export function sessionRollback(session: SessionItems, checklist: Pick<Checklist, 'items' | 'criteria'>, previous?: SessionItems): CriterionVerdict[] {
  return judgeRollback(sessionMeasurements(session, checklist), previous ? sessionMeasurements(previous, checklist) : [], rollbackLimits(checklist));
}
