/**
 * No dead exports: every export of src/ is used by another module (of src/,
 * or of test/ and bench/, which use src/ as its API). An export nobody else
 * uses is either used in its own file only (drop `export`) or used nowhere
 * (delete it). The graph is the TypeScript checker's (./export-graph.ts):
 * static, lazy and namespace imports, re-exports and types alike.
 * `npm run exports` lists what this test would refuse, with the counts.
 *
 * The bin (src/cli/bin.ts) and the CLI script (src/cli/run.ts), the build's
 * entries, export nothing: they are held like any other module.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportGraph } from './export-graph.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Exports of src/ allowed to be used by no other module, each with its reason
 * ("src/file.ts: name" → why it is API although nothing here uses it). None today.
 */
const ALLOWED: Record<string, string> = {};

// Building the program over ~450 files takes tens of seconds on a busy 2-core machine.
const GRAPH_MS = 300_000;

describe('exports of src/', () => {
  it('the graph tells used exports from dead ones, own-file-only ones and re-exports that serve nothing (a small project)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-exports-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] }, include: ['src'] }),
      );
      writeFileSync(
        join(dir, 'src/a.ts'),
        [
          '/** The shape make() returns: used through make. */',
          'export interface Shape { n: number }',
          '/** Named by a function that is not exported: used in this file only. */',
          'export interface Lonely { n: number }',
          'export function make(n: number): Shape { return { n }; }',
          'export function dead(): number { return 2; }',
          'export const ownOnly = 1;',
          'function local(l: Lonely): number { return l.n + ownOnly; }',
          'export const viaLazy = (): number => local({ n: 1 });',
          'export const viaNamespace = 3;',
          'export const viaDestructuring = 4;',
          'export const viaThen = 5;',
          'export const reExported = 6;',
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'src/b.ts'), "export { make } from './a.js';\nexport { reExported as renamed } from './a.js';\n");
      writeFileSync(
        join(dir, 'src/main.ts'),
        [
          "import { make } from './b.js';",
          "import * as a from './a.js';",
          'console.log(make(1).n, a.viaNamespace);',
          "console.log((await import('./a.js')).viaLazy());",
          "const { viaDestructuring } = await import('./a.js');",
          "console.log(viaDestructuring, await import('./a.js').then((m) => m.viaThen));",
          'export {};',
          '',
        ].join('\n'),
      );
      const graph = exportGraph(dir);
      expect(graph.exports).toContain('src/a.ts: viaLazy');
      expect(graph.unused).toEqual(['src/a.ts: Lonely', 'src/a.ts: dead', 'src/a.ts: ownOnly', 'src/b.ts: renamed']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, GRAPH_MS);

  it('every export of src/ is used by another module (src/, test/ or bench/)', () => {
    const graph = exportGraph(ROOT);
    // The graph sees the project: the store's factory is an export, and it is used.
    expect(graph.exports).toContain('src/store/wizard-store.ts: createWizardStore');
    expect(graph.unused.filter((line) => !(line in ALLOWED))).toEqual([]);
    // The exceptions stay honest: each is still an export nothing else uses.
    expect(Object.keys(ALLOWED).filter((line) => !graph.unused.includes(line))).toEqual([]);
  }, GRAPH_MS);
});
