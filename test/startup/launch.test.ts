/**
 * What the bin's shebang sets and the bin undoes (src/cli/launch.ts), observed
 * from outside in the built bin run the way npm links it (its own shebang):
 * - the heap keeps the shebang's sizes, and code cached by a Node without flags
 *   is accepted (V8 rejects cached code made under another flag hash, which on
 *   Node 20 and 22 sent every built-in module loaded after start-up through
 *   the compiler);
 * - the process starts with one malloc arena, and what it passes to child
 *   processes is the person's own MALLOC_ARENA_MAX, or none.
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
 * exits: the heap limit, whether V8 accepts code cached without any flag, the
 * environment the process started with, and the one its children would get.
 */
function reporter(dir: string): string {
  writeFileSync(join(dir, 'cached.bin'), new Script(SOURCE).createCachedData());
  const file = join(dir, 'report.cjs');
  writeFileSync(
    file,
    `const { getHeapStatistics } = require('node:v8'); const { Script } = require('node:vm'); const { readFileSync, writeFileSync } = require('node:fs');
process.on('exit', () => {
  const script = new Script(${JSON.stringify(SOURCE)}, { cachedData: readFileSync(${JSON.stringify(join(dir, 'cached.bin'))}) });
  const started = Object.fromEntries(readFileSync('/proc/self/environ', 'utf8').split('\\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const pick = (e) => ({ MALLOC_ARENA_MAX: e.MALLOC_ARENA_MAX, DW_ARENA: e.DW_ARENA });
  writeFileSync(${JSON.stringify(join(dir, 'report.json'))}, JSON.stringify({ limitMb: getHeapStatistics().heap_size_limit / 1048576, rejected: script.cachedDataRejected, started: pick(started), children: pick(process.env) }));
});\n`,
  );
  return file;
}

const shebangFlags = (bin: string) => readFileSync(bin, 'utf8').split('\n', 1)[0].split(/\s+/).filter((f) => f.startsWith('--max'));

describe('what the built bin\'s shebang sets', () => {
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
    expect(report.started).toEqual({ MALLOC_ARENA_MAX: '1', DW_ARENA: '' });
    expect(report.children).toEqual({});
  });

  it('gives child processes the MALLOC_ARENA_MAX the person had, while the process itself runs with one arena', async () => {
    const cwd = workdir({});
    const env = { PATH: process.env.PATH, HOME: cwd, NODE_OPTIONS: `--require ${reporter(cwd)}`, MALLOC_ARENA_MAX: '4' };
    await run(cliPath(), ['--version'], { cwd, env });
    const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8'));
    expect(report.started).toEqual({ MALLOC_ARENA_MAX: '1', DW_ARENA: '4' });
    expect(report.children).toEqual({ MALLOC_ARENA_MAX: '4' });
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
