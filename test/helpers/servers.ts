/**
 * Real PostgreSQL and Redis servers for the test run: one of each, started on
 * free loopback ports from the Debian binaries, stopped afterwards. Used as a
 * vitest globalSetup; tests read the connection facts with `inject('servers')`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { hermeticPath } from './hermetic-path.js';

export interface PgFacts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}
export interface RedisFacts {
  host: string;
  port: number;
  password: string;
}
export interface ServerFacts {
  pg: PgFacts;
  redis: RedisFacts;
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: ServerFacts;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function which(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs];
  for (const d of dirs) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

function pgBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(base, v, 'bin'));
}

/** Missing binaries stop the run with one line naming what to install. */
export function findBinaries(): { initdb: string; pgCtl: string; redis: string } {
  const initdb = which('initdb', pgBinDirs());
  const pgCtl = which('pg_ctl', pgBinDirs());
  const redis = which('redis-server', ['/usr/sbin', '/usr/bin']);
  if (!initdb || !pgCtl) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install them with `apt-get install -y postgresql`');
  if (!redis) throw new Error('redis-server not found: install it with `apt-get install -y redis-server`');
  return { initdb, pgCtl, redis };
}

/** PostgreSQL refuses to run as root: run its binaries as an unprivileged user. */
function asPgUser(cmd: string, args: string[]): [string, string[]] {
  if (userInfo().uid !== 0) return [cmd, args];
  const user = hasUser('postgres') ? 'postgres' : 'nobody';
  return ['runuser', ['-u', user, '--', cmd, ...args]];
}

function hasUser(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pgOwner(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const user = hasUser('postgres') ? 'postgres' : 'nobody';
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  return { uid, gid };
}

/** `extraOpts` are appended server settings (e.g. `-c synchronous_commit=on` for a test that crashes the server). */
export async function startPostgres(dir: string, extraOpts = ''): Promise<{ facts: PgFacts; stop: () => void; restart: () => void }> {
  const { initdb, pgCtl } = findBinaries();
  const owner = pgOwner();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  const password = 'dw-test-' + Math.random().toString(36).slice(2, 12);
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const user = 'dw_admin';
  const [c1, a1] = asPgUser(initdb, ['-D', data, '-U', user, '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync', '--locale=C']);
  execFileSync(c1, a1, { stdio: 'pipe' });
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60${extraOpts ? ' ' + extraOpts : ''}`;
  const [c2, a2] = asPgUser(pgCtl, ['-D', data, '-o', opts, '-l', join(dir, 'pg.log'), '-w', '-t', '30', 'start']);
  execFileSync(c2, a2, { stdio: 'pipe' });
  const stop = () => {
    const [c3, a3] = asPgUser(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    try {
      execFileSync(c3, a3, { stdio: 'pipe' });
    } catch {
      /* already stopped */
    }
  };
  /** Start the stopped server again on the same data dir and port (for connection-loss tests). */
  const restart = () => execFileSync(c2, a2, { stdio: 'pipe' });
  return { facts: { host: '127.0.0.1', port, user, password, database: 'postgres' }, stop, restart };
}

export async function startRedis(dir: string, extra: string[] = []): Promise<{ facts: RedisFacts; stop: () => Promise<void>; proc: ChildProcess }> {
  const { redis } = findBinaries();
  const port = await freePort();
  const password = 'dw-redis-' + Math.random().toString(36).slice(2, 12);
  const proc = spawn(
    redis,
    ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (/Ready to accept connections/i.test(out)) resolve();
    };
    proc.stdout!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-300)}`)));
    setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000).unref();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  return { facts: { host: '127.0.0.1', port, password }, stop, proc };
}

/** Stop the run with one line that says what to install or fix (no stack trace). */
function stopRun(line: string): never {
  process.stderr.write(`test setup: ${line}\n`);
  process.exit(1);
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-servers-'));
  chmodSync(dir, 0o755);
  let bins: ReturnType<typeof findBinaries>;
  try {
    bins = findBinaries();
  } catch (err) {
    stopRun((err as Error).message);
  }
  if (userInfo().uid === 0 && !hasUser('postgres') && !hasUser('nobody')) {
    stopRun('PostgreSQL cannot run as root and there is no postgres or nobody user to run it as: install postgresql (apt-get install -y postgresql creates the postgres user) or run the tests as a non-root user');
  }
  const pg = await startPostgres(dir).catch((err: Error & { stderr?: Buffer }) =>
    stopRun(`PostgreSQL did not start: ${(err.stderr?.toString() || err.message).trim().split('\n').pop()}`),
  );
  const redis = await startRedis(dir).catch((err: Error) => stopRun(`redis-server did not start: ${err.message.split('\n')[0]}`));
  project.provide('servers', { pg: pg.facts, redis: redis.facts });
  // Every temp file of the run (tests, the CLIs they spawn, their children) goes
  // under one folder that is removed at the end, whatever a test forgot. It is
  // traversable so the PostgreSQL user can reach a private server's data folder.
  const runTmp = mkdtempSync(join(tmpdir(), 'dw-test-run-'));
  chmodSync(runTmp, 0o755);
  process.env.TMPDIR = runTmp;
  // Tests see the fixtures and a fixed set of system tools, never what else the
  // host has installed (a real kubectl or celery would change their results).
  const { path, systemBin } = hermeticPath(runTmp, { initdb: bins.initdb, pg_ctl: bins.pgCtl, 'redis-server': bins.redis });
  process.env.PATH = path;
  process.env.DW_TEST_SYSTEM_BIN = systemBin;
  return async () => {
    pg.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(runTmp, { recursive: true, force: true });
  };
}
