import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../src/checklist/types.js';
import { checkJsonPath, splitCommand } from '../../src/probes/command.js';
import { noClusterLine } from '../../src/probes/kubectl.js';
import { runProbes } from '../../src/probes/runner.js';
import type { Vars } from '../../src/probes/types.js';
import { alive } from '../helpers/processes.js';

const BIN = resolve('test/fixtures/bin');
let vars: Vars;
beforeAll(() => {
  process.env.PATH = `${BIN}:${process.env.PATH}`;
  vars = { ...(process.env as Record<string, string>) };
});

const cmd = (params: Record<string, string>, timeoutMs?: number): ProbeSpec => ({
  kind: 'command',
  params,
  raw: `command ${Object.entries(params).map(([k, v]) => `${k}="${v}"`).join(' ')}`,
  line: 1,
  ...(timeoutMs ? { timeoutMs } : {}),
});
const run1 = async (params: Record<string, string>, extra: Record<string, string> = {}, timeoutMs?: number) =>
  (await runProbes([{ spec: cmd(params, timeoutMs) }], { vars: { ...vars, ...extra } }))[0];


describe('splitCommand', () => {
  it('splits like a shell for quoting, without expanding anything', () => {
    expect(splitCommand('kubectl get pods -n  app -o json')).toEqual(['kubectl', 'get', 'pods', '-n', 'app', '-o', 'json']);
    expect(splitCommand(`sh -c 'echo $HOME && exit 3'`)).toEqual(['sh', '-c', 'echo $HOME && exit 3']);
    expect(splitCommand(`printf "a \\"b\\" \\\\ \\$x 'c'"`)).toEqual(['printf', 'a "b" \\ $x \'c\'']);
    expect(splitCommand(`a\\ b "" x''y`)).toEqual(['a b', '', 'xy']);
    expect(splitCommand(`echo '|' "&&"`)).toEqual(['echo', '|', '&&']);
  });
  it('property: any argv quoted for a shell splits back to itself, and agrees with sh', () => {
    const quote = (a: string) => (/^[A-Za-z0-9_\/.:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    const word = fc.string({ maxLength: 12 }).filter((w) => !w.includes('\0'));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(splitCommand(argv.map(quote).join(' '))).toEqual(argv);
      }),
      { numRuns: 500 },
    );
    // The same command line as sh itself reads it (printf prints each argument NUL-terminated).
    const line = `a "b c" 'd "e"' f\\ g "h\\"i" '' j\\'k`;
    const bySh = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`]).toString().split('\0').slice(0, -1);
    expect(splitCommand(line)).toEqual(bySh);
  });

  it('substitutes ${VAR} inside its own word after splitting; single quotes keep it for a shell', () => {
    const v = { V: 'a b', EMPTY: '' };
    expect(splitCommand(`x \${V} "\${V}" pre\${V}post '\${V}' \${EMPTY:-d e} \\\${V}`, v)).toEqual(['x', 'a b', 'a b', 'prea bpost', '${V}', 'd e', '${V}']);
    expect(splitCommand('kubectl -n ${NS:-two words}')).toEqual(['kubectl', '-n', '${NS:-two words}']);
    expect(splitCommand('echo ${PIPE}', { PIPE: '|' })).toEqual(['echo', '|']);
  });

  it('refuses unterminated quotes, empty commands and shell operators', () => {
    expect(() => splitCommand(`echo 'oops`)).toThrow('cmd has an unterminated single quote');
    expect(() => splitCommand(`echo "oops`)).toThrow('cmd has an unterminated double quote');
    expect(() => splitCommand('   ')).toThrow('cmd is empty');
    expect(() => splitCommand('kubectl get pods | grep web')).toThrow(/shell syntax "\|"/);
  });
});

describe('checkJsonPath', () => {
  const doc = { items: [{ status: { phase: 'Running' }, n: 1 }, { status: { phase: 'Pending' }, n: 2 }], meta: { ok: true, none: null } };
  it('follows dot paths, indexes and [*] (every element)', () => {
    expect(checkJsonPath(doc, 'items[0].status.phase', 'Running').ok).toBe(true);
    expect(checkJsonPath(doc, 'items[1].n', '2').ok).toBe(true);
    expect(checkJsonPath(doc, 'meta.ok', 'true').ok).toBe(true);
    expect(checkJsonPath(doc, 'meta.none', 'null').ok).toBe(true);
    expect(checkJsonPath(doc, 'items[*].status.phase', 'Running')).toEqual({ ok: false, detail: 'items[1].status.phase is Pending, expected Running' });
    expect(checkJsonPath({ items: [] }, 'items[*].status.phase', 'Running')).toEqual({ ok: false, detail: 'items is empty' });
    expect(checkJsonPath(doc, 'items[5].n', '1').ok).toBe(false);
    expect(checkJsonPath(doc, 'meta.missing', 'x').detail).toBe('meta.missing is missing, expected x');
  });
});

