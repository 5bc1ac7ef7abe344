/** The watch's words and documents (src/watch/format.ts), pure. */
import { describe, expect, it } from 'vitest';
import type { Criterion } from '../../src/checklist/types.js';
import { figureText, formatJson, slotOrder, summaryLine, thresholdText, verdictLine, verdictWord } from '../../src/watch/format.js';
import { judgeWindow, type Measurement } from '../../src/watch/judge.js';
import type { CriterionWatch, WatchOutcome } from '../../src/watch/run.js';

const T = '2026-11-26T10:00:00.000Z';
const criterion: Criterion = {
  id: 'error-rate',
  text: 'Error rate exceeds 5% of requests',
  sectionId: 'r',
  line: 5,
  window: { intervalMs: 30_000 },
  probe: { kind: 'prometheus', raw: 'prometheus url=${PROMETHEUS_URL} query=q max=0.05 interval=30s', params: { url: '${PROMETHEUS_URL}', query: 'q', max: '0.05' }, line: 6 },
};
const ok: Measurement = { phase: 'successful', value: 0.01, message: 'error rate 0.01 ≤ max 0.05', startedAt: T, finishedAt: T };

function interrupted(): WatchOutcome {
  const limits = { intervalMs: 2000, count: 10, failureLimit: 0, inconclusiveLimit: 0 };
  const w: CriterionWatch = { criterion, limits, measurements: [ok, ok], verdict: judgeWindow([ok, ok], limits, false) };
  return { watches: [w], phase: 'running', interrupted: true };
}

describe('watch output', () => {
  it('one word per verdict, the CLI\'s, for every view', () => {
    expect([verdictWord('failed'), verdictWord('successful'), verdictWord('inconclusive')]).toEqual(['MET', 'NOT MET', 'INCONCLUSIVE']);
    expect([verdictWord('running', 'live'), verdictWord('running', 'paused'), verdictWord('running')]).toEqual(['running', 'paused', 'INCOMPLETE']);
    // A criterion that could not be measured says so, whatever its window.
    expect(verdictWord('inconclusive', 'stopped', { reason: 'not-configured', why: 'x' })).toBe('CANNOT MEASURE');
  });

  it('JSON after Ctrl-C says interrupted, and each criterion cut short says incomplete (N/M samples), as the text does', () => {
    const o = interrupted();
    const doc = JSON.parse(formatJson(o, 130, T, T));
    expect(doc.verdict).toBe('interrupted');
    expect(doc.interrupted).toBe(true);
    expect(doc.criteria[0].verdict).toMatchObject({ phase: 'incomplete', state: 'incomplete', word: 'INCOMPLETE' });
    expect(verdictLine(o.watches[0])).toMatch(/^INCOMPLETE\s+Error rate exceeds 5% of requests: incomplete \(2\/10 samples\)/);
    expect(summaryLine(o, 4000)).toBe('interrupted: no criterion met so far, the window is incomplete (2/10 samples; 1 criterion watched for 4 s); what was measured is above');
    expect(JSON.stringify(doc)).not.toContain('"running"');
  });

  it('JSON shows the effective limits (after --interval) apart from the annotation it was written with', () => {
    const doc = JSON.parse(formatJson(interrupted(), 130, T, T));
    expect(doc.criteria[0].effectiveLimits.intervalMs).toBe(2000);
    expect(doc.criteria[0].probe.annotation).toContain('interval=30s');
    expect(doc.criteria[0].limits).toBeUndefined();
  });

  it('thresholds and figures in words with units, by kind', () => {
    const baseline = { probe: { kind: 'baseline', raw: '', line: 1, params: { url: 'http://127.0.0.1:9/', baseline_ms: '${BASELINE_P50_MS}', max_increase_pct: '50' } } };
    expect(thresholdText(baseline, { BASELINE_P50_MS: '20' })).toBe('over +50 % and +25 ms of 20 ms');
    expect(thresholdText(baseline)).toBe('over +50 % and +25 ms of the baseline p50');
    expect(figureText({ value: 8 }, 'baseline', 20)).toBe('8 ms (−60 %, −12 ms)');
    expect(figureText({ value: 30 }, 'baseline', 20)).toBe('30 ms (+50 %, +10 ms)');
    const health = { probe: { kind: 'http', raw: '', line: 1, params: { url: 'http://127.0.0.1:9/health/', status: '200', 'json.status': 'healthy' } } };
    expect(thresholdText(health)).toBe('expects 200 healthy');
    expect(figureText({ value: 12 }, 'http')).toBe('12 ms');
    expect(thresholdText(criterion)).toBe('max 0.05');
    expect(figureText({ value: 0.01 }, 'prometheus')).toBe('0.01');
    expect(figureText({}, 'prometheus')).toBeUndefined();
    // In JSON too.
    expect(JSON.parse(formatJson(interrupted(), 130, T, T)).criteria[0].threshold).toBe('max 0.05');
  });
});

describe('slotOrder', () => {
  it('prints a slot\'s lines in checklist order whichever answered first, once every running criterion reported it', () => {
    const limits = { intervalMs: 1000, count: 3, failureLimit: 0, inconclusiveLimit: 0 };
    const mk = (id: string): CriterionWatch => ({ criterion: { ...criterion, id, text: id }, limits, measurements: [], verdict: judgeWindow([], limits, false) });
    const [a, b, c] = [mk('a'), mk('b'), mk('c')];
    const watches = [a, b, c];
    const out: string[] = [];
    const order = slotOrder(() => watches, (w, m) => out.push(`${w.criterion.id}${w.measurements.indexOf(m)}`));
    const measure = (w: CriterionWatch) => {
      const m = { ...ok };
      w.measurements.push(m);
      w.verdict = judgeWindow(w.measurements, limits, false);
      order.add(w, m);
    };
    measure(c);
    measure(a);
    expect(out).toEqual([]);
    measure(b);
    expect(out).toEqual(['a0', 'b0', 'c0']);
    measure(b);
    measure(a);
    // c ended (not running any more): its slot is not awaited.
    c.verdict = { ...c.verdict, phase: 'inconclusive' };
    measure(a);
    expect(out).toEqual(['a0', 'b0', 'c0', 'a1', 'b1']);
    order.flush();
    expect(out.at(-1)).toBe('a2');
  });
});
