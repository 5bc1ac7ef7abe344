/** The one display of times (UTC, said) and durations, and the same window reading the same from the CLI and the watch screen. */
import { describe, expect, it } from 'vitest';
import { clockRangeText, clockText, dateClockText, durationText, windowPlanText } from '../../src/grammar/time-format.js';

describe('time display', () => {
  it('times are UTC and say so, whatever the machine\'s zone', () => {
    expect(clockText('2026-11-26T14:02:30.000Z')).toBe('14:02:30 UTC');
    expect(dateClockText('2026-11-26T14:02:30.000Z')).toBe('2026-11-26 14:02:30 UTC');
    expect(dateClockText('not a time')).toBe('not a time');
    expect(clockText(Date.parse('2026-11-26T14:02:30.000Z'), { seconds: false })).toBe('14:02 UTC');
    expect(clockRangeText('2026-11-26T14:02:30.000Z', '2026-11-26T14:32:30.000Z')).toBe('14:02:30–14:32:30 UTC');
    expect(clockText('not a time')).toBe('not a time');
  });

  it('durations in the largest two units that matter', () => {
    expect([250, 2300, 2000, 30_000, 90_000, 1_800_000, 3_900_000, 5_400_000, 2 * 86_400_000 + 3 * 3_600_000].map(durationText)).toEqual([
      '250 ms',
      '2.3 s',
      '2 s',
      '30 s',
      '1 min 30 s',
      '30 min',
      '1 h 5 min',
      '1 h 30 min',
      '2 d 3 h',
    ]);
  });

  it('a window reads "every 30 s × 60 (30 min)" (the CLI once said "every 30.0 s × 60")', () => {
    expect(windowPlanText(30_000, 60)).toBe('every 30 s × 60 (30 min)');
    expect(windowPlanText(200, 10)).toBe('every 200 ms × 10 (2 s)');
  });
});
