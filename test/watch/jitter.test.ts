/**
 * The watch that starts and does not cry wolf, in the wizard's watch slice
 * over the real file store and loopback endpoints:
 * - with no baseline anywhere, the health and error-rate criteria run and the
 *   baseline one is recorded as "cannot be measured: <why>";
 * - an endpoint answering in 20 ms ± 15 ms, watched for 60 samples of 20
 *   requests against this session's own baseline measurement: 0 criteria met;
 * - the same endpoint slowed to 3× its baseline: met.
 * No timing assertion: deadlines are generous, the figures are printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import type { Checklist } from '../../src/checklist/types.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { createFileStore } from '../../src/session/file-store.js';
import { createWizardStore, type WizardStore } from '../../src/store/wizard-store.js';
import { watchRows } from '../../src/store/watch-slice.js';
import { closeFakeProms, fakeProm } from '../helpers/prometheus.js';
import { tempDir } from '../session/helpers.js';
import { until } from '../team/helpers.js';

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await closeFakeProms();
});
afterAll(() => {
  for (const c of children) c.kill();
});

async function jitterServer(): Promise<{ url: string; slow: (x: number) => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../fixtures/jitter-server.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once('error', reject);
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, slow: async (x) => void (await fetch(`${url}/factor?x=${x}`, { method: 'POST' }).then((r) => r.text())) };
}

/** The shipped checklist's three measurable criteria and its baseline item, on loopback; the window `count` × `interval`. */
function checklistFor(o: { interval: string; count: number }): Checklist {
  const text = `# Release

## Monitoring and Maintenance

- [ ] Performance metrics baseline established
  <!-- probe: baseline url="\${APP_URL}/health/" label="performance baseline" -->

## Rollback Procedures

- [ ] Rolled back

## Rollback Decision Criteria

Initiate rollback if any of the following occur:
- Critical functionality not working
  <!-- watch: http url="\${APP_URL}/health/" status=200 json.status=healthy interval=${o.interval} count=${o.count} failure_limit=1 inconclusive_limit=2 -->
- Error rate exceeds 5% of requests
  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=error_ratio max=0.05 name="error rate" traffic=requests interval=${o.interval} count=${o.count} failure_limit=1 inconclusive_limit=2 -->
- Response time increases by more than 50%
  <!-- watch: baseline url="\${APP_URL}/health/" baseline_ms=\${BASELINE_P50_MS} max_increase_pct=50 min_increase_ms=25 interval=${o.interval} count=${o.count} failure_limit=1 inconclusive_limit=2 -->
`;
  const { checklist, problems } = parseChecklist(text, 'release.md', validateProbe);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return checklist;
}

