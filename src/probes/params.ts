/**
 * Building blocks for probe parameter schemas. Annotation values arrive as
 * strings (`status=200`), so numbers and booleans are coerced here.
 */
import * as z from 'zod';

// One-shot validations in a CLI do not repay zod's JIT-compiled parsers.
z.config({ jitless: true });

export const str = z.string().min(1, 'must not be empty');
export const int = z.coerce.number().int('must be a whole number');
export const posInt = z.coerce.number().int('must be a whole number').positive('must be above 0');
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
/** Milliseconds: `500`, `500ms`, `5s`. */
export const duration = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?(ms|s)?$/, 'must be a duration like 500, 500ms or 5s')])
  .transform((v) => (typeof v === 'number' ? v : v.endsWith('ms') ? Number(v.slice(0, -2)) : v.endsWith('s') ? Number(v.slice(0, -1)) * 1000 : Number(v)));

/** Does `code` match a statusList value like `200-299,404`? */
export function statusMatches(list: string, code: number): boolean {
  return list.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return hi === undefined ? code === lo : code >= lo && code <= hi;
  });
}
