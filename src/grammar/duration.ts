/**
 * The one duration grammar: every duration a checklist or a flag gives
 * (`timeout=`, `interval=`, `for=`, `max_ms=`, `baseline_ms=`, `--timeout`,
 * `--for`, `--interval`) is read here. A leaf: no import from the rest of src/.
 *
 * The grammar: one or more `NUMBER UNIT` parts, largest unit first, each unit
 * at most once: `250ms`, `30s`, `1.5s`, `1m`, `1h30m`, `1m30s`. Units: `h`,
 * `m` (minutes), `s`, `ms`.
 *
 * Bare numbers, one rule everywhere: a bare number is refused, because
 * `timeout=10` could mean 10 ms or 10 s; it is read as milliseconds only
 * where the name itself says so (`max_ms=`, `baseline_ms=`, `--timeout <ms>`),
 * which the caller states with `bare: 'ms'`.
 *
 * Range, checked where it is parsed: above 0, and no longer than Node's
 * longest timer (2147483647 ms, ~24.8 days): a longer delay overflows to 1 ms
 * and fires at once. (A library such as `ms` or `parse-duration` reads a bare
 * number as milliseconds and knows no range: the two things this module is for.)
 */

/** The longest delay `setTimeout` holds; longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: Unit[] = ['h', 'm', 's', 'ms'];

export interface DurationOptions {
  /** `ms`: a bare number is milliseconds (the name of the parameter or flag says so). Default: a bare number is refused. */
  bare?: 'ms';
}

export type DurationParse = { ok: true; ms: number } | { ok: false; problem: string };

const NUMBER = /^\d+(?:\.\d+)?$/;
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/**
 * A duration in milliseconds (whole ms), or a problem for one line (without
 * the name of the parameter: the caller puts it in front).
 */
export function parseDuration(raw: string, opts: DurationOptions = {}): DurationParse {
  const text = String(raw).trim();
  let ms: number;
  if (NUMBER.test(text)) {
    if (opts.bare !== 'ms') return { ok: false, problem: `"${clipValue(text)}" has no unit: write ${text}s, ${text}m or ${text}ms` };
    ms = Number(text);
  } else {
    ms = 0;
    let at = 0;
    let last = -1;
    PART.lastIndex = 0;
    while (at < text.length) {
      PART.lastIndex = at;
      const m = PART.exec(text);
      const rank = m ? ORDER.indexOf(m[2] as Unit) : -1;
      if (!m || rank <= last) return { ok: false, problem: `must be a duration like 250ms, 30s, 1m or 1h30m, got "${clipValue(text)}"` };
      last = rank;
      ms += Number(m[1]) * UNIT_MS[m[2] as Unit];
      at = PART.lastIndex;
    }
    if (!text.length) return { ok: false, problem: 'must be a duration like 250ms, 30s, 1m or 1h30m, got nothing' };
  }
  ms = Math.round(ms);
  if (!(ms > 0)) return { ok: false, problem: `must be above 0, got "${clipValue(text)}"` };
  if (ms > MAX_TIMER_MS) return { ok: false, problem: `"${clipValue(text)}" is too long: at most ${MAX_TIMER_MS} ms (24 days, the longest timer Node holds)` };
  return { ok: true, ms };
}

/** The duration, or undefined when parseDuration refuses it. */
export function durationMs(raw: string, opts: DurationOptions = {}): number | undefined {
  const r = parseDuration(raw, opts);
  return r.ok ? r.ms : undefined;
}

function clipValue(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return flat.length > 40 ? flat.slice(0, 37) + '...' : flat;
}
