/**
 * The response-time rule, one place for the baseline probe, the rollback
 * verdict, the watch and the report: how much a response time rose over its
 * reference, and whether that is a regression. Pure, no I/O.
 *
 * A regression must exceed BOTH the percentage (`max_increase_pct`, the
 * reference document's "+50 %") and an absolute floor (`min_increase_ms`).
 * The floor is what keeps a fast endpoint honest: +50 % of a 20 ms /health/ is
 * 10 ms, less than the scheduling and network jitter of one sample (the issue
 * that started this: 34 ms against 21 ms, +13 ms, called a rollback). 25 ms
 * by default: several times the jitter of a p50 over 20 requests (a ±15 ms
 * endpoint moves its p50 by a few ms, see the watch's jitter test), yet a real
 * slowdown of such an endpoint (3× its 20 ms: +40 ms) still crosses it.
 */

/** Percent over the reference above which response time is a regression (the reference document's criterion). */
export const DEFAULT_MAX_INCREASE_PCT = 50;
/** Milliseconds over the reference that a regression must also exceed. */
export const DEFAULT_MIN_INCREASE_MS = 25;
/** Requests per sample: the percentile of 20 is robust to one slow answer; 5 was not. */
export const DEFAULT_REQUESTS = 20;
/** The percentile judged (p50 by default). */
export const DEFAULT_PERCENTILE = 50;

export interface LatencyRule {
  maxIncreasePct: number;
  minIncreaseMs: number;
}

const DEFAULT_LATENCY_RULE: LatencyRule = { maxIncreasePct: DEFAULT_MAX_INCREASE_PCT, minIncreaseMs: DEFAULT_MIN_INCREASE_MS };

export interface LatencyChange {
  currentMs: number;
  referenceMs: number;
  /** Rounded to 0.1 %. */
  increasePct: number;
  /** Rounded to 0.1 ms. */
  increaseMs: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** How far `currentMs` rose over `referenceMs` (undefined without a positive reference). */
export function latencyChange(currentMs: number, referenceMs: number): LatencyChange | undefined {
  if (!(referenceMs > 0) || !Number.isFinite(currentMs)) return undefined;
  return { currentMs, referenceMs, increasePct: round1(((currentMs - referenceMs) / referenceMs) * 100), increaseMs: round1(currentMs - referenceMs) };
}

/** A regression: over the percentage and over the floor (strictly above each, as every probe limit). */
export function isRegression(change: Pick<LatencyChange, 'increasePct' | 'increaseMs'>, rule: LatencyRule = DEFAULT_LATENCY_RULE): boolean {
  return change.increasePct > rule.maxIncreasePct && change.increaseMs > rule.minIncreaseMs;
}

/** `+50 % and +25 ms`: the rule in words. */
export function ruleText(rule: LatencyRule): string {
  return `+${rule.maxIncreasePct} % and +${rule.minIncreaseMs} ms`;
}

/** `+60 %, +13 ms`. */
export function changeText(change: Pick<LatencyChange, 'increasePct' | 'increaseMs'>): string {
  const sign = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±');
  return `${sign(change.increasePct)}${Math.abs(change.increasePct)} %, ${sign(change.increaseMs)}${Math.abs(change.increaseMs)} ms`;
}
