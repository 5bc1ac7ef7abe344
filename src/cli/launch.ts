/**
 * What the bin's shebang sets for this process, and undoes first (issue 16).
 * scripts/build.mjs writes the shebang:
 *
 *   #!/usr/bin/env -S DW_ARENA=${MALLOC_ARENA_MAX} MALLOC_ARENA_MAX=1 node --max-semi-space-size=2 --max-old-space-size=256 --
 *
 * - Heap sizes, for peak RSS: V8 reads both flags once, when it creates the
 *   heap. But a changed flag also changes V8's flag hash, and every code cache
 *   made under another hash is rejected: on Node 20 and 22 each built-in
 *   module loaded after start-up (tty, net, streams, fs/promises…) was then
 *   compiled from source, ~30 ms of the first frame (Node 24 leaves heap sizes
 *   out of the hash). Once the heap exists the two flags are set back to V8's
 *   defaults: the heap keeps its sizes, the hash is the default one again, and
 *   Node's built-in code cache and ours (./code-cache.ts) are accepted.
 * - One malloc arena (glibc's MALLOC_ARENA_MAX, read when the process starts):
 *   V8's compiler threads and libuv's pool otherwise each keep an arena of
 *   freed memory; on Node 24 that was ~20 MB of the full walk's peak. Child
 *   processes (command blocks, probes, git) get the variable as the person had
 *   it (the shebang keeps their value in DW_ARENA), or not at all.
 *
 * README, Performance, has the figures; test/startup/launch.test.ts checks each half.
 */
import { setFlagsFromString } from 'node:v8';

/** The heap-size flags the shebang passes, each with V8's default (0: sized from the machine). */
const HEAP_FLAGS = ['--max-semi-space-size', '--max-old-space-size'] as const;

/** Set each heap-size flag given on Node's command line back to its default; which ones were. */
function restoreHeapFlagDefaults(execArgv: readonly string[] = process.execArgv): string[] {
  const given = HEAP_FLAGS.filter((flag) => execArgv.some((a) => a.replace(/_/g, '-').split('=')[0] === flag));
  for (const flag of given) setFlagsFromString(`${flag}=0`);
  return given;
}

/** The person's MALLOC_ARENA_MAX back in `env` (what children inherit), as the shebang found it. */
function restoreChildEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  if (!('DW_ARENA' in env)) return; // not started by the shebang: nothing was set
  const theirs = env.DW_ARENA;
  delete env.DW_ARENA;
  if (theirs) env.MALLOC_ARENA_MAX = theirs;
  else delete env.MALLOC_ARENA_MAX;
}

restoreHeapFlagDefaults();
restoreChildEnvironment();
