/**
 * Driving the built CLI in a real pseudo-terminal: a private tmux server (its
 * own socket), a pane at 80×24 named `wiz`, and bounded polling of the screen.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface Tmux {
  /** Run a tmux command against this test's private server. */
  tmux: (...args: string[]) => string;
  /** The `wiz` pane's text. */
  screen: () => string;
  /** Poll the pane (or what `read` makes of it) until it matches; fail with the screen after a bounded wait. */
  waitFor: (expected: string | RegExp, timeoutMs?: number, read?: () => string) => Promise<string>;
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
  return { tmux, screen, waitFor };
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
