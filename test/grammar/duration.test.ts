/** The one duration grammar, and every place a duration is read asking it. */
import { describe, expect, it } from 'vitest';
import { durationMs, MAX_TIMER_MS, parseDuration } from '../../src/grammar/duration.js';
import { parseChecklist as parseWith } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { splitWindow } from '../../src/checklist/window.js';
import { parseTimeout } from '../../src/cli/commands/check.js';
import { params as httpParams } from '../../src/probes/kinds/http.js';
import { params as baselineParams } from '../../src/probes/kinds/baseline.js';
import { parseSpanOption } from '../../src/cli/commands/watch.js';

const parseChecklist = (text: string) => parseWith(text, 'c.md', validateProbe);
const problems = (text: string) => parseChecklist(text).problems.map((p) => `${p.line}: ${p.message}`);

describe('duration grammar', () => {
  it('reads 250ms, 30s, 1.5s, 1m, 1h30m, 1m30s', () => {
    expect(['250ms', '30s', '1.5s', '1m', '1h30m', '1m30s', '2h'].map((t) => durationMs(t))).toEqual([250, 30_000, 1500, 60_000, 5_400_000, 90_000, 7_200_000]);
  });

  it('refuses a bare number unless the name says ms; refuses units out of order, twice, unknown, zero, negative, empty', () => {
    expect(parseDuration('10')).toEqual({ ok: false, problem: '"10" has no unit: write 10s, 10m or 10ms' });
    expect(parseDuration('10', { bare: 'ms' })).toEqual({ ok: true, ms: 10 });
    for (const t of ['30m1h', '1s1s', '5d', '', '-1s', '1 s', 's', '0s', '0']) expect(durationMs(t, { bare: 'ms' }), t).toBeUndefined();
  });

  it('a duration must fit Node\'s timer (2147483647 ms)', () => {
    expect(durationMs(`${MAX_TIMER_MS}ms`)).toBe(MAX_TIMER_MS);
    expect(parseDuration('2147483648ms')).toMatchObject({ ok: false, problem: expect.stringContaining('too long: at most 2147483647 ms') });
    expect(parseDuration('4294968s').ok).toBe(false);
    expect(parseDuration('99999999999', { bare: 'ms' }).ok).toBe(false);
  });
});

describe('every reader of a duration asks the grammar', () => {
  it('timeout=10 on a probe is refused (it was 10 ms), with its line', () => {
    expect(problems('# T\n- [ ] a\n  <!-- probe: dns name=x timeout=10 -->\n')).toEqual(['3: parameter "timeout": "10" has no unit: write 10s, 10m or 10ms']);
    expect(problems('# T\n- [ ] a\n  <!-- probe: dns name=x timeout=2147483648ms -->\n')).toEqual([expect.stringMatching(/^3: parameter "timeout": "2147483648ms" is too long/)]);
  });

  it('timeout=1m on a watch is read once: one problem (the interval is shorter), not two contradictory ones', () => {
    const md = '# T\n- [ ] a\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=http://127.0.0.1:9/ query=up interval=30s timeout=1m -->\n';
    expect(problems(md)).toEqual(["6: interval= (30 s) is shorter than the measurement's timeout (1 min): make the interval at least the timeout"]);
    // Within the interval it is fine, and it is the probe's deadline.
    const ok = parseChecklist('# T\n- [ ] a\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=http://127.0.0.1:9/ query=up interval=2m timeout=1m -->\n');
    expect(ok.problems).toEqual([]);
    expect(ok.checklist.criteria![0].probe.timeoutMs).toBe(60_000);
  });

  it('max_ms and baseline_ms take a bare number as ms (their name says so) and a unit too', () => {
    const { checklist, problems: p } = parseChecklist('# T\n- [ ] a\n  <!-- probe: http url=http://127.0.0.1:9/ max_ms=1.5s -->\n- [ ] b\n  <!-- probe: baseline url=http://127.0.0.1:9/ baseline_ms=20 -->\n');
    expect(p).toEqual([]);
    expect(checklist.items).toHaveLength(2);
    expect(httpParams.parse({ url: 'http://127.0.0.1:9/', max_ms: '1.5s' }).max_ms).toBe(1500);
    expect(baselineParams.parse({ url: 'http://127.0.0.1:9/', baseline_ms: '20' }).baseline_ms).toBe(20);
    expect(problems('# T\n- [ ] a\n  <!-- probe: http url=http://127.0.0.1:9/ max_ms=0 -->\n')).toEqual([expect.stringMatching(/^3: .*max_ms.*must be above 0/)]);
  });

  it('interval=, for= and count= of a window: grammar and range', () => {
    expect(splitWindow({ interval: '1h30m' }).window.intervalMs).toBe(5_400_000);
    expect(splitWindow({ for: '30' }).problems).toEqual(['parameter "for": "30" has no unit: write 30s, 30m or 30ms']);
    expect(splitWindow({ count: '0' }).problems).toEqual(['parameter "count": must be a whole number from 1 to 10000']);
    expect(splitWindow({ count: '10001' }).problems).toEqual(['parameter "count": must be a whole number from 1 to 10000']);
    expect(splitWindow({ interval: '1s', for: '600h' }).problems).toEqual([expect.stringContaining('parameter "for": "600h" is too long')]);
    expect(splitWindow({ interval: '1s', for: '20h' }).problems).toEqual(['for= 20 h every 1 s is 72000 samples: at most 10000; make the window shorter or the interval longer']);
  });

  it('check --timeout and watch --for/--interval: one line each', () => {
    expect(parseTimeout('--timeout', '300')).toBe(300);
    expect(parseTimeout('--timeout', '5s')).toBe(5000);
    expect(() => parseTimeout('--timeout', '99999999999')).toThrow(/^--timeout "99999999999" is too long/);
    expect(() => parseTimeout('--timeout', 'soon')).toThrow('--timeout must be a duration like 250ms, 30s, 1m or 1h30m, got "soon"');
    expect(parseSpanOption('--for', '1h30m')).toBe(5_400_000);
    expect(() => parseSpanOption('--for', '4294968s')).toThrow(/^--for "4294968s" is too long/);
    expect(() => parseSpanOption('--interval', '2147484s')).toThrow(/^--interval "2147484s" is too long/);
    expect(() => parseSpanOption('--interval', '30')).toThrow('--interval "30" has no unit: write 30s, 30m or 30ms');
  });
});
