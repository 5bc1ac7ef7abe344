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

  it('probes marked evidence=partial alone never verify their item (a person settles it), but their failure still fails it', () => {
    const partialItem = (flags: boolean[]) => ({ id: 'i', probes: flags.map((partial) => ({ kind: 'http', params: {}, raw: '', line: 1, ...(partial ? { partial } : {}) })) }) as unknown as Item;
    expect(probeVerdict(partialItem([true]), [res('pass', { partial: true })])).toBeUndefined();
    expect(probeVerdict(partialItem([true, true]), [res('pass', { partial: true }), res('pass', { partial: true })])).toBeUndefined();
    expect(probeVerdict(partialItem([true]), [res('fail', { partial: true })])).toBe('failed');
    // One probe that proves the item, one that adds partial evidence: both passing verify it.
    expect(probeVerdict(partialItem([false, true]), [res('pass'), res('pass', { partial: true })])).toBe('verified');
    expect(ProbeResultSchema.parse(res('pass', { partial: true })).partial).toBe(true);
  });

  it('the runner copies evidence=partial to the result', async () => {
    const [r] = await runProbes([{ spec: { kind: 'http', params: { url: '${UNSET_URL}' }, raw: 'http url=${UNSET_URL} evidence=partial', line: 1, partial: true } }], { vars: {} });
    expect(r.partial).toBe(true);
    const [plain] = await runProbes([{ spec: { kind: 'http', params: { url: '${UNSET_URL}' }, raw: 'http url=${UNSET_URL}', line: 1 } }], { vars: {} });
    expect(plain).not.toHaveProperty('partial');
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
