import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, findAll, parseXml, runCli, workdir } from './helpers.js';
import { SPINNER } from '../../src/ui/spinner.js';

const CHECKLIST = `# Release Checklist

## Workers
- [ ] Celery workers answer
  <!-- probe: command cmd="celery -A django_twilio_call -b \${CELERY_BROKER_URL:-redis://127.0.0.1:1/1} inspect ping" stdout=pong -->
- [ ] Pods running
  <!-- probe: command cmd="kubectl get pods -n \${K8S_NAMESPACE:-django-twilio-call} -o json" json.items[*].status.phase=Running -->

## Database
- [ ] Database reachable
  <!-- probe: postgres host=\${DB_HOST} port=\${DB_PORT:-5432} database=\${DB_NAME} user=\${DB_USER} password=\${DB_PASSWORD} -->

## Notes
- [ ] Someone reads the runbook
`;

const lines = (s: string) => s.trim().split('\n');

describe('deploy-wizard check (built CLI)', () => {
  it('exit 0 when nothing failed: plain lines, skipped counted in the summary', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const r = await runCli(['check', '--checklist', 'cl.md'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(6);
    expect(out).toContain('SKIP  postgres Database › Database reachable — not configured: DB_HOST, DB_NAME, DB_USER, DB_PASSWORD unset');
    expect(out.some((l) => /^PASS  command Workers › Celery workers answer — celery exited 0, output matches \/pong\/ in \d+ ms$/.test(l))).toBe(true);
    // Under the results: what was not verified and what it needs.
    expect(out.slice(3, 5)).toEqual([
      'Not verified (1):',
      '  SKIP Database › Database reachable — not configured: DB_HOST, DB_NAME, DB_USER, DB_PASSWORD unset → set the variables it names (environment, --env-file or --config)',
    ]);
    expect(out[5]).toMatch(/^2 passed, 0 failed, 0 errors, 0 warnings, 1 skipped \(not configured\) in \d+ ms$/);
    // Not a terminal: no ANSI escapes at all, and no spinner.
    expect(r.stdout).not.toContain('\x1b');
    expect([...r.stdout].filter((c) => SPINNER.frames.includes(c))).toEqual([]);
  });

  it('exit 1 when a probe fails or errors', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const failed = await runCli(['check', '--checklist', 'cl.md'], { cwd, env: { FAKE_KUBECTL: 'pending' } });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAIL  command Workers › Pods running — kubectl: items[1].status.phase is Pending, expected Running');
    expect(lines(failed.stdout).at(-1)).toMatch(/^1 passed, 1 failed, 0 errors/);
    const errored = await runCli(['check', '--checklist', 'cl.md', '--section', 'workers'], { cwd, env: { PATH: process.env.DW_TEST_SYSTEM_BIN! } });
    expect(errored.code).toBe(1);
    expect(errored.stdout).toContain('ERROR command Workers › Celery workers answer — celery not found on PATH');
  });

  it('no cluster from here: kubectl probes are inconclusive with what to set, not failures; the run stays green on what it verified', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const r = await runCli(['check', '--checklist', 'cl.md'], { cwd, env: { FAKE_KUBECTL: 'no-cluster' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^FAIL/m);
    expect(r.stdout).toMatch(/^INCONCLUSIVE command Workers › Pods running — not configured: kubectl reaches no cluster from here \(The connection to the server localhost:8080 was refused\) in /m);
    expect(r.stdout).toContain('  INCONCLUSIVE Workers › Pods running — not configured: kubectl reaches no cluster from here (The connection to the server localhost:8080 was refused) → point kubectl at the cluster: set KUBECONFIG');
    expect(lines(r.stdout).at(-1)).toMatch(/^1 passed, 0 failed, 0 errors, 0 warnings, 1 skipped \(not configured\), 1 inconclusive in /);
    const json = JSON.parse((await runCli(['check', '--checklist', 'cl.md', '--format', 'json'], { cwd, env: { FAKE_KUBECTL: 'no-cluster' } })).stdout);
    expect(json.results.find((x: { item: string }) => x.item === 'Pods running')).toMatchObject({ status: 'inconclusive', reason: 'not-configured', hint: expect.stringMatching(/KUBECONFIG/) });
    expect(json.summary.failed).toBe(0);
  });

  it('--section filters by path (case-insensitive, repeatable); no match is exit 2', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const r = await runCli(['check', '--checklist', 'cl.md', '--section', 'DATA'], { cwd });
    // Its one probe is not configured: nothing was verified, so not green.
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(5);
    expect(r.stdout).toContain('Database reachable');
    const both = await runCli(['check', '--checklist', 'cl.md', '--section', 'database', '--section', 'release checklist › workers'], { cwd });
    expect(both.code).toBe(0);
    expect(lines(both.stdout)).toHaveLength(6);
    const none = await runCli(['check', '--checklist', 'cl.md', '--section', 'nowhere'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(lines(none.stderr)).toEqual(['no section matches "nowhere": use words from a heading of cl.md (see deploy-wizard validate)']);
    // A typo gets the heading it was probably meant for.
    const typo = await runCli(['check', '--checklist', 'cl.md', '--section', 'Databse'], { cwd });
    expect(typo.code).toBe(2);
    expect(lines(typo.stderr)).toEqual(['no section matches "Databse" (did you mean "Database"?): use words from a heading of cl.md (see deploy-wizard validate)']);
  });

  it('an unusable checklist: the hint fits how it was named (--checklist, validate FILE, or nothing passed)', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const flag = await runCli(['check', '--checklist', 'nothere.md'], { cwd });
    expect(flag.code).toBe(2);
    expect(lines(flag.stderr)).toEqual([`checklist ${join(cwd, 'nothere.md')} not found: check the path or give --checklist a Markdown checklist file`]);
    const arg = await runCli(['validate', 'nothere.md'], { cwd });
    expect(arg.code).toBe(2);
    expect(lines(arg.stderr)).toEqual(['checklist nothere.md not found: check the path or give validate a Markdown checklist file']);
    for (const r of [flag, arg]) expect(r.stderr).not.toContain('pass a Markdown checklist with --checklist FILE');
  });

  it('--sessions-dir naming a file: one sentence saying so, for every command that reads or writes sessions', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST, afile: 'not a folder\n' });
    for (const args of [['list'], ['list', '--json'], ['report', 'production-20261126-1402-k3v9']]) {
      const r = await runCli([...args, '--sessions-dir', 'afile'], { cwd });
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual(['afile is a file, not a folder; pass a folder with --sessions-dir']);
    }
  });

  it('exit 2 with FILE:LINE for a bad checklist, and one line for bad options and files', async () => {
    const bad = CHECKLIST.replace('probe: command cmd="kubectl', 'probe: kubectl cmd="kubectl');
    const cwd = workdir({ 'bad.md': bad, 'cl.md': CHECKLIST, 'bad.json': '{"vars":' });
    const r = await runCli(['check', '--checklist', 'bad.md'], { cwd });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toMatch(/^bad\.md:7: unknown probe kind "kubectl"/);
    expect(r.stdout).toBe('');
    for (const [args, message] of [
      [['--concurrency', '0'], '--concurrency must be a whole number above 0, got "0"'],
      [['--timeout', 'soon'], '--timeout must be a duration like 250ms, 30s, 1m or 1h30m, got "soon"'],
      [['--out', 'no/such/dir/x.json'], '--out no/such/dir/x.json: folder no/such/dir does not exist (create it first)'],
      [['--env-file', 'missing.env'], `--env-file ${join(cwd, 'missing.env')}: file not found (check the path)`],
      [['--config', 'bad.json'], `--config ${join(cwd, 'bad.json')}: not valid JSON`],
      [['--format', 'xml'], "deploy-wizard: option '--format <format>' argument 'xml' is invalid"],
      [['--out', '.'], '--out . is a folder: give a file name'],
    ] as const) {
      const o = await runCli(['check', '--checklist', 'cl.md', ...args], { cwd });
      expect(o.code, args.join(' ')).toBe(2);
      expect(lines(o.stderr), args.join(' ')).toHaveLength(1);
      expect(o.stderr).toContain(message);
      expect(o.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--out writes JSON atomically and still prints the lines and summary', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    mkdirSync(join(cwd, 'out'));
    const r = await runCli(['check', '--checklist', 'cl.md', '--format', 'json', '--out', 'out/../result.json'], { cwd });
    expect(r.code).toBe(0);
    expect(lines(r.stdout).at(-1)).toMatch(/^2 passed, 0 failed, 0 errors, 0 warnings, 1 skipped \(not configured\) in \d+ ms — json written to out\/\.\.\/result\.json$/);
    const doc = JSON.parse(readFileSync(join(cwd, 'result.json'), 'utf8'));
    expect(doc.summary).toMatchObject({ total: 3, passed: 2, skipped: 1, notConfigured: 1, ok: true });
    expect(doc.results.map((x: { item: string }) => x.item)).toEqual(['Celery workers answer', 'Pods running', 'Database reachable']);
    expect(readdirSync(cwd).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(cwd, 'out'))).toEqual([]);
  });

  it('JSON on stdout is the document alone; the summary goes to stderr', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const r = await runCli(['check', '--checklist', 'cl.md', '--format', 'json'], { cwd, env: { FAKE_CELERY: 'down' } });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0]).toMatchObject({ status: 'fail', kind: 'command', section: ['Release Checklist', 'Workers'] });
    expect(r.stderr).toMatch(/^1 passed, 1 failed, 0 errors, 0 warnings, 1 skipped \(not configured\) in \d+ ms\n$/);
  });

  it('JUnit is well-formed: a suite per section with failure and skipped elements', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const r = await runCli(['check', '--checklist', 'cl.md', '--format', 'junit', '--out', 'junit.xml'], { cwd, env: { FAKE_KUBECTL: 'pending' } });
    expect(r.code).toBe(1);
    const root = parseXml(readFileSync(join(cwd, 'junit.xml'), 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '3', failures: '1', errors: '0', skipped: '1' });
    expect(findAll(root, 'testsuite').map((s) => s.attrs.name)).toEqual(['Release Checklist › Workers', 'Release Checklist › Database']);
    expect(findAll(root, 'failure')[0].attrs.message).toBe('kubectl: items[1].status.phase is Pending, expected Running');
    expect(findAll(root, 'skipped')[0].attrs.message).toBe('not configured: DB_HOST, DB_NAME, DB_USER, DB_PASSWORD unset');
  });

  it('--timeout sets the default deadline; an annotation\'s timeout= wins', async () => {
    const cl = '# T\n\n## Slow\n- [ ] Default deadline\n  <!-- probe: command cmd="sleep 5" -->\n- [ ] Own deadline\n  <!-- probe: command cmd="sleep 5" timeout=600ms -->\n';
    const cwd = workdir({ 'cl.md': cl });
    const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', '300', '--format', 'json'], { cwd });
    expect(r.code).toBe(1);
    const [a, b] = JSON.parse(r.stdout).results;
    expect(a).toMatchObject({ status: 'error', summary: 'no answer within 300 ms' });
    expect(b).toMatchObject({ status: 'error', summary: 'no answer within 600 ms' });
  });

  it('variables come from --env-file and --config (env file over config)', async () => {
    const cwd = workdir({
      'cl.md': CHECKLIST,
      'app.env': 'FAKE_KUBECTL=pending\n',
      'cfg.json': JSON.stringify({ vars: { FAKE_KUBECTL: 'running', FAKE_CELERY: 'down' } }),
    });
    const r = await runCli(['check', '--checklist', 'cl.md', '--env-file', 'app.env', '--config', 'cfg.json', '--section', 'workers'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kubectl: items[1].status.phase is Pending');
    expect(r.stdout).toContain('celery exited 69');
  });

  it('DEPLOY_WIZARD_ENV_FILE stands in for --env-file (npx on Node 20 cannot pass a missing one), and the flag wins', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST, 'app.env': 'FAKE_KUBECTL=pending\n' });
    const viaEnv = await runCli(['check', '--checklist', 'cl.md', '--section', 'workers'], { cwd, env: { DEPLOY_WIZARD_ENV_FILE: 'app.env' } });
    expect(viaEnv.stdout).toContain('kubectl: items[1].status.phase is Pending');
    const missing = await runCli(['check', '--checklist', 'cl.md'], { cwd, env: { DEPLOY_WIZARD_ENV_FILE: 'nope.env' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`--env-file ${join(cwd, 'nope.env')}: file not found (check the path)`);
  });

  it('every probe skipped: exit 1, "nothing was verified", and the variables each needs', async () => {
    const cl = '# T\n\n## Database\n- [ ] Database reachable\n  <!-- probe: postgres host=${DB_HOST} database=app user=app password=${DB_PASSWORD} -->\n- [ ] Cache reachable\n  <!-- probe: redis url=${REDIS_URL} -->\n';
    const cwd = workdir({ 'cl.md': cl });
    const r = await runCli(['check', '--checklist', 'cl.md'], { cwd });
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual([
      'SKIP  postgres Database › Database reachable — not configured: DB_HOST, DB_PASSWORD unset',
      'SKIP  redis  Database › Cache reachable — not configured: REDIS_URL unset',
      'Not verified (2):',
      '  SKIP Database › Database reachable — not configured: DB_HOST, DB_PASSWORD unset → set the variables it names (environment, --env-file or --config)',
      '  SKIP Database › Cache reachable — not configured: REDIS_URL unset → set the variables it names (environment, --env-file or --config)',
      'nothing was verified: no probe passed (exit 1)',
      expect.stringMatching(/^0 passed, 0 failed, 0 errors, 0 warnings, 2 skipped \(not configured\) in \d+ ms$/),
    ]);
    // JSON says the same as data.
    const json = await runCli(['check', '--checklist', 'cl.md', '--format', 'json'], { cwd });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).summary).toMatchObject({ total: 2, skipped: 2, notConfigured: 2, nothingVerified: true, ok: false });
    expect(JSON.parse(json.stdout).results.map((x: { reason: string }) => x.reason)).toEqual(['not-configured', 'not-configured']);
  });

  it('--strict: a skipped probe fails an otherwise green run (exit 1); without it, exit 0', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const lax = await runCli(['check', '--checklist', 'cl.md'], { cwd });
    expect(lax.code).toBe(0);
    const strict = await runCli(['check', '--checklist', 'cl.md', '--strict'], { cwd });
    expect(strict.code).toBe(1);
    expect(lines(strict.stdout).slice(-2)).toEqual([
      '--strict: 1 probe skipped or inconclusive count as failures (exit 1)',
      expect.stringMatching(/^2 passed, 0 failed, 0 errors, 0 warnings, 1 skipped \(not configured\) in \d+ ms$/),
    ]);
    // With every variable set, nothing is left unjudged and --strict is green.
    const env = { DB_HOST: '127.0.0.1', DB_PORT: '1', DB_NAME: 'app', DB_USER: 'app', DB_PASSWORD: 'pw-strict-1' };
    const full = await runCli(['check', '--checklist', 'cl.md', '--strict', '--section', 'workers'], { cwd, env });
    expect(full.code).toBe(0);
  });

  it('an inconclusive probe is listed with what to do; --strict fails it', async () => {
    const cl = '# T\n\n## Network\n- [ ] Redis not exposed\n  <!-- probe: tcp host=127.0.0.1 port=1 expect=closed -->\n- [ ] Workers answer\n  <!-- probe: command cmd="celery inspect ping" stdout=pong -->\n';
    const cwd = workdir({ 'cl.md': cl });
    const r = await runCli(['check', '--checklist', 'cl.md'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INCONCLUSIVE tcp +Network › Redis not exposed — 127\.0\.0\.1:1 is not reachable .* from this host, and the target is this host/m);
    expect(r.stdout).toContain('→ check by hand, or run the check from another host');
    expect(lines(r.stdout).at(-1)).toMatch(/^1 passed, 0 failed, 0 errors, 0 warnings, 0 skipped, 1 inconclusive in /);
    const strict = await runCli(['check', '--checklist', 'cl.md', '--strict'], { cwd });
    expect(strict.code).toBe(1);
  });

  it('Ctrl-C aborts the run: finished results and the summary are printed, exit 130, no child left', async () => {
    const dir = workdir();
    const pidfile = join(dir, 'pid');
    const cl = `# C\n\n## Slow\n- [ ] Quick\n  <!-- probe: command cmd="celery inspect ping" stdout=pong -->\n- [ ] Slow\n  <!-- probe: command cmd="sh -c 'echo $$ > ${pidfile}; sleep 30'" -->\n`;
    const cwd = workdir({ 'cl.md': cl });
    let sent = false;
    const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', '20000'], {
      cwd,
      onStdout: (text, child) => {
        if (!sent && text.includes('PASS') && existsSync(pidfile)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/PASS {2}command Slow › Quick/);
    expect(r.stdout).not.toContain('cancelled\n');
    expect(lines(r.stdout).at(-1)).toMatch(/^1 passed, 0 failed, 0 errors, 0 warnings, 1 skipped \(1 cancelled\) in .* \(interrupted\)$/);
    const pid = Number(readFileSync(pidfile, 'utf8'));
    expect(await eventually(() => !existsSync(`/proc/${pid}`) || /\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')))).toBe(true);
  });
});
