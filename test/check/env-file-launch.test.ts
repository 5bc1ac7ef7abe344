/**
 * `--env-file` in every documented way of running the tool (issue #12.9).
 * Node 20, 22 and 24 read an `--env-file` anywhere in their argv up to the
 * first `--` (after the script name too) and exit 9 on a missing file before
 * our code runs. The ways that work, each giving our own line and exit 2:
 * the installed bin (its shebang passes `--`), `node -- dist/…`, `node dist/…
 * -- …`, `npx deploy-wizard -- …` and `--env-file=FILE`. See the README.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli, workdir, type CliRun } from './helpers.js';

// The probe reads A from the env file, so a run that passes shows the file was read.
const CHECKLIST = '# T\n\n## Workers\n- [ ] The env file was read\n  <!-- probe: command cmd="sh -c \'test \"$A\" = 1\'" -->\n';

/** Run `command args` in cwd with the run's hermetic PATH (which has node and env). */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }));
  });
}

function setup() {
  const cwd = workdir({ 'cl.md': CHECKLIST, 'ok.env': 'A=1\n' });
  mkdirSync(join(cwd, 'adir'));
  return cwd;
}

const notFound = (cwd: string) => `--env-file ${join(cwd, 'missing.env')}: file not found (check the path)`;
const isDir = (cwd: string) => `--env-file ${join(cwd, 'adir')}: is a directory, not a file, expected a dotenv (NAME=value) file`;

function expectOurLine(r: CliRun, line: string): void {
  expect(r.stderr.trim().split('\n')).toEqual([line]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

describe('a missing or unreadable --env-file is our one line and exit 2', () => {
  it('the built bin run directly (how npm links it): its shebang ends Node\'s options with --', async () => {
    const cwd = setup();
    expectOurLine(await run(cliPath(), ['check', '--checklist', 'cl.md', '--env-file', 'missing.env'], cwd), notFound(cwd));
    expectOurLine(await run(cliPath(), ['check', '--checklist', 'cl.md', '--env-file', 'adir'], cwd), isDir(cwd));
    expectOurLine(await run(cliPath(), ['check', '--checklist', 'cl.md', '--env-file=missing.env'], cwd), notFound(cwd));
    const ok = await run(cliPath(), ['check', '--checklist', 'cl.md', '--env-file', 'ok.env'], cwd);
    expect(ok.code).toBe(0);
  });

  it('node -- dist/deploy-wizard.js …, with --env-file FILE and --env-file=FILE', async () => {
    const cwd = setup();
    expectOurLine(await runCli(['check', '--checklist', 'cl.md', '--env-file', 'missing.env'], { cwd }), notFound(cwd));
    expectOurLine(await runCli(['check', '--checklist', 'cl.md', '--env-file=missing.env'], { cwd }), notFound(cwd));
    expectOurLine(await runCli(['check', '--checklist', 'cl.md', '--env-file=adir'], { cwd }), isDir(cwd));
  });

  it('node dist/deploy-wizard.js -- …: the leading -- stops Node\'s scan and is dropped by the CLI', async () => {
    const cwd = setup();
    expectOurLine(await run(process.execPath, [cliPath(), '--', 'check', '--checklist', 'cl.md', '--env-file', 'missing.env'], cwd), notFound(cwd));
    expectOurLine(await run(process.execPath, [cliPath(), '--', 'check', '--checklist', 'cl.md', '--env-file', 'adir'], cwd), isDir(cwd));
    const ok = await run(process.execPath, [cliPath(), '--', 'check', '--checklist', 'cl.md', '--env-file', 'ok.env'], cwd);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('npx deploy-wizard -- …: npm\'s own Node stops at the --, which npx passes on and the CLI drops', async () => {
    const cwd = setup();
    // A project with deploy-wizard installed, as `npm install` leaves it: the bin linked in node_modules/.bin.
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'release', version: '1.0.0', private: true }));
    mkdirSync(join(cwd, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(dirname(cliPath()), join(cwd, 'node_modules', 'deploy-wizard'));
    symlinkSync(join('..', 'deploy-wizard', 'deploy-wizard.js'), join(cwd, 'node_modules', '.bin', 'deploy-wizard'));
    // npx is npm's script run by this same Node (the npx shebang is `env node`).
    const npx = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npx-cli.js');
    expect(existsSync(npx), `npx-cli.js next to this Node (${npx})`).toBe(true);
    const env = { npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_cache: join(cwd, '.npm') };
    expectOurLine(await run(process.execPath, [npx, 'deploy-wizard', '--', 'check', '--checklist', 'cl.md', '--env-file', 'missing.env'], cwd, env), notFound(cwd));
    expectOurLine(await run(process.execPath, [npx, 'deploy-wizard', '--', 'check', '--checklist', 'cl.md', '--env-file=adir'], cwd, env), isDir(cwd));
  });
});
