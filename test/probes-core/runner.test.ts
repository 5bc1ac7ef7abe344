import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ProbeSpec } from '../../src/checklist/types.js';
import { BUILTIN_KINDS } from '../../src/probes/builtin-kinds.js';
import { createRegistry } from '../../src/probes/registry.js';
import type { ProbeKind } from '../../src/probes/kind.js';
import { runProbes as runWith, type ProbeJob, type RunOptions } from '../../src/probes/runner.js';
import type { Probe, ProbeResult } from '../../src/probes/types.js';

// Test-only probe kinds registered beside the real ones: they exercise the
// runner's own behaviour (timing, cancellation) without any network.
let active = 0;
let maxActive = 0;
const seenSignals: AbortSignal[] = [];
const sleepProbe: Probe<{ ms: number; ignore: boolean; say?: string }> = async (p, ctx) => {
  active++;
  maxActive = Math.max(maxActive, active);
  seenSignals.push(ctx.signal);
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, p.ms);
      if (!p.ignore) ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
    });
    return { status: 'pass', summary: p.say ?? `slept ${p.ms} ms`, evidence: [p.say ?? ''] };
  } finally {
    active--;
  }
};
const throwProbe: Probe = async () => {
  throw new Error('connection reset by peer\n    at Socket.<anonymous> (net.js:1:1)');
};

