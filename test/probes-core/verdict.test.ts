import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/checklist/types.js';
import { runProbes } from '../../src/probes/runner.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { isFailing, isUnjudged, PROBE_REASONS, worstStatus } from '../../src/verdict/probe.js';
import { ProbeResultSchema } from '../../src/session/schema.js';
import { probeVerdict } from '../../src/store/progress.js';

const res = (status: ProbeResult['status'], extra: Partial<ProbeResult> = {}): ProbeResult => ({
  kind: 'prometheus',
  spec: 'prometheus …',
  status,
  summary: status,
  evidence: [],
  durationMs: 3,
  at: '2026-11-26T14:00:00.000Z',
  ...extra,
});
const item = (probes: number) => ({ id: 'i', probes: Array.from({ length: probes }, () => ({ kind: 'prometheus', params: {}, raw: '', line: 1 })) }) as unknown as Item;

describe('the verdict vocabulary', () => {
  it('inconclusive and skipped verify nothing and fail nothing; fail and error count against the release', () => {
    expect(isUnjudged('inconclusive') && isUnjudged('skipped')).toBe(true);
    expect(isFailing('inconclusive') || isFailing('skipped') || isFailing('warn')).toBe(false);
    expect(isFailing('fail') && isFailing('error')).toBe(true);
    expect(worstStatus(['pass', 'inconclusive', 'warn'], 'pass')).toBe('warn');
    expect(worstStatus(['inconclusive', 'skipped'], 'pass')).toBe('pass');
  });

  it('an inconclusive probe never verifies an item and never fails it', () => {
    expect(probeVerdict(item(1), [res('inconclusive', { reason: 'no-data' })])).toBeUndefined();
    expect(probeVerdict(item(2), [res('pass'), res('inconclusive', { reason: 'cannot-judge-here' })])).toBeUndefined();
    expect(probeVerdict(item(2), [res('fail'), res('inconclusive', { reason: 'no-data' })])).toBe('failed');
    expect(probeVerdict(item(2), [res('pass'), res('pass')])).toBe('verified');
  });

  it('sessions accept inconclusive and every reason; files written before them still load', () => {
    for (const reason of PROBE_REASONS) expect(ProbeResultSchema.safeParse(res('inconclusive', { reason })).success, reason).toBe(true);
    const old = { kind: 'http', spec: 'http …', status: 'skipped', summary: 'cancelled', evidence: [], durationMs: 0, at: '2026-11-26T14:00:00.000Z' };
    expect(ProbeResultSchema.parse(old)).toEqual(old);
    expect(ProbeResultSchema.safeParse({ ...old, reason: 'because' }).success).toBe(false);
  });

  it('the runner: unset variables are skipped with reason not-configured, a cancel with reason cancelled', async () => {
    const spec = (url: string) => ({ kind: 'http', params: { url }, raw: `http url=${url}`, line: 1 });
    const [unset] = await runProbes([{ spec: spec('${APP_URL}/health/') }], { vars: {} });
    expect(unset).toMatchObject({ status: 'skipped', reason: 'not-configured', summary: 'not configured: APP_URL unset' });
    const ac = new AbortController();
    ac.abort();
    const [cancelled] = await runProbes([{ spec: spec('http://127.0.0.1:9/') }], { vars: {}, signal: ac.signal });
    expect(cancelled).toMatchObject({ status: 'skipped', reason: 'cancelled' });
  });
});
