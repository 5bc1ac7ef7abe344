/**
 * One lifecycle root for every command (issue 23.1): SIGINT, SIGTERM and SIGHUP
 * all cancel what runs (process trees killed: setsid grandchildren and children
 * that ignore SIGTERM included), print what was measured and exit with the
 * README's code (130 interrupt, 129 hang-up). Before: `check` on SIGTERM/SIGHUP
 * died by the signal (143/129 from the kernel) with no summary and left its probe
 * processes; `watch` on SIGTERM: 143, no summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLifecycle, type LifecycleHost } from '../../src/cli/lifecycle.js';
import { alive } from '../helpers/processes.js';
import { closeFakeProms, fakeProm } from '../helpers/prometheus.js';
import { eventually, runCli, workdir } from '../check/helpers.js';

afterEach(closeFakeProms);

function fakeHost() {
  const handlers = new Map<string, () => void>();
  const exits: number[] = [];
  const host: LifecycleHost = {
    on: (signal, handler) => handlers.set(signal, handler),
    exit: (code) => void exits.push(code),
  };
  return { host, exits, send: (signal: string) => handlers.get(signal)!() };
}

describe('the lifecycle root', () => {
  it('a command that takes stops over: the first signal aborts and calls it; a hang-up wins over an interrupt', () => {
    const { host, exits, send } = fakeHost();
    const life = createLifecycle(host);
    const seen: string[] = [];
    life.handle({ onStop: (why) => seen.push(why) });
    send('SIGTERM');
    expect(life.signal.aborted).toBe(true);
    expect(life.exitCode(0)).toBe(130);
    send('SIGHUP');
    send('SIGHUP');
    expect(seen).toEqual(['interrupt', 'hangup', 'hangup']);
    expect(life.exitCode(0)).toBe(129);
    expect(exits).toEqual([]);
  });

  it('no command handling stops: a signal ends the process at once with its code; a repeated interrupt too when asked', () => {
    const a = fakeHost();
    createLifecycle(a.host);
    a.send('SIGHUP');
    expect(a.exits).toEqual([129]);

    const b = fakeHost();
    const life = createLifecycle(b.host);
    life.handle({ exitOnRepeat: true });
    b.send('SIGINT');
    expect(b.exits).toEqual([]);
    b.send('SIGINT');
    expect(b.exits).toEqual([130]);
  });

  it('after the command finished, a late signal exits with the code the command chose, never by the signal', () => {
    const { host, exits, send } = fakeHost();
    const life = createLifecycle(host);
    life.finish(1);
    send('SIGHUP');
    expect(exits).toEqual([1]);
  });
});

/** A checklist whose probes leave the kinds of processes a plain group kill misses. */
function stubbornChecklist(dir: string): string {
  const p = (name: string) => join(dir, name);
  return `# C

## Slow
- [ ] Quick
  <!-- probe: command cmd="sh -c 'echo ok'" stdout=ok -->
- [ ] Escapes with setsid
  <!-- probe: command cmd="sh -c 'setsid sh -c \\"echo \\\\$\\\\$ > ${p('setsid.pid')}; exec sleep 60\\" & echo $$ > ${p('parent.pid')}; sleep 60'" -->
- [ ] Ignores SIGTERM
  <!-- probe: command cmd="sh -c 'trap \\"\\" TERM; echo $$ > ${p('deaf.pid')}; sleep 60 & wait; sleep 60'" -->
`;
}

const pidsIn = (dir: string) => ['setsid.pid', 'parent.pid', 'deaf.pid'].map((f) => Number(readFileSync(join(dir, f), 'utf8').trim()));

describe('check stopped from outside', () => {
  for (const [signal, code] of [['SIGTERM', 130], ['SIGHUP', 129], ['SIGINT', 130]] as const) {
    it(`${signal}: probes cancelled with their whole trees, the summary printed, exit ${code}`, async () => {
      const cwd = workdir();
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(cwd, 'cl.md'), stubbornChecklist(cwd));
      let sent = false;
      const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', '60000'], {
        cwd,
        onStdout: (text, child) => {
          if (!sent && text.includes('PASS') && ['setsid.pid', 'parent.pid', 'deaf.pid'].every((f) => existsSync(join(cwd, f)) && readFileSync(join(cwd, f), 'utf8').trim())) {
            sent = true;
            child.kill(signal);
          }
        },
      });
      expect(sent).toBe(true);
      expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
      expect(r.stdout).toMatch(/PASS {2}command Slow › Quick/);
      expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^1 passed, 0 failed, 0 errors, 0 warnings, 2 skipped \(2 cancelled\) in .* \(interrupted\)$/);
      for (const pid of pidsIn(cwd)) expect(await eventually(() => !alive(pid), 5000), `pid ${pid} still running`).toBe(true);
    }, 30_000);
  }
});

describe('watch stopped from outside', () => {
  const checklist = `# Release

- [ ] Deployed

## Rollback Decision Criteria

- Error rate exceeds 5% of requests
  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=error_ratio max=0.05 name="error rate" traffic=requests failure_limit=1 -->
`;
  for (const [signal, code] of [['SIGTERM', 130], ['SIGHUP', 129]] as const) {
    it(`${signal}: what was measured is printed, exit ${code}`, async () => {
      const prom = await fakeProm({ error_ratio: [0.01], requests: [50] });
      let sent = false;
      const r = await runCli(['watch', '--checklist', 'c.md', '--interval', '200ms', '--for', '60s'], {
        cwd: workdir({ 'c.md': checklist }),
        env: { PROMETHEUS_URL: prom.url },
        onStdout: (text, child) => {
          if (!sent && (text.match(/ ok {4}Error rate/g) ?? []).length >= 1) {
            sent = true;
            child.kill(signal);
          }
        },
      });
      expect({ sent, stderr: r.stderr }).toEqual({ sent: true, stderr: '' });
      expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
      // A window stopped early is incomplete, never "within limits".
      expect(r.stdout).toMatch(/INCOMPLETE\s+Error rate exceeds 5% of requests: incomplete \(\d+\/300 samples\): \d+ ok, 0 failed/);
      expect(r.stdout).toContain('interrupted: no criterion met so far, the window is incomplete');
    }, 30_000);
  }
});
