/**
 * Rollback criteria as annotations: `<!-- watch: KIND probe-params... interval=30s
 * count=10 failure_limit=0 inconclusive_limit=0 -->` on a criterion (a plain
 * list item such as "Error rate exceeds 5% of requests") or on a checklist
 * item. The window keys are split off by the checklist parser (checklist/window.ts);
 * here the window's limits are resolved and a criterion's probe is checked for
 * what it misses. Pure.
 */
import type { Criterion, WindowSpec } from '../checklist/types.js';
import type { Vars } from '../config/vars.js';
import { registry } from '../probes/registry.js';
import { resolveParams } from '../probes/runner.js';
import type { Unmeasurable, WindowLimits } from './judge.js';


/** Defaults: a measurement every 30 s for 30 min, no failure and no unjudged measurement tolerated (Argo's defaults). */
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_FOR_MS = 30 * 60_000;

/** What the command line may override: `--interval` and `--for`. */
export interface WindowOverride {
  intervalMs?: number;
  forMs?: number;
}

/**
 * The limits a criterion is judged with. The interval is `--interval`, else the
 * annotation's, else 30 s. The count is ⌈`--for` ÷ interval⌉ when `--for` is
 * given, else the annotation's `count` (or ⌈its `for` ÷ interval⌉), else
 * 30 min ÷ interval. The window's real length is count × interval.
 */
export function resolveLimits(spec: WindowSpec, override: WindowOverride = {}): WindowLimits {
  const intervalMs = override.intervalMs ?? spec.intervalMs ?? DEFAULT_INTERVAL_MS;
  const span = override.forMs ?? (spec.count === undefined ? spec.forMs ?? DEFAULT_FOR_MS : undefined);
  // ceil: the window covers at least the span asked for (10 s every 3 s → 4 measurements, a 12 s window).
  const count = span !== undefined ? Math.max(1, Math.ceil(span / intervalMs)) : spec.count!;
  return { intervalMs, count, failureLimit: spec.failureLimit ?? 0, inconclusiveLimit: spec.inconclusiveLimit ?? 0 };
}

/** The variables a criterion's probe needs that `vars` leaves unset (empty: it can run). */
function unsetVariables(criterion: Pick<Criterion, 'probe'>, vars: Vars): string[] {
  return resolveParams(criterion.probe.params, vars, registry.kinds[criterion.probe.kind]?.ownVars).missing;
}

/**
 * Why a criterion cannot be measured with `vars` (a variable it needs is
 * unset), as data and words, or undefined when it can. `explain` says why a
 * variable has no value where the caller knows better than "unset" (the
 * baseline: no measurement in this session, no SUCCESS session before it).
 * Such a criterion is reported at the start and never stops the others.
 */
export function unmeasurable(criterion: Pick<Criterion, 'probe'>, vars: Vars, explain: Record<string, string> = {}): Unmeasurable | undefined {
  const missing = unsetVariables(criterion, vars);
  if (!missing.length) return undefined;
  const known = missing.filter((v) => Object.hasOwn(explain, v));
  const rest = missing.filter((v) => !Object.hasOwn(explain, v));
  const why = [...known.map((v) => explain[v]), ...(rest.length ? [`${rest.join(', ')} unset (environment, --env-file or --config)`] : [])].join('; ');
  return { reason: 'not-configured', why };
}
