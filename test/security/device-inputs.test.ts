/**
 * Inputs that must be files, and outputs that must really be written (issue
 * 23.3, 23.5, 23.9), on the built CLI: a FIFO, /dev/zero, /dev/urandom or a
 * folder given where a file is read is one line and exit 2 (before: a FIFO
 * hung, --config /dev/zero grew to 6.7 GB); `--out /dev/full` is an error,
 * never "written"; `--out` on a device is written in place (a rename would
 * replace the device node); unknown --config keys and a non-http "notify" are
 * refused; a command probe whose environment is too large to start says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workdir } from '../check/helpers.js';

const checklist = `# C\n\n## S\n- [ ] Echo\n  <!-- probe: command cmd="sh -c 'echo ok'" stdout=ok -->\n`;

function setup(): string {
  const cwd = workdir({ 'cl.md': checklist });
  execFileSync('mkfifo', [join(cwd, 'fifo')]);
  mkdirSync(join(cwd, 'folder'));
  return cwd;
}

describe('inputs that must be regular files', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['--config', 'fifo', /^deploy-wizard: |^--config .*fifo: is not a regular file \(a device, FIFO or socket\), expected a JSON file$/],
    ['--env-file', 'fifo', /^--env-file .*fifo: is not a regular file \(a device, FIFO or socket\), expected a dotenv/],
    ['--config', '/dev/zero', /^--config \/dev\/zero: is not a regular file/],
    ['--env-file', '/dev/zero', /^--env-file \/dev\/zero: is not a regular file/],
    ['--config', '/dev/urandom', /^--config \/dev\/urandom: is not a regular file/],
    ['--config', 'folder', /^--config .*folder: is a directory, not a file, expected a JSON file$/],
    ['--checklist', 'fifo', /^checklist .*fifo is not a regular file: /],
  ];
  for (const [flag, target, line] of cases) {
    it(`${flag} ${target}: one line, exit 2, no hang`, async () => {
      const cwd = setup();
      const args = flag === '--checklist' ? ['check', '--checklist', target] : ['check', '--checklist', 'cl.md', flag, target];
      const r = await runCli(args, { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
      expect(r.stdout).toBe('');
    }, 20_000);
  }

  it('a --config over the size cap is refused without reading it whole', async () => {
    const cwd = setup();
    writeFileSync(join(cwd, 'big.json'), `{"vars": {"A": "${'x'.repeat(2 * 1024 * 1024)}"}}`);
    const r = await runCli(['check', '--checklist', 'cl.md', '--config', 'big.json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^--config .*big\.json: is larger than 1 MB \(2\.0 MB\); a JSON file is a few KB/);
  }, 20_000);
});

describe('--config keys', () => {
  for (const [doc, line] of [
    ['{"colour": "blue"}', /unknown key "colour": the keys read are "vars", "notify", "store"/],
    ['{"notify": 5}', /"notify" must be the webhook URL as a string/],
    ['{"notify": "file:///etc/passwd"}', /"notify": file: is not supported: give an http\(s\):\/\/ webhook address/],
  ] as const) {
    it(`check refuses ${doc}`, async () => {
      const cwd = setup();
      writeFileSync(join(cwd, 'c.json'), doc);
      const r = await runCli(['check', '--checklist', 'cl.md', '--config', 'c.json'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(line);
    }, 20_000);
  }
});

describe('--out writes are checked', () => {
  it('--out /dev/full: one line, exit 2, never "written"; the device is still a device', async () => {
    const cwd = setup();
    const r = await runCli(['check', '--checklist', 'cl.md', '--out', '/dev/full'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(/ written to /);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^cannot write --out \/dev\/full \(no space left on the device\); nothing was written/);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  }, 20_000);

  it('--out a FIFO nobody reads: one line, exit 2, no hang; --out /dev/null is written in place', async () => {
    const cwd = setup();
    const r = await runCli(['check', '--checklist', 'cl.md', '--out', 'fifo'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write --out fifo \(a FIFO nobody reads\)/);
    const ok = await runCli(['check', '--checklist', 'cl.md', '--format', 'json', '--out', '/dev/null'], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('json written to /dev/null');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  }, 20_000);
});

describe('an environment too large to start a program', () => {
  it('the command probe says E2BIG, not "ended by signal unknown"', async () => {
    const cwd = setup();
    // One value over the kernel's limit for a single string (128 KB), given through --env-file.
    writeFileSync(join(cwd, '.env'), `HUGE=${'y'.repeat(200 * 1024)}\n`);
    const r = await runCli(['check', '--checklist', 'cl.md', '--env-file', '.env'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR +command S › Echo — sh could not be started: its arguments and environment are too large \(E2BIG, \d+ KB\): shorten the largest variable/);
    expect(r.stdout).not.toContain('signal unknown');
  }, 20_000);
});
