/**
 * Rollback criteria as annotations: `<!-- watch: KIND probe-params... interval=30s
 * count=10 failure_limit=0 inconclusive_limit=0 -->` on a criterion (a plain
 * list item such as "Error rate exceeds 5% of requests") or on a checklist
 * item. The window keys are split off here; the rest is an ordinary probe
 * annotation checked by the probe registry. Pure.
 */
import type { WindowSpec } from '../checklist/types.js';
import type { WindowLimits } from './judge.js';

export type { WindowSpec } from '../checklist/types.js';

/** Keys of a `watch:` annotation that shape the window rather than the probe. */
export const WINDOW_KEYS = ['interval', 'count', 'for', 'failure_limit', 'inconclusive_limit'] as const;

/** Defaults: a measurement every 30 s for 30 min (DESIGN.md), no failure and no unjudged measurement tolerated (Argo's defaults). */
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_FOR_MS = 30 * 60_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500`, `500ms`, `30s`, `30m`, `24h`, `1.5s` → milliseconds; anything else → undefined. */
export function parseSpan(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']);
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

function wholeNumber(value: string, min: number): number | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
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
      const ms = parseSpan(value);
      if (ms === undefined) problems.push(`parameter "${key}": must be a duration like 500ms, 30s, 30m or 24h`);
      else if (key === 'interval') window.intervalMs = ms;
      else window.forMs = ms;
      continue;
    }
    const n = wholeNumber(value, key === 'count' ? 1 : 0);
    if (n === undefined) problems.push(`parameter "${key}": must be a whole number${key === 'count' ? ' above 0' : ' (0 or more)'}`);
    else if (key === 'count') window.count = n;
    else if (key === 'failure_limit') window.failureLimit = n;
    else window.inconclusiveLimit = n;
  }
  if (window.count !== undefined && window.forMs !== undefined) problems.push('give "count" or "for", not both');
  return { window, params, problems };
}

/** What the command line may override: `--interval` and `--for`. */
export interface WindowOverride {
  intervalMs?: number;
  forMs?: number;
}

/**
 * The limits a criterion is judged with. The interval is `--interval`, else the
 * annotation's, else 30 s. The count is `--for` ÷ interval when `--for` is given,
 * else the annotation's `count` (or its `for` ÷ interval), else 30 min ÷ interval.
 */
export function resolveLimits(spec: WindowSpec, override: WindowOverride = {}): WindowLimits {
  const intervalMs = override.intervalMs ?? spec.intervalMs ?? DEFAULT_INTERVAL_MS;
  const span = override.forMs ?? (spec.count === undefined ? spec.forMs ?? DEFAULT_FOR_MS : undefined);
  const count = span !== undefined ? Math.max(1, Math.floor(span / intervalMs)) : spec.count!;
  return { intervalMs, count, failureLimit: spec.failureLimit ?? 0, inconclusiveLimit: spec.inconclusiveLimit ?? 0 };
}
