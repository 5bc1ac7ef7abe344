/**
 * The bin's heap flags (src/cli/heap-flags.ts): the shebang sizes V8's heap,
 * then the bin sets those flags back to V8's defaults. Both halves are
 * observed from outside, in the built bin run the way npm links it (its own
 * shebang): the heap keeps the shebang's sizes, and code cached by a Node
 * without flags is accepted (V8 rejects cached code made under another flag
 * hash, which on Node 20 and 22 sent every built-in module loaded after
 * start-up through the compiler).
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { cliPath, workdir } from '../check/helpers.js';

const run = promisify(execFile);
const SOURCE = 'function probe(a, b) { return [a, b].map((x) => x * 2).join(","); } probe(1, 2);';

/**
 * A preload (NODE_OPTIONS=--require, not a V8 flag) that reports, as the process
 * exits: the heap limit, and whether V8 accepts code cached without any flag.
 */
function reporter(dir: string): string {
  writeFileSync(join(dir, 'cached.bin'), new Script(SOURCE).createCachedData());
  const file = join(dir, 'report.cjs');
  writeFileSync(
    file,
    `const { getHeapStatistics } = require('node:v8'); const { Script } = require('node:vm'); const { readFileSync, writeFileSync } = require('node:fs');
process.on('exit', () => {
  const script = new Script(${JSON.stringify(SOURCE)}, { cachedData: readFileSync(${JSON.stringify(join(dir, 'cached.bin'))}) });
  writeFileSync(${JSON.stringify(join(dir, 'report.json'))}, JSON.stringify({ limitMb: getHeapStatistics().heap_size_limit / 1048576, rejected: script.cachedDataRejected }));
});\n`,
  );
  return file;
}

const shebangFlags = (bin: string) => readFileSync(bin, 'utf8').split('\n', 1)[0].replace(/^#!\/usr\/bin\/env -S node/, '').split(/\s+/).filter((f) => f.startsWith('--max'));

describe('heap flags of the built bin', () => {
  it('keeps the heap sizes its shebang gives, and V8 accepts code cached without flags', async () => {
    const cwd = workdir({});
    const bin = cliPath();
    expect(shebangFlags(bin)).toEqual(['--max-semi-space-size=2', '--max-old-space-size=256']);
    const env = { PATH: process.env.PATH, HOME: cwd, NODE_OPTIONS: `--require ${reporter(cwd)}` };
    // Run the bin itself, as npm links it: its shebang passes the flags.
    const out = await run(bin, ['--version'], { cwd, env });
    expect(out.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8'));
    expect(report.limitMb).toBeLessThan(300); // 256 MB old space + the young generation (default: GBs here)
    expect(report.rejected).toBe(false);
  });

  it('a Node given the same flags and no reset keeps the sizes too, and on Node 20 and 22 rejects that cache', async () => {
    // The control: what the reset changes. Node 24 leaves heap sizes out of V8's flag hash.
    const cwd = workdir({});
    const env = { PATH: process.env.PATH, HOME: cwd, NODE_OPTIONS: `--require ${reporter(cwd)}` };
    await run(process.execPath, [...shebangFlags(cliPath()), '-e', '0'], { cwd, env });
    const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8'));
    expect(report.limitMb).toBeLessThan(300);
    expect(report.rejected).toBe(Number(process.versions.node.split('.')[0]) < 24);
  });
});