const testKinds: ProbeKind[] = [
  {
    name: 'test-sleep',
    params: z.object({ ms: z.coerce.number(), ignore: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'), say: z.string().optional() }),
    doc: { library: '-', checks: 'test' }, proves: 'test',
    load: async () => sleepProbe as Probe<any>,
  },
  { name: 'test-throw', params: z.object({}), doc: { library: '-', checks: 'test' }, proves: 'test', load: async () => throwProbe },
];
/** The built-in kinds plus the test kinds, handed to the runner (no global is touched). */
const registry = createRegistry([...BUILTIN_KINDS, ...testKinds]);
const runProbes = (jobs: ProbeJob[], options: RunOptions) => runWith(jobs, { registry, ...options });

const spec = (kind: string, params: Record<string, string>, timeoutMs?: number): ProbeSpec => ({
  kind,
  params,
  raw: `${kind} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  line: 1,
  ...(timeoutMs ? { timeoutMs } : {}),
});

describe('runProbes', () => {
  it('never runs more probes at once than the concurrency bound, and keeps job order', async () => {
    active = maxActive = 0;
    const jobs: ProbeJob[] = Array.from({ length: 10 }, (_, i) => ({ itemId: `item-${i}`, spec: spec('test-sleep', { ms: String(20 + (i % 3) * 15), say: `job ${i}` }) }));
    const started: string[] = [];
    const finished: string[] = [];
    const results = await runProbes(jobs, { vars: {}, concurrency: 3, onStart: (j) => started.push(j.itemId!), onResult: (r) => finished.push(r.itemId!) });
    expect(maxActive).toBe(3);
    expect(results.map((r) => r.summary)).toEqual(jobs.map((_, i) => `job ${i}`));
    expect(started).toHaveLength(10);
    expect(finished.sort()).toEqual(jobs.map((j) => j.itemId).sort());
    for (const r of results) {
      expect(r).toMatchObject({ status: 'pass', kind: 'test-sleep' });
      expect(r.durationMs).toBeGreaterThanOrEqual(15);
      expect(Number.isNaN(Date.parse(r.at))).toBe(false);
    }
  });

  it('ends a probe that ignores its signal at its deadline, not when the probe would end, with a timeout error', async () => {
    const t0 = Date.now();
    const [r] = await runProbes([{ spec: spec('test-sleep', { ms: '20000', ignore: 'true' }, 400) }], { vars: {} });
    const elapsed = Date.now() - t0;
    expect(r.status).toBe('error');
    expect(r.summary).toBe('no answer within 400 ms');
    expect(elapsed).toBeGreaterThanOrEqual(395);
    // The probe sleeps 20 s: the deadline ended it (how close to 400 ms is measured in npm run bench).
    expect(elapsed).toBeLessThan(10_000);
  });

  it('uses the default deadline when the annotation sets none, and aborts the probe\'s signal', async () => {
    seenSignals.length = 0;
    const t0 = Date.now();
    const [r] = await runProbes([{ spec: spec('test-sleep', { ms: '20000' }) }], { vars: {}, defaultTimeoutMs: 250 });
    // Neither the 20 s sleep nor the built-in 10 s default ended it: the 250 ms asked for did.
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.summary).toBe('no answer within 250 ms');
    expect(seenSignals[0].aborted).toBe(true);
  });

  it('cancels running and queued probes through one signal', async () => {
    seenSignals.length = 0;
    const ac = new AbortController();
    const jobs = Array.from({ length: 5 }, () => ({ spec: spec('test-sleep', { ms: '20000', ignore: 'true' }) }));
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const results = await runProbes(jobs, { vars: {}, concurrency: 2, signal: ac.signal });
    // The cancel ended them: not the 20 s sleeps, nor the 10 s default deadline.
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(results.map((r) => [r.status, r.summary])).toEqual(Array(5).fill(['skipped', 'cancelled']));
    // Only the two running probes ever started; both saw the abort.
    expect(seenSignals).toHaveLength(2);
    expect(seenSignals.every((s) => s.aborted)).toBe(true);
  });

  it('an already-aborted signal skips everything without starting it', async () => {
    const ac = new AbortController();
    ac.abort();
    const starts: unknown[] = [];
    const results = await runProbes([{ spec: spec('test-sleep', { ms: '10' }) }], { vars: {}, signal: ac.signal, onStart: (j) => starts.push(j) });
    expect(results[0]).toMatchObject({ status: 'skipped', summary: 'cancelled' });
    expect(starts).toHaveLength(0);
  });

  it('an unset variable makes the probe skipped, naming the variables', async () => {
    const results = await runProbes(
      [{ itemId: 'db', spec: spec('postgres', { host: '${DB_HOST}', port: '${DB_PORT:-5432}', password: '${DB_PASSWORD}', user: '${DB_USER}' }) }],
      { vars: { DB_USER: 'app' } },
    );
    expect(results[0]).toMatchObject({ status: 'skipped', summary: 'not configured: DB_HOST, DB_PASSWORD unset', kind: 'postgres', itemId: 'db' });
  });

  it('does not load a kind (or its library) when none of its probes can run', async () => {
    let loads = 0;
    const counted: ProbeKind = { name: 'test-counted', params: z.object({ x: z.string() }), doc: { library: '-', checks: 'test' }, proves: 'test', load: async () => (loads++, sleepProbe as Probe<any>) };
    const results = await runProbes([{ spec: spec('test-counted', { x: '${UNSET_ONE}' }) }, { spec: spec('test-counted', { x: '${UNSET_TWO}' }) }], { vars: {}, registry: createRegistry([counted]) });
    expect(results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(loads).toBe(0);
  });

  it('a bad value after substitution is an error with the schema message', async () => {
    const [r] = await runProbes([{ spec: spec('tcp', { host: '127.0.0.1', port: '${DB_PORT}' }) }], { vars: { DB_PORT: 'five' } });
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/^parameter "port": /);
    const [u] = await runProbes([{ spec: spec('no-such-kind', {}) }], { vars: {} });
    expect(u).toMatchObject({ status: 'error' });
    expect(u.summary).toMatch(/unknown probe kind "no-such-kind"/);
  });

  it('a thrown exception becomes an error with its first line', async () => {
    const [r] = await runProbes([{ spec: spec('test-throw', {}) }], { vars: {} });
    expect(r).toMatchObject({ status: 'error', summary: 'connection reset by peer' });
  });

  it('redacts everything a probe returns, but keeps ${VAR} names in the spec', async () => {
    const secret = 'canary-runner-secret-42';
    const seen: ProbeResult[] = [];
    const [r] = await runProbes([{ spec: spec('test-sleep', { ms: '1', say: 'token ${API_TOKEN} ok' }) }], { vars: { API_TOKEN: secret }, onResult: (x) => seen.push(x) });
    expect(r.summary).toBe('token *** ok');
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(seen)).not.toContain(secret);
    expect(r.spec).toContain('${API_TOKEN}');
  });
});
