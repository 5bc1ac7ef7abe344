/** Bundle and run test/fixtures/session-child.ts as plain node (esbuild JS API). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const fixture = fileURLToPath(new URL('../fixtures/session-child.ts', import.meta.url));

/** Bundle the child once; returns the path of the .mjs file to run with node. */
export async function bundleChild(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'dw-child-')), 'session-child.mjs');
  await build({ entryPoints: [fixture], bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, outfile, logLevel: 'error' });
  return outfile;
}

export interface Child {
  proc: ChildProcess;
  /** Write a line to the child's stdin. */
  send: (line: string) => void;
  /** Everything printed so far. */
  out: () => string;
  err: () => string;
  /** Resolves when stdout contains `text` (true) or the child exits first (false). */
  waitFor: (text: string) => Promise<boolean>;
  exited: Promise<number | null>;
}

export function runChild(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    waiters.splice(0).forEach((w) => w());
  });
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => {
    waiters.splice(0).forEach((w) => w());
    resolve(code);
  }));
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = (text: string) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (out.includes(text)) resolve(true);
        else if (done || proc.exitCode !== null || proc.signalCode !== null) resolve(false);
        else waiters.push(check);
      };
      check();
    });
  proc.stdin!.on('error', () => {}); // the child may be gone already
  const send = (line: string) => void proc.stdin!.write(line + '\n');
  return { proc, send, out: () => out, err: () => err, waitFor, exited };
}

/** SIGKILL and wait until the process is gone (and its pipes are drained). */
export async function kill9(child: Child): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}
