/** Helpers for driving the built CLI and checking its output. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BUILT = resolve('dist/deploy-wizard.js');
let snapshot: string | undefined;

/**
 * The built CLI, copied once per test file: several people rebuild dist/ while
 * tests run, and a rebuild deletes it first. A snapshot keeps this file's runs
 * on one complete build.
 */
export function cliPath(): string {
  if (snapshot) return snapshot;
  if (!existsSync(BUILT)) throw new Error('dist/deploy-wizard.js is missing: run `npm run build` first (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), 'dw-dist-'));
  cpSync(resolve('dist'), dir, { recursive: true });
  snapshot = join(dir, 'deploy-wizard.js');
  return snapshot;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A fresh working folder with the given files. */
export function workdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Run `node dist/deploy-wizard.js ARGS` in `cwd`, with the run's hermetic PATH
 * (test/fixtures/bin first, then fixed system tools: test/helpers/hermetic-path.ts) and only the environment given (plus PATH/HOME), so the developer's
 * own variables cannot leak into a test.
 */
export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void }): Promise<CliRun> {
  const cli = cliPath();
  const t0 = Date.now();
  return new Promise((resolvePromise, reject) => {
    // `--` because Node 20 scans the whole argv for its own --env-file (even after the
    // script) and exits 9 when that file is missing; `--` ends Node's options.
    const child = spawn(process.execPath, ['--', cli, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: opts.cwd, ...(process.env.DEPLOY_WIZARD_MIN_INTERVAL_MS ? { DEPLOY_WIZARD_MIN_INTERVAL_MS: process.env.DEPLOY_WIZARD_MIN_INTERVAL_MS } : {}), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
      opts.onStdout?.(stdout, child);
    });
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - t0 }));
  });
}

/** A TCP server that accepts connections and never says a word: a hung peer. */
export async function silentServer(): Promise<{ port: number; open: () => number; openPeers: () => string[]; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const firstBytes = new WeakMap<Socket, string>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.once('data', (b: Buffer) => firstBytes.set(s, b.subarray(0, 24).toString('latin1').replace(/[^\x20-\x7e]/g, '.')));
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    open: () => sockets.size,
    /** What each still-open client first said (to name the leaking protocol). */
    openPeers: () => [...sockets].map((s) => firstBytes.get(s) ?? '(said nothing)'),
    accepted: () => accepted,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Poll until `check` holds or `ms` pass; returns its last value. */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return check();
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A minimal, strict XML reader for JUnit output: declaration, elements,
 * quoted attributes, the five entities and numeric references; throws on
 * anything malformed (unbalanced tags, bare `&` or `<`, bad entities,
 * forbidden control characters).
 */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) throw new Error('forbidden control character');
  const decode = (s: string) => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad character data: ${s.slice(0, 40)}`);
    return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_m, e: string) => (e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITY[e]));
  };
  const skipWs = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  skipWs();
  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)/.exec(xml.slice(i));
    if (!open) throw new Error(`expected an element at ${i}`);
    i += open[0].length;
    const el: XmlElement = { name: open[1], attrs: {}, children: [], text: '' };
    for (;;) {
      skipWs();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attr = /^([A-Za-z_][\w.-]*)="([^"]*)"/.exec(xml.slice(i));
      if (!attr) throw new Error(`bad attribute at ${i}: ${xml.slice(i, i + 30)}`);
      if (attr[1] in el.attrs) throw new Error(`duplicate attribute ${attr[1]}`);
      el.attrs[attr[1]] = decode(attr[2]);
      i += attr[0].length;
    }
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) throw new Error(`unclosed <${el.name}>`);
      el.text += decode(xml.slice(i, lt));
      i = lt;
      if (xml.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(i));
        if (!close || close[1] !== el.name) throw new Error(`mismatched close tag for <${el.name}> at ${i}`);
        i += close[0].length;
        return el;
      }
      el.children.push(element());
    }
  };
  const root = element();
  skipWs();
  if (i !== xml.length) throw new Error('content after the root element');
  return root;
}

/** All elements named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => findAll(c, name))];
}
