/**
 * The bin's first step (issue 16). Its shebang sizes V8's heap
 * (`--max-semi-space-size=2 --max-old-space-size=256`, scripts/build.mjs: peak
 * RSS), and V8 reads those two flags once, when it creates the heap. But a
 * changed flag also changes V8's flag hash, and every code cache made under
 * another hash is rejected: on Node 20 and 22 each built-in module loaded after
 * start-up (tty, net, streams, fs/promises, child_process…) was then compiled
 * from source, ~30 ms of the first frame (Node 24 leaves heap sizes out of the
 * hash). Once the heap exists, the two flags are set back to V8's defaults:
 * the heap keeps its sizes, the hash is the default one again, and Node's
 * built-in code cache and ours (./code-cache.ts) are accepted. README,
 * Performance, has the figures; test/startup/heap-flags.test.ts checks both halves.
 */
import { setFlagsFromString } from 'node:v8';

/** The heap-size flags the shebang passes, each with V8's default (0: sized from the machine). */
export const HEAP_FLAGS = ['--max-semi-space-size', '--max-old-space-size'] as const;

/** Set each heap-size flag given on Node's command line back to its default; which ones were. */
export function restoreHeapFlagDefaults(execArgv: readonly string[] = process.execArgv): string[] {
  const given = HEAP_FLAGS.filter((flag) => execArgv.some((a) => a === flag || a.startsWith(`${flag}=`) || a.replace(/_/g, '-').startsWith(`${flag}=`)));
  for (const flag of given) setFlagsFromString(`${flag}=0`);
  return given;
}

restoreHeapFlagDefaults();
