/**
 * The PATH every test runs under: test/fixtures/bin (fake `celery`, `kubectl`,
 * …) first, then a folder of links to the few system tools the tests use. What
 * else the host has installed (a real kubectl, celery, psql, curl) is not on it,
 * so a test gives the same result on a bare machine and on a loaded one.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURE_BIN = resolve('test/fixtures/bin');

/** System tools the tests (and the commands their checklists run) need. */
export const SYSTEM_TOOLS = [
  'sh', 'bash', 'env', 'sleep', 'cat', 'echo', 'printf', 'sort', 'head', 'tail', 'grep', 'sed', 'tr', 'wc',
  'id', 'runuser', 'git', 'npm', 'openssl', 'mkfifo', 'tmux', 'pgrep', 'pkill', 'ps', 'kill', 'setsid', 'true', 'false',
  'ls', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'date', 'stty', 'tput', 'uname', 'hostname', 'timeout', 'xargs',
  'dirname', 'basename', 'readlink', 'tee', 'touch', 'mount', 'umount', 'seq', 'script', 'awk', 'cut', 'stat', 'df',
  'ssh-keygen', 'ssh-agent', 'ssh-add',
];

/** The first `dirs/name` that exists. */
export function which(name: string, dirs: string[]): string | undefined {
  for (const d of dirs) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Make `<dir>/system-bin` with links to SYSTEM_TOOLS, `node` (this Node) and the
 * given extra binaries (found earlier by absolute path), and return the PATH
 * to use: the fixtures first, then that folder. Tools the host lacks are left
 * out; a test that needs one fails naming it.
 */
export function hermeticPath(dir: string, extra: Record<string, string> = {}): { path: string; systemBin: string } {
  const systemBin = join(dir, 'system-bin');
  mkdirSync(systemBin, { recursive: true });
  const hostDirs = (process.env.PATH ?? '').split(':').filter((d) => d && resolve(d) !== FIXTURE_BIN);
  const links: Record<string, string | undefined> = { node: process.execPath, ...extra };
  for (const tool of SYSTEM_TOOLS) links[tool] ??= which(tool, hostDirs);
  for (const [name, target] of Object.entries(links)) {
    if (target && !existsSync(join(systemBin, name))) symlinkSync(target, join(systemBin, name));
  }
  return { path: `${FIXTURE_BIN}:${systemBin}`, systemBin };
}
