/**
 * One answer for a response-time increase: the rollback criterion's row and the
 * report's response-time table ask the same rule (they once said +60 % and
 * +10 % for the same item), and the rule needs both the percentage and the
 * absolute floor.
 */
import { describe, expect, it } from 'vitest';
import { judgeRollback, responseChange, sessionRollback } from '../../src/verdict/rollback.js';
import { responseTimes } from '../../src/report/model.js';
import { isRegression, latencyChange } from '../../src/verdict/latency-rule.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { applyAll, emptySession, smallChecklist, T0 } from '../report/fixtures.js';

const result = (over: Partial<ProbeResult>): ProbeResult => ({ kind: 'baseline', status: 'pass', summary: '', evidence: [], spec: 'baseline url=http://127.0.0.1:9/health/', durationMs: 5, at: T0, ...over }) as ProbeResult;

describe('response-time increase: one rule', () => {
  it('the rollback row and the report table give the same increase for one item (stored baseline first, then the previous session)', () => {
    const checklist = smallChecklist();
    // This session: p50 32 ms judged against a stored baseline of 20 ms (+60 %); the previous session measured 29 ms (+10.3 %).
    const now = applyAll(emptySession(checklist, 'prod-2'), [{ type: 'probe.result', result: { ...result({ metrics: { p50_ms: 32, p95_ms: 40, baseline_ms: 20, increase_pct: 60 } }), itemId: 'health' } as never }]);
    const before = applyAll(emptySession(checklist, 'prod-1'), [{ type: 'probe.result', result: { ...result({ metrics: { p50_ms: 29, p95_ms: 30 } }), itemId: 'health' } as never }]);
    const row = sessionRollback(now, checklist, before).find((v) => /Response time/.test(v.criterion))!;
    const table = responseTimes(now, checklist, before).find((t) => t.itemId === 'health')!;
    expect(row.observed).toMatch(/^\+60%/);
    expect(table.increasePct).toBe(60);
  });

  it('without a stored baseline both compare with the previous session', () => {
    const change = responseChange(result({ kind: 'http', metrics: { latency_ms: 33 } }), 30);
    expect(change).toEqual({ currentMs: 33, referenceMs: 30, increasePct: 10, increaseMs: 3, reference: 'previous session' });
  });

  it('a regression is over the percentage AND the floor: +60 % of 21 ms (+13 ms) is not; 3× of 20 ms (+40 ms) is', () => {
    expect(isRegression(latencyChange(34, 21)!)).toBe(false);
    expect(isRegression(latencyChange(60, 20)!)).toBe(true);
    expect(isRegression(latencyChange(60, 20)!, { maxIncreasePct: 50, minIncreaseMs: 100 })).toBe(false);
    const judged = (p50: number, baseline: number) => judgeRollback([{ result: result({ metrics: { p50_ms: p50, baseline_ms: baseline } }) }]).find((v) => /Response time/.test(v.criterion))!;
    expect(judged(34, 21)).toMatchObject({ verdict: 'ok', observed: '+61.9% (+13 ms)' });
    expect(judged(60, 20)).toMatchObject({ verdict: 'triggered', observed: '+200% (+40 ms)', threshold: '> +50% and > +25 ms' });
  });
});
