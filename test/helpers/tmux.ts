/**
 * Driving the built CLI in a real pseudo-terminal: a private tmux server (its
 * own socket), a pane at 80×24 named `wiz`, and bounded polling of the screen.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmux {
  /** Run a tmux command against this test's private server. */
  tmux: (...args: string[]) => string;
  /** The `wiz` pane's text. */
  screen: () => string;
  /** Poll the pane (or what `read` makes of it) until it matches; fail with the screen after a bounded wait. */
  waitFor: (expected: string | RegExp, timeoutMs?: number, read?: () => string) => Promise<string>;
  /** Keep the server up between launches with an idle session (killing the last session stops it). */
  keepAlive: () => void;
  /** Stop the server and whatever still runs in it. */
  stop: () => void;
}

export function privateTmux(name: string): Tmux {
  const socket = `dw-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const screen = () => tmux('capture-pane', '-p', '-t', 'wiz');
  const waitFor = async (expected: string | RegExp, timeoutMs = 15_000, read = screen) => {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      last = read();
      if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`screen never showed ${String(expected)}; last screen:\n${last}`);
  };
  const keepAlive = () => void tmux('new-session', '-d', '-s', 'keep', '-x', '80', '-y', '24', 'sleep 3600');
  const stop = () => {
    try {
      tmux('kill-server');
    } catch {
      /* already gone */
    }
  };
  return { tmux, screen, waitFor, keepAlive, stop };
}

/** A wizard's working folder: a new temp folder with `checklist.md` and a private copy of the build from `dist`. */
export function wizardDir(prefix: string, checklist: string, dist: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'checklist.md'), checklist);
  copyBuild(dist, dir, join(dir, 'checklist.md'));
  return dir;
}

/**
 * A private copy of the build in `dir/dist`, retried while a concurrent build
 * rewrites dist/ (bounded); checked by validating `checklist` with it.
 */
export function copyBuild(from: string, dir: string, checklist: string): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    try {
      cpSync(from, join(dir, 'dist'), { recursive: true });
      const r = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'validate', checklist], { encoding: 'utf8' });
      if (r.status === 0) return;
    } catch {
      /* dist/ was being replaced */
    }
    execFileSync('sleep', ['0.5']);
  }
  throw new Error('could not get a working copy of dist/ (run npm run build)');
}
