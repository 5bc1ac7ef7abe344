/**
 * A server binary of the machine (Debian's prometheus, alertmanager,
 * docker-registry, exporters) run by a test: found in the system folders (the
 * tests' PATH is hermetic), started on a free loopback port with its own temp
 * folder, ready once an HTTP URL answers, stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './hermetic-path.js';

const SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/bin'];

/** The binary's path, or an error naming the package `.ci/run` installs. */
export function systemBinary(name: string, pkg = name): string {
  const path = which(name, SYSTEM_DIRS);
  if (!path) throw new Error(`${name} is not installed: apt-get install -y --no-install-recommends ${pkg} (.ci/run does)`);
  return path;
}

/** A fresh temp folder, removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `dw-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** GET a loopback URL: its status, or 0 when nothing answers. */
function httpStatus(url: string, method = 'GET'): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Poll until `ok` holds (every 100 ms), or throw after `ms` naming `what`. */
export async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await ok()) return;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Daemon {
  proc: ChildProcess;
  /** Its output so far (for a failure message). */
  output: () => string;
  /** SIGTERM, then SIGKILL after 3 s; resolves once it has exited. */
  stop: () => Promise<void>;
}

/** Start `bin args`; ready when `readyUrl` answers 200 (within 30 s, else the error carries its output). */
export async function startDaemon(bin: string, args: string[], readyUrl: string, env: Record<string, string> = {}): Promise<Daemon> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-4000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited || proc.pid === undefined) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  };
  try {
    await until(`${bin} ready at ${readyUrl}`, async () => {
      if (exited) throw new Error(`${bin} exited (${proc.exitCode}): ${out.slice(-600)}`);
      return (await httpStatus(readyUrl)) === 200;
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out.slice(-600)}`);
  }
  return { proc, output: () => out, stop };
}
