/** A saved watch folded into the rollback verdicts the banner and the report show (src/watch/saved.ts). */
import { describe, expect, it } from 'vitest';
import type { CriterionVerdict } from '../../src/verdict/rollback.js';
import { withWatchVerdicts } from '../../src/watch/saved.js';
import type { Session, WatchRecord } from '../../src/session/schema.js';

const limits = { intervalMs: 1000, count: 3, failureLimit: 0, inconclusiveLimit: 0 };
const m = (phase: 'successful' | 'failed' | 'inconclusive', value?: number) => ({ phase, message: phase, startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:00:01.000Z', ...(value === undefined ? {} : { value }) });
const watch = (text: string, ms: ReturnType<typeof m>[], stopped?: WatchRecord['stopped']): Pick<Session, 'watches'> => ({
  watches: [{ startedAt: '2026-11-26T10:00:00.000Z', by: 'ada', ...(stopped ? { stopped } : {}), criteria: [{ id: 'c', text, kind: 'prometheus', spec: 'prometheus …', limits, measurements: ms }] }],
});
const row = (verdict: CriterionVerdict['verdict'], observed = 'not measured'): CriterionVerdict => ({ criterion: 'Error rate exceeds 5% of requests', observed, threshold: '> 5%', verdict });

describe('withWatchVerdicts', () => {
  it('a window met triggers the criterion even where one sample was within limits, both figures shown', () => {
    const [v] = withWatchVerdicts([row('ok', '1.2%')], watch('Error rate exceeds 5% of requests', [m('failed', 0.09)], 'met'));
    expect(v).toEqual({ criterion: 'Error rate exceeds 5% of requests', observed: '1.2%; watched: 0.09, 1 failed > failure_limit 0', threshold: '> 5%', verdict: 'triggered' });
  });

  it('a window that ended without meeting it is ok where no sample measured it; a running or inconclusive one leaves it unmeasured', () => {
    const ok = [m('successful', 0.01), m('successful', 0.02), m('successful', 0.01)];
    expect(withWatchVerdicts([row('unmeasured')], watch('Error rate exceeds 5% of requests', ok, 'ended'))[0]).toMatchObject({ verdict: 'ok', observed: '0.01, not-met over 3/3 samples' });
    // Stopped before its end (x, sign-off): incomplete with how far it got, never ok.
    expect(withWatchVerdicts([row('unmeasured')], watch('Error rate exceeds 5% of requests', ok.slice(0, 1), 'signoff'))[0]).toMatchObject({ verdict: 'unmeasured', observed: '0.01, incomplete (1/3 samples, stopped at sign-off)' });
    expect(withWatchVerdicts([row('unmeasured')], watch('Error rate exceeds 5% of requests', ok.slice(0, 2), 'operator'))[0]).toMatchObject({ verdict: 'unmeasured', observed: '0.02, incomplete (2/3 samples, stopped by the operator)' });
    expect(withWatchVerdicts([row('unmeasured')], watch('Error rate exceeds 5% of requests', ok.slice(0, 1)))[0]).toMatchObject({ verdict: 'unmeasured', observed: '0.01, running (1/3 samples)' });
    const none = [m('inconclusive'), m('inconclusive'), m('inconclusive')];
    expect(withWatchVerdicts([row('unmeasured')], watch('Error rate exceeds 5% of requests', none, 'ended'))[0]).toMatchObject({ verdict: 'unmeasured' });
  });

  it('a criterion the core does not list gets its own row; no watch changes nothing', () => {
    const out = withWatchVerdicts([row('ok', '1%')], watch('Health endpoint down', [m('failed', 503)], 'met'));
    expect(out).toHaveLength(2);
    expect(out[1]).toEqual({ criterion: 'Health endpoint down', observed: '503, 1 failed > failure_limit 0', threshold: 'watched: failure_limit 0', verdict: 'triggered', state: 'met' });
    expect(withWatchVerdicts([row('ok', '1%')], {})).toEqual([row('ok', '1%')]);
  });

  it('one verdict per criterion over all windows: a met window stays the decision after a later healthy one, named by its start and operator', () => {
    const met = watch('Error rate exceeds 5% of requests', [m('failed', 0.09)], 'met').watches![0];
    const later = { ...watch('Error rate exceeds 5% of requests', [m('successful', 0.01)]).watches![0], startedAt: '2026-11-26T10:05:00.000Z', by: 'bob' };
    const [v] = withWatchVerdicts([row('unmeasured')], { watches: [met, later] });
    expect(v).toMatchObject({ verdict: 'triggered', observed: '0.09, 1 failed > failure_limit 0 (window started 10:00 UTC by ada)' });
    // Without a met window the latest decides: a live one says running, with its progress.
    const ended = watch('Error rate exceeds 5% of requests', [m('successful', 0.02), m('successful', 0.02), m('successful', 0.02)], 'ended').watches![0];
    expect(withWatchVerdicts([row('unmeasured')], { watches: [ended, later] })[0]).toMatchObject({ verdict: 'unmeasured', observed: '0.01, running (1/3 samples) (window started 10:05 UTC by bob)' });
  });
});
