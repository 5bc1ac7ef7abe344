/** Shared bits for the checklist tests: the repo root, the built CLI, a dedent for inline Markdown. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = `${ROOT}dist`;

let snapshot: string | undefined;
/**
 * The built CLI, copied once per test file: others rebuild dist/ while tests
 * run (a rebuild deletes it first), so each file runs on one complete build.
 * A copy taken mid-rebuild fails `--version` and is taken again.
 */
export function cliPath(): string {
  if (snapshot) return snapshot;
  for (let attempt = 0; attempt < 20; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'dw-checklist-dist-'));
    try {
      if (existsSync(`${BUILT}/deploy-wizard.js`)) {
        cpSync(BUILT, dir, { recursive: true });
        const entry = join(dir, 'deploy-wizard.js');
        if (spawnSync(process.execPath, [entry, '--version'], { encoding: 'utf8' }).status === 0) return (snapshot = entry);
      }
    } catch {
      // dist/ changed under the copy: try again.
    }
    rmSync(dir, { recursive: true, force: true });
    spawnSync('sleep', ['0.5']);
  }
  throw new Error('dist/deploy-wizard.js is missing or incomplete: run `npm run build` first (npm test does)');
}
export const SHIPPED = `${ROOT}checklists/django-twilio-call.md`;
export const REFERENCE = '/work/shared/reference/production-checklist.md';

/** Remove this file's snapshot of the CLI (call from afterAll). */
export function removeCliSnapshot(): void {
  if (snapshot) rmSync(join(snapshot, '..'), { recursive: true, force: true });
  snapshot = undefined;
}

/** Run the built CLI; returns exit code and both streams. */
export function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Strip the common indentation of a template literal so tests can hold Markdown inline. */
export function md(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
