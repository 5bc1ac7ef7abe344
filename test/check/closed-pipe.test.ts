/**
 * A reader that stops early (`deploy-wizard report ID --format json | head`)
 * closes the pipe under the CLI: the command ends as it would have, with no
 * stack trace on stderr (it used to die on an unhandled EPIPE, exit 1).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from './helpers.js';

const checklist = join(import.meta.dirname, '..', '..', 'checklists', 'django-twilio-call.md');

function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { env: { PATH: process.env.PATH, HOME: import.meta.dirname }, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the first byte is written: every write meets a closed pipe.
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed output pipe', () => {
  it('validate ends with its own exit code and nothing on stderr', async () => {
    const r = await withClosedStdout(['validate', checklist]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a bad input still says its one line on stderr, with its exit code', async () => {
    const r = await withClosedStdout(['validate', join(import.meta.dirname, 'no-such-checklist.md')]);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(node:/);
    expect(r.code).toBe(2);
  });
});
