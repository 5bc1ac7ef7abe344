/**
 * The window of a `watch:` annotation as the checklist writes it: the keys
 * that shape the window (`interval`, `count`, `for`, `failure_limit`,
 * `inconclusive_limit`) split off the probe's own parameters and checked, and
 * why an interval (and a window length) cannot be watched. Checklist syntax,
 * like the probe annotation's reserved keys: the parser reads it without
 * knowing the watch that later runs the window.
 */
import type { WindowSpec } from './types.js';
import { durationMs, parseDuration } from '../grammar/duration.js';
import { durationText } from '../grammar/time-format.js';

/** Keys of a `watch:` annotation that shape the window rather than the probe. */
const WINDOW_KEYS = ['interval', 'count', 'for', 'failure_limit', 'inconclusive_limit'] as const;

/** The shortest interval: a faster loop floods the app with requests and Prometheus with queries. */
const MIN_INTERVAL_MS = 1000;

/**
 * The floor in force: MIN_INTERVAL_MS, lowered only by DEPLOY_WIZARD_MIN_INTERVAL_MS
 * (a lab/test setting so a scripted window can run in milliseconds; never below 10 ms).
 */
export function minIntervalMs(env: Record<string, string | undefined> = process.env): number {
  const raw = Number(env.DEPLOY_WIZARD_MIN_INTERVAL_MS);
  return env.DEPLOY_WIZARD_MIN_INTERVAL_MS && Number.isFinite(raw) ? Math.max(10, raw) : MIN_INTERVAL_MS;
}

/**
 * The most measurements one window takes: every 30 s for 3.5 days. A window
 * of more (`--for 24d --interval 100ms`) is a typo, and its series would
 * outgrow the session file.
 */
export const MAX_SAMPLES = 10_000;

function wholeNumber(value: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/** Split the window keys off raw annotation params: the window, the probe's own params, and problems (one line each). */
export function splitWindow(raw: Record<string, string>): { window: WindowSpec; params: Record<string, string>; problems: string[] } {
  const params: Record<string, string> = Object.create(null);
  const window: WindowSpec = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!(WINDOW_KEYS as readonly string[]).includes(key)) {
      params[key] = value;
      continue;
    }
    if (key === 'interval' || key === 'for') {
      const d = parseDuration(value);
      if (!d.ok) problems.push(`parameter "${key}": ${d.problem}`);
      else if (key === 'interval') window.intervalMs = d.ms;
      else window.forMs = d.ms;
      continue;
    }
    const n = wholeNumber(value, key === 'count' ? 1 : 0, key === 'count' ? MAX_SAMPLES : Number.MAX_SAFE_INTEGER);
    if (n === undefined) problems.push(`parameter "${key}": must be a whole number${key === 'count' ? ` from 1 to ${MAX_SAMPLES}` : ' (0 or more)'}`);
    else if (key === 'count') window.count = n;
    else if (key === 'failure_limit') window.failureLimit = n;
    else window.inconclusiveLimit = n;
  }
  if (window.count !== undefined && window.forMs !== undefined) problems.push('give "count" or "for", not both');
  if (window.intervalMs !== undefined) {
    // An unreadable timeout is the probe spec's problem (said once, by the parser), not a second one here.
    const p = windowProblem('interval=', 'for=', window.intervalMs, window.forMs, minIntervalMs(), params.timeout !== undefined ? durationMs(params.timeout) : undefined);
    if (p) problems.push(p);
  }
  return { window, params, problems };
}

/**
 * Why an interval (and a window length) cannot be watched, in one line, or
 * undefined: an interval under the floor (MIN_INTERVAL_MS, 1 s), or a window shorter than one
 * interval (it would silently take a single sample). `intervalName`/`forName`
 * are how the caller spells them (`--interval`, `interval=`).
 */
export function windowProblem(intervalName: string, forName: string, intervalMs: number, forMs?: number, floorMs = minIntervalMs(), timeoutMs?: number): string | undefined {
  if (intervalMs < floorMs) return `${intervalName} must be at least ${durationText(floorMs)} (got ${durationText(intervalMs)}): a faster loop floods the app and Prometheus`;
  if (forMs !== undefined && forMs < intervalMs) return `${forName} (${durationText(forMs)}) is shorter than the interval (${durationText(intervalMs)}): make the window at least one interval long`;
  if (forMs !== undefined && Math.ceil(forMs / intervalMs) > MAX_SAMPLES) return `${forName} ${durationText(forMs)} every ${durationText(intervalMs)} is ${Math.ceil(forMs / intervalMs)} samples: at most ${MAX_SAMPLES}; make the window shorter or the interval longer`;
  // A measurement still waiting when the next one is due would overlap it.
  if (timeoutMs !== undefined && timeoutMs > intervalMs) return `${intervalName} (${durationText(intervalMs)}) is shorter than the measurement's timeout (${durationText(timeoutMs)}): make the interval at least the timeout`;
  return undefined;
}
