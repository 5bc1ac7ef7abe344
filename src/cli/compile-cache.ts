/**
 * V8's compile cache for the bundle (issue 16): on Node ≥ 22.1 the CLI's modules
 * are compiled once and later runs load V8's cached code instead of parsing and
 * compiling ~2 MB of JavaScript again. Node keys the cache by file content,
 * Node version and V8 flags, so a new build or Node line never uses stale code.
 * The folder is the user's cache ($XDG_CACHE_HOME/deploy-wizard, else
 * ~/.cache/deploy-wizard) and may be deleted at any time;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. A folder that cannot be written
 * only means no cache: this never fails the run.
 */
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

type CacheStatus = { status: number; message?: string; directory?: string };
type EnableCompileCache = (dir?: string) => CacheStatus;

/** Where the cache lives: $XDG_CACHE_HOME/deploy-wizard, else ~/.cache/deploy-wizard. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'deploy-wizard');
  try {
    const home = homedir();
    return home ? join(home, '.cache', 'deploy-wizard') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turn the cache on where this Node has it (22.1+); on Node 20 do nothing.
 * Returns Node's answer, or undefined when there is no cache.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): CacheStatus | undefined {
  const enable = (nodeModule as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  const dir = compileCacheDir(env);
  if (!enable || !dir || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    return enable(dir);
  } catch {
    return undefined; // an unwritable folder: run without the cache
  }
}
