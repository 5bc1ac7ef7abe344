/**
 * Where the CLI keeps checklist parse results (src/checklist/load.ts,
 * loadChecklistCached): beside the code cache, keyed by the build. Only a
 * build (which knows its hash) keeps them; DEPLOY_WIZARD_NO_CODE_CACHE turns
 * them off with the code cache. The wizard and `check` read through it.
 */
import type { ParseCache } from '../checklist/load.js';
import { usableCacheDir } from './code-cache.js';

/** The CLI script's hash (scripts/build.mjs); undefined when run from source. */
declare const __BUILD_HASH__: string | undefined;

/** The parse cache of this build, or undefined (run from source, or caches off). */
export function parseCache(): ParseCache | undefined {
  const build = typeof __BUILD_HASH__ === 'string' ? __BUILD_HASH__ : undefined;
  const dir = build ? usableCacheDir() : undefined;
  return build && dir ? { dir, build } : undefined;
}
