import { describe, expect, it } from 'vitest';
import { judgeWindow, measurementOf, watchExitCode, worstPhase, type Measurement, type MeasurementPhase, type WindowLimits } from '../../src/watch/judge.js';

const T = '2026-01-01T00:00:00.000Z';
const m = (phase: MeasurementPhase, value?: number): Measurement => ({ phase, message: phase, startedAt: T, finishedAt: T, ...(value !== undefined ? { value } : {}) });
const limits = (over: Partial<WindowLimits> = {}): WindowLimits => ({ intervalMs: 1000, count: 5, failureLimit: 1, inconclusiveLimit: 1, ...over });

describe('window judge (pure)', () => {
  it('is running until the window is full, then successful when nothing was met', () => {
    const some = [m('successful'), m('successful')];
    expect(judgeWindow(some, limits(), false).phase).toBe('running');
    expect(judgeWindow([...some, m('successful'), m('successful'), m('successful')], limits(), false).phase).toBe('successful');
    expect(judgeWindow(some, limits(), true).phase).toBe('successful');
  });

  it('fails as soon as failures exceed failure_limit, not before', () => {
    expect(judgeWindow([m('failed', 0.2)], limits(), false).phase).toBe('running');
    const v = judgeWindow([m('failed', 0.2), m('successful'), m('failed', 0.3)], limits(), false);
    expect(v.phase).toBe('failed');
    expect(v.counts).toEqual({ successful: 1, failed: 2, inconclusive: 0, error: 0 });
    expect(v.message).toMatch(/2 failed measurements > failure_limit 1/);
    expect(judgeWindow([m('failed')], limits({ failureLimit: 0 }), false).phase).toBe('failed');
  });

  it('counts errors (e.g. Prometheus down) and no-data with the inconclusive limit, never as passes', () => {
    const window = [m('successful'), m('error'), m('inconclusive'), m('successful'), m('successful')];
    const v = judgeWindow(window, limits(), true);
    expect(v.phase).toBe('inconclusive');
    expect(v.counts.error).toBe(1);
    expect(judgeWindow(window, limits({ inconclusiveLimit: 2 }), true).phase).toBe('successful');
  });

  it('a window with no judged measurement is inconclusive whatever the limits (the no-data rule)', () => {
    expect(judgeWindow([m('inconclusive'), m('inconclusive')], limits({ count: 2, inconclusiveLimit: 5 }), true).phase).toBe('inconclusive');
    expect(judgeWindow([], limits(), true).phase).toBe('inconclusive');
  });

  it('maps probe outcomes to measurement phases and keeps the charted value', () => {
    expect(measurementOf({ status: 'pass', summary: 's', metrics: { value: 0.01, traffic: 9 } }, T, T, 'prometheus')).toMatchObject({ phase: 'successful', value: 0.01 });
    expect(measurementOf({ status: 'warn', summary: 's' }, T, T).phase).toBe('successful');
    expect(measurementOf({ status: 'fail', summary: 's' }, T, T).phase).toBe('failed');
    expect(measurementOf({ status: 'error', summary: 's', reason: 'timeout' }, T, T)).toMatchObject({ phase: 'error', reason: 'timeout' });
    expect(measurementOf({ status: 'inconclusive', summary: 's', reason: 'no-data' }, T, T).phase).toBe('inconclusive');
    expect(measurementOf({ status: 'skipped', summary: 's', reason: 'not-configured' }, T, T).phase).toBe('inconclusive');
    expect(measurementOf({ status: 'pass', summary: 's', metrics: { value: NaN } }, T, T, 'prometheus').value).toBeUndefined();
  });

  it('a probe error asks the kind: the app not answering fails an http/baseline criterion, monitoring down stays unjudged', () => {
    const refused = { status: 'error' as const, summary: '127.0.0.1:9 refused the connection (ECONNREFUSED)' };
    expect(measurementOf(refused, T, T, 'http')).toMatchObject({ phase: 'failed', message: refused.summary });
    expect(measurementOf({ ...refused, reason: 'timeout' }, T, T, 'baseline')).toMatchObject({ phase: 'failed', reason: 'timeout' });
    expect(measurementOf(refused, T, T, 'prometheus').phase).toBe('error');
    expect(measurementOf(refused, T, T).phase).toBe('error');
    // Not configured is no answer from anyone: unjudged whatever the kind.
    expect(measurementOf({ status: 'skipped', summary: 'not configured: DOMAIN unset', reason: 'not-configured' }, T, T, 'http').phase).toBe('inconclusive');
    expect(measurementOf({ status: 'pass', summary: 's', metrics: { p50_ms: 8, p95_ms: 12 } }, T, T, 'baseline').value).toBe(8);
  });

  it('ends inconclusive as soon as unjudged measurements exceed inconclusive_limit, before the window is full', () => {
    const v = judgeWindow([m('successful'), m('error'), m('error')], limits({ count: 5, inconclusiveLimit: 1 }), false);
    expect(v.phase).toBe('inconclusive');
    expect(v.message).toMatch(/2 measurements without a verdict .* > inconclusive_limit 1/);
    expect(judgeWindow([m('successful'), m('error')], limits({ count: 5, inconclusiveLimit: 1 }), false).phase).toBe('running');
    // A met criterion still wins over unjudged ones.
    expect(judgeWindow([m('error'), m('error'), m('failed'), m('failed')], limits({ inconclusiveLimit: 0 }), false).phase).toBe('failed');
  });

  it('folds criteria worst-first and maps to exit codes 0/1/3', () => {
    expect(worstPhase(['successful', 'inconclusive'])).toBe('inconclusive');
    expect(worstPhase(['inconclusive', 'failed', 'successful'])).toBe('failed');
    expect(worstPhase([])).toBe('successful');
    expect([watchExitCode('successful'), watchExitCode('failed'), watchExitCode('inconclusive'), watchExitCode('running')]).toEqual([0, 1, 3, 3]);
  });
});
