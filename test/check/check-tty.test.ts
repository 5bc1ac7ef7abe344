import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPath, workdir } from './helpers.js';
import { SPINNER } from '../../src/ui/spinner.js';

/** Run the built CLI inside a real pseudo-terminal (util-linux `script`). */
function inPty(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const quoted = ['node', '--', cliPath(), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      cwd,
      env: { PATH: process.env.PATH, HOME: cwd, TERM: 'xterm-256color', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const CHECKLIST = '# T\n\n## Workers\n- [ ] Celery answers\n  <!-- probe: command cmd="celery inspect ping" stdout=pong -->\n- [ ] Slow one\n  <!-- probe: command cmd="sleep 0.4" -->\n';

describe('check on a terminal', () => {
  it('shows a live progress line, coloured results above it, and the summary', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const { code, out } = await inPty(['check', '--checklist', 'cl.md'], cwd);
    expect(code).toBe(0);
    // The wizard's spinner (src/ui/spinner.ts): its first frame when the line appears.
    expect(out).toMatch(new RegExp(`\r\x1b\\[2K${SPINNER.frames[0]} 0/2 probes done · Workers › (Celery answers|Slow one)`));
    // Every frame drawn is one of its frames.
    const drawn = [...out.matchAll(/\r\x1b\[2K(\S) \d+\/2 probes done/g)].map((m) => m[1]);
    expect(drawn.filter((f) => !SPINNER.frames.includes(f))).toEqual([]);
    expect(out).toContain('\x1b[32mPASS \x1b[0m command Workers › Celery answers — celery exited 0');
    // The progress line is cleared before the summary, which ends the output.
    expect(out).toMatch(/\r\x1b\[2K2 passed, 0 failed, 0 errors, 0 warnings, 0 skipped in [\d.]+ m?s\r?\n$/);
  });

  it('NO_COLOR keeps the progress line but drops colour', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const { code, out } = await inPty(['check', '--checklist', 'cl.md'], cwd, { NO_COLOR: '1' });
    expect(code).toBe(0);
    expect(out).toContain('probes done');
    expect(out).not.toContain('\x1b[32m');
    expect(out).toMatch(/PASS {2}command Workers › Celery answers/);
  });
});
