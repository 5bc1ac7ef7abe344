/** Shared bits for the checklist tests: the repo root, the built CLI, a dedent for inline Markdown. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = `${ROOT}dist/deploy-wizard.js`;
export const SHIPPED = `${ROOT}checklists/django-twilio-call.md`;
export const REFERENCE = '/work/shared/reference/production-checklist.md';

/** Run the built CLI; returns exit code and both streams. */
export function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Strip the common indentation of a template literal so tests can hold Markdown inline. */
export function md(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