async function wizardOn(checklist: Checklist, vars: Record<string, string>): Promise<WizardStore> {
  const dir = tempDir('dw-jitter-');
  const files = createFileStore(dir);
  const session = await files.create({ environment: 'staging', operator: 'ada', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
  const store = createWizardStore({ checklist, session, runProbes, vars, operator: 'ada' });
  cleanups.push(async () => {
    await store.getState().suspendWatch();
    await store.getState().flush();
    store.getState().dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** This session's own baseline: the baseline item's probe, run and recorded as the wizard does. */
async function measureBaseline(store: WizardStore, checklist: Checklist, vars: Record<string, string>): Promise<number> {
  const item = checklist.items[0];
  const [result] = await runProbes([{ itemId: item.id, spec: item.probes[0] }], { vars });
  expect(result.status).toBe('pass');
  await store.getState().apply({ type: 'probe.result', result });
  return result.metrics!.p50_ms;
}

const criterion = (store: WizardStore, text: RegExp) => store.getState().session.watches!.at(-1)!.criteria.find((c) => text.test(c.text))!;
const ended = (store: WizardStore) => store.getState().session.watches?.at(-1)?.stopped !== undefined;

describe('the watch starts and does not cry wolf', () => {
  it('no baseline anywhere: health and error rate are watched, the baseline criterion says why it cannot be measured', async () => {
    const app = await jitterServer();
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const checklist = checklistFor({ interval: '200ms', count: 3 });
    const store = await wizardOn(checklist, { APP_URL: app.url, PROMETHEUS_URL: prom.url });
    store.getState().startWatch();
    expect(store.getState().error).toBeUndefined();
    expect(store.getState().watching).toBe(true);
    const cannot = criterion(store, /Response time/).cannot;
    expect(cannot).toEqual({ reason: 'not-configured', why: 'no baseline: this session has not measured its baseline item yet, no earlier SUCCESS session of staging measured one, and BASELINE_P50_MS is unset' });
    await until(() => ended(store), 60_000, 'the window to end');
    expect(criterion(store, /Critical/).measurements.length).toBe(3);
    expect(criterion(store, /Error rate/).measurements.length).toBe(3);
    expect(criterion(store, /Response time/).measurements).toEqual([]);
    const rows = watchRows(store.getState().session, checklist);
    expect(rows.map((r) => [r.text, r.verdict.phase, r.verdict.message.slice(0, 41)])).toEqual([
      ['Critical functionality not working', 'successful', expect.any(String)],
      ['Error rate exceeds 5% of requests', 'successful', expect.any(String)],
      ['Response time increases by more than 50%', 'inconclusive', 'cannot be measured: no baseline: this ses'],
    ]);
    // Nothing met: the banner stays down.
    expect(store.getState().banner).toBeUndefined();
  }, 120_000);

  it('20 ms ± 15 ms watched for 60 samples of 20 requests against its own baseline: 0 met; slowed to 3×: met', async () => {
    const [calm, slowed] = [await jitterServer(), await jitterServer()];
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    // 20 sequential requests take ~400 ms; a 1.5 s interval leaves the measurement's deadline (the interval) room on a loaded machine.
    const checklist = checklistFor({ interval: '1500ms', count: 60 });
    // 20 requests at 3× (60 ± 15 ms) take ~1.2 s: a 4 s interval (the measurement's deadline) keeps a timeout out of the verdict.
    const slowChecklist = checklistFor({ interval: '4s', count: 60 });
    const calmVars = { APP_URL: calm.url, PROMETHEUS_URL: prom.url };
    const slowVars = { APP_URL: slowed.url, PROMETHEUS_URL: prom.url };
    const [a, b] = [await wizardOn(checklist, calmVars), await wizardOn(slowChecklist, slowVars)];
    const baselineA = await measureBaseline(a, checklist, calmVars);
    const baselineB = await measureBaseline(b, slowChecklist, slowVars);
    await slowed.slow(3);
    a.getState().startWatch();
    b.getState().startWatch();
    expect(criterion(a, /Response time/).reference).toEqual({ ms: Math.max(1, Math.round(baselineA)), from: 'this session' });

    await until(() => ended(b), 120_000, 'the slowed window to meet the criterion');
    const metB = criterion(b, /Response time/);
    expect(b.getState().session.watches!.at(-1)!.stopped).toBe('met');
    // Met by the rule (a p50 over +50 % and +25 ms), each failed sample with its figure: not by a timeout or an error.
    const failed = metB.measurements.filter((m) => m.phase === 'failed');
    expect(failed.length).toBe(2);
    for (const m of failed) {
      expect(m.value).toBeGreaterThan(baselineB);
      expect(m.message).toMatch(/^p50 \d+ ms is \+[\d.]+% \(\+[\d.]+ ms\) over baseline \d+ ms \(rollback criterion: over \+50 % and \+25 ms\)$/);
    }

    await until(() => ended(a), 400_000, 'the calm window of 60 samples to end');
    const record = a.getState().session.watches!.at(-1)!;
    const timeCriterion = criterion(a, /Response time/);
    expect(record.stopped).toBe('ended');
    expect(timeCriterion.measurements.length).toBe(60);
    expect(record.criteria.filter((c) => c.measurements.some((m) => m.phase === 'failed')).map((c) => c.text)).toEqual([]);
    const rows = watchRows(a.getState().session, checklist);
    expect(rows.filter((r) => r.verdict.phase === 'failed')).toEqual([]);
    expect(a.getState().banner).toBeUndefined();

    // The figures, for the record (no assertion on them: a loaded machine moves them).
    const p50s = timeCriterion.measurements.map((m) => m.value!).filter((v) => v !== undefined);
    const ref = timeCriterion.reference!.ms;
    const maxIncrease = Math.max(...p50s) - ref;
    console.log(
      `jitter: baseline p50 ${baselineA} ms (ref ${ref} ms); ${p50s.length} sample p50s min ${Math.min(...p50s)} median ${[...p50s].sort((x, y) => x - y)[Math.floor(p50s.length / 2)]} max ${Math.max(...p50s)} ms; max increase +${maxIncrease} ms (+${Math.round((maxIncrease / ref) * 100)} %)`,
    );
    console.log(`slowed 3×: baseline p50 ${baselineB} ms; samples ${metB.measurements.map((m) => `${m.value} ms ${m.phase}`).join(', ')}`);
  }, 600_000);
});