describe('command probe (fake kubectl and celery on PATH)', () => {
  it('celery inspect ping: pong in the output passes', async () => {
    const r = await run1({ cmd: 'celery -A django_twilio_call -b redis://127.0.0.1:1/1 inspect ping', stdout: 'pong' });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('celery exited 0, output matches /pong/');
    expect(r.evidence).toContain('-> celery@worker-1: OK');
    expect(r.evidence).toContain('exit code 0');
  });

  it('celery with no workers fails on its exit code, quoting stderr', async () => {
    const r = await run1({ cmd: 'celery -A app inspect ping', stdout: 'pong' }, { FAKE_CELERY: 'down' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('celery exited 69, expected 0: Error: No nodes replied within time constraint');
  });

  it('kubectl get pods -o json: every pod Running passes, one Pending fails naming it, none fails', async () => {
    const params = { cmd: 'kubectl get pods -n django-twilio-call -o json', 'json.items[*].status.phase': 'Running', 'json.kind': 'List' };
    const ok = await run1(params);
    expect(ok.status).toBe('pass');
    expect(ok.summary).toBe('kubectl exited 0, items[*].status.phase=Running (all 2), kind=List');
    const pending = await run1(params, { FAKE_KUBECTL: 'pending' });
    expect(pending).toMatchObject({ status: 'fail', summary: 'kubectl: items[1].status.phase is Pending, expected Running' });
    const empty = await run1(params, { FAKE_KUBECTL: 'empty' });
    expect(empty).toMatchObject({ status: 'fail', summary: 'kubectl: items is empty' });
  });

  it('kubectl rollout status: stdout regex, not_stdout, exit code and non-JSON output', async () => {
    const rollout = { cmd: 'kubectl rollout status deployment/django-web -n app --timeout=60s', stdout: 'successfully rolled out' };
    expect((await run1(rollout)).status).toBe('pass');
    const stuck = await run1(rollout, { FAKE_KUBECTL: 'pending' });
    expect(stuck.summary).toBe('kubectl exited 1, expected 0: error: timed out waiting for the condition');
    expect((await run1({ ...rollout, stdout: 'nope' })).summary).toBe('kubectl output does not match /nope/');
    expect((await run1({ cmd: rollout.cmd, not_stdout: 'Waiting' })).summary).toMatch(/^kubectl output matches \/Waiting\/: Waiting for deployment/);
    expect((await run1({ cmd: 'kubectl bogus', exit: '1', stderr: 'unknown command' })).status).toBe('pass');
    expect((await run1({ cmd: rollout.cmd, 'json.a': 'b' })).summary).toBe('kubectl output is not JSON');
  });

  it('kubectl that reaches no cluster (refused, no context, not installed) is inconclusive, not configured, with what to set; a cluster that answers unhealthy stays a fail', async () => {
    const params = { cmd: 'kubectl get pods -n django-twilio-call -o json', 'json.items[*].status.phase': 'Running' };
    for (const mode of ['no-cluster', 'down']) {
      const r = await run1(params, { FAKE_KUBECTL: mode });
      expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured' });
      expect(r.summary).toMatch(/^not configured: kubectl reaches no cluster from here \(The connection to the server (localhost:8080|127\.0\.0\.1:6443) was refused/);
      expect(r.hint).toMatch(/KUBECONFIG.*context/);
    }
    const rollout = await run1({ cmd: 'kubectl rollout status deployment/django-web -n app --timeout=60s', stdout: 'rolled out' }, { FAKE_KUBECTL: 'no-cluster' });
    expect(rollout.status).toBe('inconclusive');
    const missing = await run1(params, { PATH: process.env.DW_TEST_SYSTEM_BIN! });
    expect(missing).toMatchObject({ status: 'inconclusive', reason: 'not-configured', summary: 'not configured: kubectl reaches no cluster from here (kubectl not found on PATH)' });
    expect(missing.hint).toMatch(/KUBECONFIG/);
    // A cluster that answers: an unhealthy deployment is still a failure.
    expect(await run1(params, { FAKE_KUBECTL: 'pending' })).toMatchObject({ status: 'fail', summary: 'kubectl: items[1].status.phase is Pending, expected Running' });
    expect((await run1({ cmd: 'kubectl rollout status deployment/django-web', stdout: 'rolled out' }, { FAKE_KUBECTL: 'pending' })).status).toBe('fail');
  });

  it('kubectl\'s ways of saying it reached no cluster, and lines that do not say it', () => {
    expect(noClusterLine('The connection to the server localhost:8080 was refused - did you specify the right host or port?\n')).toBe('The connection to the server localhost:8080 was refused - did you specify the right host or port?');
    expect(noClusterLine('Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout')).toBeDefined();
    expect(noClusterLine('error: context "prod" does not exist')).toBeDefined();
    expect(noClusterLine('error: current-context is not set')).toBeDefined();
    expect(noClusterLine('error: timed out waiting for the condition')).toBeUndefined();
    expect(noClusterLine('Error from server (NotFound): deployments.apps "django-web" not found')).toBeUndefined();
  });

  it('a missing program is an error naming it; a bad regex is an error', async () => {
    expect(await run1({ cmd: 'nosuchtool-xyz version' })).toMatchObject({ status: 'error', summary: 'nosuchtool-xyz not found on PATH' });
    expect((await run1({ cmd: 'kubectl get pods', stdout: '(' })).summary).toMatch(/^parameter "stdout": not a valid regular expression/);
    expect((await run1({ cmd: `sh -c 'exit 0`, stdout: 'x' })).summary).toBe('cmd has an unterminated single quote');
  });

  it('keeps only the last 20 lines of output as evidence', async () => {
    const r = await run1({ cmd: `sh -c 'for i in $(seq 1 50); do echo line-$i; done'` });
    expect(r.evidence[0]).toMatch(/^\$ sh -c/);
    expect(r.evidence).toContain('… 30 earlier lines');
    expect(r.evidence).toContain('line-50');
    expect(r.evidence).not.toContain('line-30');
  });

  it('a command that sleeps and spawns a grandchild ends at its deadline, not when its sleep ends, and leaves no process behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-cmd-'));
    const pidfile = join(dir, 'pids');
    const t0 = Date.now();
    // A deadline long enough for the shell to write both pids on a loaded machine; the sleeps last 60 s.
    const r = await run1({ cmd: `sh -c 'sleep 60 & echo $! > ${pidfile}; echo $$ >> ${pidfile}; sleep 60'` }, {}, 3000);
    const elapsed = Date.now() - t0;
    expect(r.status).toBe('error');
    expect(r.summary).toBe('no answer within 3000 ms');
    // Ended by the deadline (how close to it is measured in npm run bench, not here).
    expect(elapsed).toBeLessThan(30_000);
    const pids = readFileSync(pidfile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    // SIGKILL is delivered asynchronously: give the kernel a moment, then every pid must be gone.
    const until = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('cancelling kills the whole process group too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-cmd-'));
    const pidfile = join(dir, 'pids');
    const ac = new AbortController();
    const done = runProbes([{ spec: cmd({ cmd: `sh -c 'sleep 30 & echo $! > ${pidfile}; sleep 30'` }) }], { vars, signal: ac.signal });
    const until0 = Date.now() + 10_000;
    while (!(existsSync(pidfile) && readFileSync(pidfile, 'utf8').endsWith('\n')) && Date.now() < until0) await new Promise((res) => setTimeout(res, 10));
    ac.abort();
    const [r] = await done;
    expect(r).toMatchObject({ status: 'skipped', summary: 'cancelled' });
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    expect(pid).toBeGreaterThan(1);
    const until = Date.now() + 10_000;
    while (alive(pid) && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    expect(alive(pid)).toBe(false);
  });
});

describe('command probe: hostile variable values', () => {
  // Each value must reach the program as exactly these characters, in the argument where its reference stood.
  const HOSTILE = ['a b', '"quoted"', "'single'", '$(touch pwned)', '`touch pwned`', '; rm -rf x', '--flag', 'line1\nline2', '\\back', '${OTHER}', '*'];

  it.each(HOSTILE.map((v) => [JSON.stringify(v), v]))('%s stays one argument, never split, re-quoted or run', async (_name, value) => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-argv-'));
    const r = await run1({ cmd: `argv-json --value \${V} "x \${V} y" pre\${V}post '\${V}' \${V:-default}`, cwd: dir }, { V: value, OTHER: 'other' });
    expect(r.status, r.summary).toBe('pass');
    const printed = r.evidence.find((l) => l.startsWith('['));
    expect(JSON.parse(printed!)).toEqual(['--value', value, `x ${value} y`, `pre${value}post`, '${V}', value]);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('through sh -c, a value reaches the script from the environment, never as script text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-argv-'));
    for (const value of ['$(touch pwned)', '; touch pwned', '"; touch pwned; "', "'; touch pwned; '"]) {
      const r = await run1({ cmd: `sh -c 'argv-json "\${V}" \${V}'`, cwd: dir }, { V: value });
      expect(r.status, r.summary).toBe('pass');
      const printed = r.evidence.find((l) => l.startsWith('['));
      // Quoted in the script: one argument; unquoted: split by sh on spaces, but never executed.
      expect(JSON.parse(printed!)[0]).toBe(value);
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
    }
  });

  it('an unset variable is still "not configured", wherever it stands in cmd', async () => {
    expect(await run1({ cmd: `argv-json \${NOPE_UNSET}` })).toMatchObject({ status: 'skipped', summary: 'not configured: NOPE_UNSET unset' });
    expect(await run1({ cmd: `sh -c 'echo \${NOPE_UNSET}'` })).toMatchObject({ status: 'skipped', summary: 'not configured: NOPE_UNSET unset' });
  });
});
