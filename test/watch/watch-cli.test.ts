import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedWithProms, closeFakeProms, fakeProm, type FakeProm } from '../helpers/prometheus.js';
import { findAll, parseXml, runCli, workdir } from '../check/helpers.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';

afterEach(closeFakeProms);

const checklist = (failureLimit: number, inconclusiveLimit = 0) => `# Release

- [ ] Deployed

## Rollback Decision Criteria

Initiate rollback if any of the following occur:
- Error rate exceeds 5% of requests
  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=error_ratio max=0.05 name="error rate" traffic=requests failure_limit=${failureLimit} inconclusive_limit=${inconclusiveLimit} -->
`;

const watch = (prom: FakeProm, args: string[], failureLimit = 1, inconclusiveLimit = 0) =>
  runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '2s', ...args], { cwd: workdir({ 'c.md': checklist(failureLimit, inconclusiveLimit) }), env: { PROMETHEUS_URL: prom.url } });

describe('deploy-wizard watch against a Prometheus-compatible endpoint on loopback', () => {
  it('healthy series for the whole window → no criterion met, exit 0', async () => {
    const prom = await fakeProm({ error_ratio: [0.01, 0.02, 0.004], requests: [500] });
    const r = await watch(prom, []);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => / ok {4}Error rate/.test(l));
    expect(lines).toHaveLength(10);
    expect(r.stdout).toContain('error rate 0.02 ≤ max 0.05, 500 requests [2/10]');
    // The window's real length is said: count × interval.
    expect(r.stdout).toContain('every 200 ms × 10 (2 s)');
    expect(r.stdout).toMatch(/NOT MET\s+Error rate exceeds 5% of requests: no criterion met \(10 ok, 0 failed/);
    expect(r.stdout).toMatch(/no rollback criterion met \(1 criterion watched for/);
    // The window announced is the window watched: it ends after its last measurement's interval, not at that measurement.
    const watched = Number(/watched for (\d+(?:\.\d)?) s/.exec(r.stdout)![1]);
    expect(watched).toBeGreaterThanOrEqual(2.0);
  });

  it('error rate above 5 % for failure_limit+1 samples → exit 1 at once, long before the window ends', async () => {
    const failureLimit = 2;
    const prom = await fakeProm({ error_ratio: [0.143], requests: [412] });
    // A 30 s window: ending at once is told apart from ending with the window by a wide margin, whatever the machine's load.
    const r = await watch(prom, ['--for', '30s'], failureLimit);
    const exitedAt = Date.now();
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    const first = prom.calls.find((c) => c.query === 'error_ratio')!.at;
    expect(exitedAt - first).toBeLessThan(20_000);
    expect(prom.calls.filter((c) => c.query === 'error_ratio')).toHaveLength(failureLimit + 1);
    expect(r.stdout).toContain('FAIL  Error rate exceeds 5% of requests — error rate 0.143 > max 0.05, 412 requests [3/150, 3 failed]');
    expect(r.stdout).toMatch(/MET\s+Error rate exceeds 5% of requests: 3 failed measurements > failure_limit 2/);
    expect(r.stdout).toContain('rollback criterion met: Error rate exceeds 5% of requests');
  });

  it('an empty result (no series) is inconclusive, never a pass: the window ends at the first one over inconclusive_limit 0, exit 3', async () => {
    const prom = await fakeProm({ error_ratio: [null], requests: [300] });
    const r = await watch(prom, ['--format', 'json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.verdict).toBe('inconclusive');
    expect(doc.exitCode).toBe(3);
    const c = doc.criteria[0];
    expect(c.verdict.counts).toEqual({ successful: 0, failed: 0, inconclusive: 1, error: 0 });
    expect(prom.calls.filter((x) => x.query === 'error_ratio')).toHaveLength(1);
    expect(c.measurements.every((m: { reason: string }) => m.reason === 'no-data')).toBe(true);
    expect(r.stderr).toMatch(/inconclusive: Error rate exceeds 5% of requests could not be judged .* this is not a pass/);
  });

  it('no traffic is inconclusive too, even with a healthy-looking 0 ratio', async () => {
    const prom = await fakeProm({ error_ratio: [0], requests: [0] });
    const r = await watch(prom, ['--for', '600ms']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('no traffic to judge: 0 requests');
  });

  it('Prometheus down mid-window: the failed queries are counted as errors, not passes', async () => {
    // Three good answers, then the endpoint goes away for the rest of the window, right after
    // the third traffic answer (a measurement is two queries: the ratio, then the traffic behind it).
    const prom = await fakeProm({ error_ratio: [0.01], requests: [200] }, { downAfter: { query: 'requests', calls: 3 } });
    const r = await watch(prom, ['--format', 'json'], 1, 2);
    expect(prom.calls.filter((c) => c.query === 'requests')).toHaveLength(3);
    const c = JSON.parse(r.stdout).criteria[0];
    expect(c.verdict.counts.successful).toBe(3);
    // inconclusive_limit 2: the third error ends the window (Argo's rule), not the tenth slot.
    expect(c.verdict.counts.error).toBe(3);
    expect(c.measurements).toHaveLength(6);
    expect(c.measurements.slice(3).every((m: { phase: string }) => m.phase === 'error')).toBe(true);
    expect(c.verdict.phase).toBe('inconclusive');
    expect(r.code).toBe(3);
  });

  it('--format junit: the met criterion is a <failure> with its series', async () => {
    const prom = await fakeProm({ error_ratio: [0.01, 0.2], requests: [100] });
    const r = await watch(prom, ['--format', 'junit'], 0);
    expect(r.code).toBe(1);
    const xml = parseXml(r.stdout);
    const [failure] = findAll(xml, 'failure');
    expect(failure.attrs.type).toBe('rollback-criterion-met');
    expect(failure.text).toMatch(/successful 0\.01: .*\n.*failed 0\.2: error rate 0\.2 > max 0\.05/);
    expect(r.stderr).toContain('rollback criterion met');
  });

  it('--format md: per criterion the verdict, the threshold, the series as a table and a Mermaid chart', async () => {
    const prom = await fakeProm({ error_ratio: [0.01, null, 0.2], requests: [100] });
    const r = await watch(prom, ['--format', 'md'], 0, 1);
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(md).toContain('## Error rate exceeds 5% of requests');
    expect(md).toContain('- **Threshold**: max 0.05');
    expect(md).toMatch(/- \*\*Verdict\*\*: 🔴 \*\*rollback criterion met\*\* — 1 failed measurement &gt; failure\\_limit 0/);
    expect(md).toMatch(/\| 1 \| (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC \| 🟢 ok \| 0\.01 \| error rate 0\.01 ≤ max 0\.05, 100 requests \|/);
    expect(md).toMatch(/\| 2 \| (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC \| ⚪ inconclusive \| — \| query returned no series/);
    expect(md).toMatch(/\| 3 \| (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC \| 🔴 failed \| 0\.2 \|/);
    // The chart leaves out the measurement without a value; the threshold is the second line.
    expect(md).toContain('  x-axis ["1", "3"]\n  line [0.01, 0.2]\n  line [0.05, 0.05]');
  });

  it('Ctrl-C keeps what was measured: the summary is printed and the exit code is 130', async () => {
    const prom = await fakeProm({ error_ratio: [0.01], requests: [50] });
    const dir = workdir({ 'c.md': checklist(1) });
    let sent = false;
    const r = await runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '30s'], {
      cwd: dir,
      env: { PROMETHEUS_URL: prom.url },
      onStdout: (text, child) => {
        if (!sent && (text.match(/ ok {4}Error rate/g) ?? []).length >= 2) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/INCOMPLETE\s+Error rate exceeds 5% of requests: incomplete \(\d+\/150 samples\): \d+ ok, 0 failed/);
    expect(r.stdout).toContain('interrupted: no criterion met so far');
  });

  it('a password in PROMETHEUS_URL never reaches any format, even in the errors of an unreachable Prometheus', async () => {
    const secret = 'canary-prom-pw-Wq3Zr';
    const prom = await fakeProm({ error_ratio: [0.01], requests: [10] });
    await prom.stop();
    const url = prom.url.replace('http://', `http://watcher:${secret}@`);
    for (const format of ['text', 'json', 'junit', 'md']) {
      const r = await runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '400ms', '--format', format], { cwd: workdir({ 'c.md': checklist(0) }), env: { PROMETHEUS_URL: url } });
      expect(r.code).toBe(3);
      expect(r.stdout + r.stderr).toMatch(/ECONNREFUSED|refused/);
      for (const spelling of [secret, encodeURIComponent(secret), Buffer.from(`watcher:${secret}`).toString('base64')]) expect(r.stdout + r.stderr).not.toContain(spelling);
    }
  });

  it('the app down (connection refused) meets an http criterion: the error is a failed measurement, exit 1, the error as its message', async () => {
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as { port: number }).port;
    await new Promise<void>((r) => gone.close(() => r()));
    const md = `# R\n- [ ] x\n## Rollback Decision Criteria\n- Critical functionality not working\n  <!-- watch: http url=http://127.0.0.1:${port}/health/ status=200 failure_limit=1 inconclusive_limit=0 -->\n`;
    const r = await runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '2s', '--format', 'json'], { cwd: workdir({ 'c.md': md }) });
    expect(r.code).toBe(1);
    const c = JSON.parse(r.stdout).criteria[0];
    expect(c.verdict.phase).toBe('failed');
    expect(c.measurements).toHaveLength(2);
    expect(c.measurements.every((m: { phase: string; message: string }) => m.phase === 'failed' && /refused/i.test(m.message))).toBe(true);
    expect(r.stderr).toMatch(/MET\s+Critical functionality not working/);
    expect(r.stderr).not.toContain('INCONCLUSIVE');
  });

  it('an interval under 1 s, or a window shorter than the interval, is refused before anything is measured', async () => {
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const cwd = workdir({ 'c.md': checklist(0) });
    const env = { PROMETHEUS_URL: prom.url, DEPLOY_WIZARD_MIN_INTERVAL_MS: '' };
    const fast = await runCli(['watch', '--checklist', 'c.md', '--interval', '1ms', '--for', '1s'], { cwd, env });
    expect(fast.code).toBe(2);
    expect(fast.stderr.trim()).toBe('--interval must be at least 1 s (got 1 ms): a faster loop floods the app and Prometheus');
    const short = await runCli(['watch', '--checklist', 'c.md', '--interval', '5s', '--for', '1s'], { cwd, env });
    expect(short.code).toBe(2);
    expect(short.stderr.trim()).toBe('--for (1 s) is shorter than the interval (5 s): make the window at least one interval long');
    expect(prom.calls).toHaveLength(0);
  });

  it('a criterion whose variables are unset cannot be measured, says why at the start, and never stops the others: exit 3, not a pass', async () => {
    const md = `# R\n- [ ] x\n## Rollback Decision Criteria\n- Error rate exceeds 5% of requests\n  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=error_ratio max=0.05 -->\n## Other\n- Health\n  <!-- watch: http url=\${APP_URL}/ status=200 -->\n`;
    const app = closedWithProms(createServer((_req, res) => res.end('ok')));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const cwd = workdir({ 'c.md': md });
    const env = { APP_URL: `http://127.0.0.1:${(app.address() as { port: number }).port}` };
    const r = await runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '600ms', '--format', 'json'], { cwd, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('  Error rate exceeds 5% of requests — cannot be measured: PROMETHEUS_URL unset (environment, --env-file or --config)');
    expect(r.stderr).toMatch(/ ok {4}Health/);
    expect(r.stderr).toMatch(/CANNOT MEASURE\s+Error rate exceeds 5% of requests: cannot be measured: PROMETHEUS_URL unset/);
    expect(r.stderr).toMatch(/NOT MET\s+Health: no criterion met \(3 ok/);
    const doc = JSON.parse(r.stdout);
    expect(doc.criteria.map((c: { verdict: { state: string } }) => c.verdict.state)).toEqual(['cannot-measure', 'not-met']);
    expect(doc.criteria[0].cannot).toEqual({ reason: 'not-configured', why: 'PROMETHEUS_URL unset (environment, --env-file or --config)' });
    // --section leaves it out: then the watch is whole, exit 0.
    const other = await runCli(['watch', '--checklist', 'c.md', '--section', 'Other', '--interval', '200ms', '--for', '200ms'], { cwd, env });
    expect(other.stdout).not.toContain('cannot be measured');
    expect(other.code).toBe(0);
  });

  it('--for 4294968s --interval 2147484s: one line, exit 2, nothing announced (it once said "no rollback criterion met" after 67 ms)', async () => {
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const r = await runCli(['watch', '--checklist', 'c.md', '--for', '4294968s', '--interval', '2147484s'], { cwd: workdir({ 'c.md': checklist(0) }), env: { PROMETHEUS_URL: prom.url } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['--for "4294968s" is too long: at most 2147483647 ms (24 days, the longest timer Node holds)']);
    const absurd = await runCli(['watch', '--checklist', 'c.md', '--for', '20h', '--interval', '1s'], { cwd: workdir({ 'c.md': checklist(0) }), env: { PROMETHEUS_URL: prom.url } });
    expect(absurd.code).toBe(2);
    expect(absurd.stderr.trim()).toBe('--for 20 h every 1 s is 72000 samples: at most 10000; make the window shorter or the interval longer');
    expect(prom.calls).toHaveLength(0);
  });

  it('bad input is one line and exit 2', async () => {
    const prom = await fakeProm({});
    const bad = await watch(prom, ['--interval', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('--interval must be a duration like 250ms, 30s, 1m or 1h30m, got "soon"');
    // No unit: one line naming the units, exit 2 (it once meant 10 ms).
    const bare = await watch(prom, ['--for', '10']);
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toBe('--for "10" has no unit: write 10s, 10m or 10ms');
    // In an annotation: validate names FILE:LINE.
    const unitless = await runCli(['validate', 'c.md'], { cwd: workdir({ 'c.md': checklist(1, 0).replace('failure_limit=1', 'interval=30 failure_limit=1') }) });
    expect(unitless.code).toBe(1);
    expect(`${unitless.stdout}${unitless.stderr}`).toMatch(/c\.md:\d+: parameter "interval": "30" has no unit: write 30s, 30m or 30ms/);
    const none = await runCli(['watch', '--checklist', 'c.md'], { cwd: workdir({ 'c.md': '# T\n- [ ] item\n' }) });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('no rollback criteria to watch in c.md');
  });
});

describe('deploy-wizard watch --env: the baseline of the last SUCCESS session', () => {
  it('judges response time against the p50 stored by the last SUCCESS session of the environment', async () => {
    const { applyAll, emptySession } = await import('../report/fixtures.js');
    const slow = closedWithProms(createServer((_req, res) => setTimeout(() => res.end('ok'), 80)));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
    const result = { kind: 'baseline', itemId: 'x', spec: 'baseline', status: 'pass' as const, summary: 'p50 20 ms', evidence: [], metrics: { p50_ms: 20, p95_ms: 30 }, durationMs: 1, at: '2026-11-20T09:05:00.000Z' };
    const done = applyAll({ ...emptySession(undefined, 'staging-1'), environment: 'staging', createdAt: '2026-11-20T09:00:00.000Z' }, [
      { type: 'probe.result', result },
      { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' },
    ]);
    const md = `# R\n- [ ] x\n## Rollback Decision Criteria\n- Response time increases by more than 50%\n  <!-- watch: baseline url=${url}/health/ baseline_ms=\${BASELINE_P50_MS} requests=2 failure_limit=0 -->\n`;
    const dir = workdir({ 'c.md': md });
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'sessions'));
    writeFileSync(join(dir, 'sessions', 'staging-1.json'), JSON.stringify(done));
    // 2 requests of 80 ms: a 1 s interval (the measurement's deadline) keeps a loaded machine's timeout out of the verdict.
    const r = await runCli(['watch', '--checklist', 'c.md', '--env', 'staging', '--interval', '1s', '--for', '3s'], { cwd: dir });
    expect(r.stdout).toContain('baseline 20 ms from the last SUCCESS session (staging-1)');
    expect(r.stdout).toMatch(/FAIL  Response time increases by more than 50% — p50 \d+ ms is \+[\d.]+% \(\+[\d.]+ ms\) over baseline 20 ms/);
    expect(r.code).toBe(1);
    // Another environment has no baseline anywhere: the criterion cannot be measured, said at the start; nothing else to watch: exit 3, not a pass.
    const other = await runCli(['watch', '--checklist', 'c.md', '--env', 'production', '--interval', '300ms', '--for', '600ms'], { cwd: dir });
    expect(other.code).toBe(3);
    expect(other.stdout).toContain('Response time increases by more than 50% — cannot be measured: no baseline: no earlier SUCCESS session of production measured one, and BASELINE_P50_MS is unset');
    // No --env: no lookup (no environment is assumed), and the line says how to get one.
    const none = await runCli(['watch', '--checklist', 'c.md', '--interval', '300ms', '--for', '600ms'], { cwd: dir });
    expect(none.code).toBe(3);
    expect(none.stdout).toContain('(--env NAME looks for the baseline of that environment\'s sessions)');
    expect(none.stdout).not.toContain('production');
  });
});

describe('deploy-wizard watch --notify', () => {
  const SECRET = 'canary-watch-pw-Hs8Kd';
  const hooks: Webhook[] = [];
  afterEach(async () => {
    for (const h of hooks.splice(0)) await h.close();
  });
  async function hook(mode: 'ok' | '500' | 'hang'): Promise<Webhook> {
    const h = await startWebhook(mode === 'ok' ? 200 : mode === '500' ? 500 : 'hang');
    hooks.push(h);
    return h;
  }
  const md = `# R\n- [ ] x\n## Rollback Decision Criteria\n- Error rate exceeds 5% of requests (DB ${SECRET})\n  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=error_ratio max=0.05 name="error rate" traffic=requests failure_limit=1 -->\n`;
  const run = (prom: FakeProm, url: string) =>
    runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '2s', '--notify', url], { cwd: workdir({ 'c.md': md }), env: { PROMETHEUS_URL: prom.url, DB_PASSWORD: SECRET } });
  const lines = (out: string) => out.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}/.test(l)).map((l) => l.slice(10));

  it('a met criterion is posted as {"text": …}, with no secret in the body or the output', async () => {
    const prom = await fakeProm({ error_ratio: [0.2], requests: [100] });
    const h = await hook('ok');
    const r = await run(prom, h.url);
    expect(r.code).toBe(1);
    expect(h.bodies).toHaveLength(1);
    const { text } = JSON.parse(h.bodies[0]);
    // No --env: the message names no environment (none is assumed).
    expect(text).toContain('rollback criterion met: Error rate exceeds 5% of requests (DB ***');
    expect(text).not.toContain('production');
    expect(text).toContain('2 failed measurements > failure_limit 1');
    expect(h.bodies[0]).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain('hooksecret');
    expect(r.stderr).toBe('');
  });

  it('an endpoint that answers 500 or hangs changes nothing else: same lines, same exit code, one line saying so', async () => {
    const prom = await fakeProm({ error_ratio: [0.01, 0.01, 0.2], requests: [100] });
    const base = await watch(prom, []);
    for (const mode of ['500', 'hang'] as const) {
      const p = await fakeProm({ error_ratio: [0.01, 0.01, 0.2], requests: [100] });
      const h = await hook(mode);
      const r = await run(p, h.url);
      expect(r.code, r.stdout + r.stderr).toBe(base.code);
      expect(lines(r.stdout).map((l) => l.replace(/ \(DB \*+\)/, ''))).toEqual(lines(base.stdout));
      expect(h.bodies.length).toBeGreaterThanOrEqual(1);
      const said = r.stderr.trim().split('\n');
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(mode === '500' ? /notification \(criterion\.met\) to 127\.0\.0\.1:\d+ not delivered: answered 500/ : /not delivered: .*still unsent when the run ended/);
      expect(r.stderr).not.toContain('hooksecret');
    }
  });
});
