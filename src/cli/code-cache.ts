/**
 * Start-up without recompiling (issue 16). The CLI ships as one classic script
 * (dist/cli.js, ~1.8 MB: scripts/build.mjs) that the bin compiles with
 * `vm.Script` and V8 cached data kept in the user's cache folder
 * ($XDG_CACHE_HOME/deploy-wizard, else ~/.cache/deploy-wizard; delete it at
 * will). The cached data is made when a run ends, so it holds every function
 * that run compiled, not only the top level: measured on the wizard's first
 * frame it beats Node's own module compile cache (README, Performance). A file
 * is keyed by the script's hash, the Node version and architecture, and the
 * command (each command compiles different code); V8 itself rejects data from
 * other flags, and a rejected or missing file is written anew. Where Node has
 * `module.enableCompileCache` (22.1+) it is turned on as well, for the bin.
 * DEPLOY_WIZARD_NO_CODE_CACHE=1 turns both off. A folder that cannot be read
 * or written only means no cache: nothing here fails a run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { writeFileAtomicSync } from '../atomic-write.js';

type CacheStatus = { status: number; message?: string; directory?: string };
type EnableCompileCache = (dir?: string) => CacheStatus;

/** Where the caches live: $XDG_CACHE_HOME/deploy-wizard, else ~/.cache/deploy-wizard. */
function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'deploy-wizard');
  try {
    const home = homedir();
    return home ? join(home, '.cache', 'deploy-wizard') : undefined;
  } catch {
    return undefined;
  }
}

const disabled = (env: NodeJS.ProcessEnv) => Boolean(env.DEPLOY_WIZARD_NO_CODE_CACHE);

/** The cache folder, unless DEPLOY_WIZARD_NO_CODE_CACHE turns every cache off (the CLI keeps parse results there too). */
export function usableCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return disabled(env) ? undefined : codeCacheDir(env);
}

/** Node's module compile cache where this Node has it (22.1+); a no-op on Node 20. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): CacheStatus | undefined {
  const enable = (nodeModule as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  const dir = codeCacheDir(env);
  if (!enable || !dir || disabled(env)) return undefined;
  try {
    return enable(join(dir, 'node-compile-cache'));
  } catch {
    return undefined;
  }
}

/** Each command compiles its own part of the CLI, so each has its own cache file (a typo shares 'default'). */
const COMMANDS = new Set(['start', 'resume', 'join', 'list', 'check', 'watch', 'report', 'validate']);

/** The global options that take a value (src/cli/main.ts; test/startup/code-cache.test.ts keeps the two lists equal): their value is not the command. */
export const GLOBAL_VALUES = new Set(['--checklist', '--sessions-dir', '--env-file', '--config', '--store', '--notify', '--allowed-signers']);

/** The command a cache file is for ('version', or 'default' for no command or a typo). */
function commandOf(argv: string[]): string {
  let word: string | undefined;
  for (let i = 0; i < argv.length && word === undefined; i++) {
    if (GLOBAL_VALUES.has(argv[i])) i++;
    else if (!argv[i].startsWith('-')) word = argv[i];
  }
  return word && COMMANDS.has(word) ? word : argv.includes('--version') ? 'version' : 'default';
}

/**
 * Commands that run without the code cache: their time goes to the probes, not
 * to start-up, and V8 builds every function the cache holds up front: on Node 24
 * that was 3–4 MB of `check`'s peak RSS (budget 100 MB; README, Performance).
 */
const UNCACHED = new Set(['check', 'watch']);

/** Whether the command in `argv` runs with the code cache. */
export function usesCodeCache(argv: string[]): boolean {
  return !UNCACHED.has(commandOf(argv));
}

/** The cache file for this script, Node and command: `cli-<hash>-<node>-<arch>-<command>.v8`. */
export function cacheFileName(scriptHash: string, argv: string[], version = process.version, arch = process.arch): string {
  return `cli-${scriptHash}-${version}-${arch}-${commandOf(argv)}.v8`;
}

/** The hash that keys a script's cache (the build embeds it in the bin; hashing 1.8 MB at each start costs ~5 ms). */
export function scriptHash(source: string | Buffer): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

/**
 * Compile the CLI script at `url` (with cached data when there is some), run it,
 * and, when there was none or V8 rejected it, write new data as the process
 * exits. The script is `(async function (require, url, build) {...})`; `hash`
 * is scriptHash of its text, passed in as `build`.
 */
export async function runCachedScript(url: URL, hash: string, argv: string[], env: NodeJS.ProcessEnv = process.env, encoding: 'latin1' | 'utf8' = 'utf8'): Promise<void> {
  const file = fileURLToPath(url);
  // latin1 only for an all-ASCII script (the build checks): read so, Node gives V8 the bytes undecoded.
  const source = readFileSync(file, encoding);
  const dir = usesCodeCache(argv) ? usableCacheDir(env) : undefined;
  const name = cacheFileName(hash, argv);
  let cachedData: Buffer | undefined;
  try {
    if (dir) cachedData = readFileSync(join(dir, name));
  } catch {
    /* no cache yet */
  }
  const script = new Script(source, { filename: file, cachedData });
  if (dir && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCache(script, dir, name));
  const run = script.runInThisContext() as (require: NodeJS.Require, url: string, build: string) => Promise<void>;
  await run(nodeModule.createRequire(url), url.href, hash);
}

/** Through the atomic writer (a cache: not fsynced); drop files of older builds of the script. */
function writeCache(script: Script, dir: string, name: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomicSync(join(dir, name), script.createCachedData(), { durable: false });
    const build = name.split('-')[1];
    for (const f of readdirSync(dir)) if (f.startsWith('cli-') && f.split('-')[1] !== build) rmSync(join(dir, f), { force: true });
  } catch {
    /* an unwritable cache folder: the next run compiles again */
  }
}
