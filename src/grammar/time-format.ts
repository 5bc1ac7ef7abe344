/**
 * The one way times and durations are shown to people. Times are UTC and say
 * so (`14:02:30 UTC`), whatever the machine's zone; durations use the largest
 * two units that matter (`250 ms`, `2.5 s`, `30 s`, `1 min 30 s`, `30 min`,
 * `1 h 5 min`, `2 d 3 h`). A leaf: no import from the rest of src/.
 */

/** `14:02:30 UTC` (or `14:02 UTC` with `seconds: false`) of an ISO time or epoch ms; text that is no time is shown as given. */
export function clockText(t: string | number | Date, opts: { seconds?: boolean } = {}): string {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return `${d.toISOString().slice(11, opts.seconds === false ? 16 : 19)} UTC`;
}

/** `2026-11-26 14:02:30 UTC`: a time with its day, for a record read days later; text that is no time is shown as given. */
export function dateClockText(t: string | number | Date, opts: { seconds?: boolean } = {}): string {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return `${d.toISOString().slice(0, 10)} ${clockText(d, opts)}`;
}

/** `14:02:30–14:32:30 UTC`: two times of one span, the zone said once. */
export function clockRangeText(from: string | number | Date, to: string | number | Date, opts: { seconds?: boolean } = {}): string {
  return `${clockText(from, opts).replace(/ UTC$/, '')}–${clockText(to, opts)}`;
}

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

/** A duration for people: `250 ms`, `2.5 s`, `30 s`, `1 min 30 s`, `30 min`, `1 h 5 min`, `2 d 3 h`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 0) return `-${durationText(-ms)}`;
  if (ms < S) return `${Math.round(ms)} ms`;
  if (ms < MIN) {
    const s = Math.round(ms / 100) / 10;
    if (s < 60) return `${s < 10 ? s : Math.round(s)} s`;
  }
  const units: [number, string][] = [
    [D, 'd'],
    [H, 'h'],
    [MIN, 'min'],
    [S, 's'],
  ];
  // Rounded to the second, then the two largest parts that are not zero.
  let rest = Math.round(ms / S) * S;
  const parts: string[] = [];
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n || parts.length) parts.push(n ? `${n} ${name}` : '');
    if (parts.length === 2) break;
  }
  return parts.filter(Boolean).join(' ');
}

/** A window's plan: `every 30 s × 60 (30 min)`. */
export function windowPlanText(intervalMs: number, count: number): string {
  return `every ${durationText(intervalMs)} × ${count} (${durationText(intervalMs * count)})`;
}
