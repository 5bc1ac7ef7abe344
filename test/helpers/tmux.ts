/**
 * Driving the built CLI in a real pseudo-terminal: a private tmux server (its
 * own socket), a pane at 80×24 named `wiz`, and bounded polling of the screen.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
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

const root = join(import.meta.dirname, '..', '..');

/**
 * The build under test: dist/ (npm test builds it first; built here when
 * missing), or DEPLOY_WIZARD_E2E_DIST to try another build. Each test copies
 * it (wizardDir), safe from a concurrent rebuild.
 */
export function distUnderTest(): string {
  const dist = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
  if (!existsSync(join(dist, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  return dist;
}

/**
 * Run the built wizard (`dir/dist`) in a fresh `wiz` pane of `t` with
 * `dir/checklist.md` and `dir/<sessions>`; the shell prints EXIT=<code> when it ends.
 */
export function launchWizard(t: Pick<Tmux, 'tmux'>, dir: string, args: string, opts: { env?: Record<string, string>; sessions?: string; columns?: number; rows?: number } = {}): void {
  const { env = {}, sessions = 'sessions', columns = 80, rows = 24 } = opts;
  try {
    t.tmux('kill-session', '-t', 'wiz');
  } catch {
    /* none yet */
  }
  const vars = Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`);
  const cmd = `cd ${dir} && env ${vars.join(' ')} node dist/deploy-wizard.js ${args} --checklist checklist.md --sessions-dir ${sessions}; echo "EXIT=$?"; sleep 600`;
  t.tmux('new-session', '-d', '-s', 'wiz', '-x', String(columns), '-y', String(rows), cmd);
}

/** A loopback HTTP server for the checklist's probes, on a free port. */
export async function loopbackServer(handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

/** A wizard's test rig: its folder (checklist and a copy of the build) and the loopback server its probes ask. */
export interface WizardRig {
  dir: string;
  server: Server;
  port: number;
}

/** Set up a rig for `t` (before all tests of a file): the folder, the server, the idle session that keeps tmux up. */
export async function openRig(t: Pick<Tmux, 'keepAlive'>, prefix: string, checklist: string, handler: RequestListener): Promise<WizardRig> {
  const dir = wizardDir(prefix, checklist, distUnderTest());
  const { server, port } = await loopbackServer(handler);
  t.keepAlive();
  return { dir, server, port };
}

/** Tear a rig down (after all): tmux and what runs in it, the server and its connections, the folder. */
export async function closeRig(t: Pick<Tmux, 'stop'>, rig: Partial<WizardRig>): Promise<void> {
  t.stop();
  const { server, dir } = rig;
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
