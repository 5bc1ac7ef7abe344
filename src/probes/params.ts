/**
 * Building blocks for probe parameter schemas. Annotation values arrive as
 * strings (`status=200`), so numbers and booleans are coerced here.
 */
import * as z from 'zod';
import { parseDuration } from '../grammar/duration.js';

// One-shot validations in a CLI do not repay zod's JIT-compiled parsers.
z.config({ jitless: true });

export const str = z.string().min(1, 'must not be empty');
export const int = z.coerce.number().int('must be a whole number');
export const posInt = z.coerce.number().int('must be a whole number').positive('must be above 0');
/** A TCP/UDP port: 1–65535 (`port=-1` or `port=65536` is refused on its line). */
export const port = z.coerce.number().int('must be a whole number').min(1, 'must be a port from 1 to 65535').max(65535, 'must be a port from 1 to 65535');
/** A count of things (days, workers, versions): 0 or more, and a safe integer. */
export const count = z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').max(Number.MAX_SAFE_INTEGER, 'is too large');
/** A percentage of a whole (connections in use): 0–100. */
export const percent = z.coerce.number().min(0, 'must be a percentage from 0 to 100').max(100, 'must be a percentage from 0 to 100');
/** A process exit status: 0–255. */
export const exitStatus = z.coerce.number().int('must be a whole number').min(0, 'must be an exit status from 0 to 255').max(255, 'must be an exit status from 0 to 255');
export const bool = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === 'yes' || v === '1');
/** `200`, `200,204` or `200-299`. */
export const statusList = z
  .string()
  .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'must be a status like 200, 200,204 or 200-299');
export const url = z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/i, 'must be a URL like https://host/path');
/** `a, b ,c` → ['a', 'b', 'c']: a comma-separated list of names (jobs, alerts, dashboard titles, check names). */
export const nameList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'must name at least one, comma-separated'));
/**
 * Milliseconds, for parameters whose name ends in `_ms` (`max_ms`, `baseline_ms`):
 * the name says the unit, so a bare `500` is 500 ms; `500ms`, `2s`, `1m` too.
 * The grammar and its range (above 0, within Node's timer) are src/grammar/duration.ts.
 */
export const duration = z.union([z.number().transform(String), z.string()]).transform((v, ctx) => {
  const r = parseDuration(v, { bare: 'ms' });
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.problem });
    return z.NEVER;
  }
  return r.ms;
});

/** Milliseconds that may be 0 (a floor: `min_increase_ms=0` turns it off); otherwise as `duration`. */
export const msAtLeastZero = z.union([z.number().transform(String), z.string()]).transform((v, ctx) => {
  if (/^\s*0+(\.0+)?(ms|s|m|h)?\s*$/.test(v)) return 0;
  const r = parseDuration(v, { bare: 'ms' });
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.problem });
    return z.NEVER;
  }
  return r.ms;
});

/** Does `code` match a statusList value like `200-299,404`? */
export function statusMatches(list: string, code: number): boolean {
  return list.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return hi === undefined ? code === lo : code >= lo && code <= hi;
  });
}
