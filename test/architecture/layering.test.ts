/**
 * The layers, held by walking the import graph of src/ (static, re-exported
 * and lazy imports alike; `import type` too when the module it names holds
 * code):
 * - ranked layers, lowest first (RANKS, as docs/architecture.md lists them):
 *   every edge between folders goes down a rank, so no folder cycle can form;
 * - no cycle between folders, checked on its own (Tarjan) so a failure names
 *   the folders and the module edges that tie them;
 * - the checklist parser imports no probe kind and no watch code (it is handed
 *   a validator);
 * - checklist/, session/, report/ and store/ reach probe code only through the
 *   runner/registry entry; a type from the probe vocabulary (probes/types.ts)
 *   is allowed, it carries no code;
 * - `fs` is imported only by the file-system edge and the probes that read files;
 * - every module of src/ is reachable from the bin (no dead files).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { countedEdges, cycleReport, folderGraph, folderOf, importGraph, isTypesOnly, parseImports, rankViolations, type FolderGraph } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * The layers, lowest first. A folder may import folders of lower ranks only;
 * folders on one rank do not import each other. `(root)` is the modules
 * directly in src/ (order, errors, display-path, input-file).
 */
const RANKS: readonly (readonly string[])[] = [
  ['(root)', 'text', 'grammar'],
  ['config'],
  ['secrets'],
  ['checklist'],
  ['verdict'],
  ['signing'],
  ['session'],
  ['probes'],
  ['watch'],
  ['report'],
  ['store'],
  ['notify'],
  ['ui'],
  ['cli'],
];

const graph = importGraph(SRC);
const { files, edges } = graph;
const folders = folderGraph(countedEdges(graph));
const layer = (file: string) => file.split('/')[0];
const importsOf = (file: string) => graph.importsOf(file);

describe('layering (import graph of src/)', () => {
  it('finds the modules and their imports', () => {
    expect(files).toContain('cli/bin.ts');
    expect(edges.some((e) => e.from === 'cli/commands/check.ts' && e.to === 'probes/runner.ts')).toBe(true);
    expect(edges.some((e) => e.from === 'cli/commands/wizard.ts' && e.to === 'probes/runner.ts' && !e.typeOnly)).toBe(true); // the lazy import
  });

  it('every edge between folders goes down a rank (the ranks of docs/architecture.md)', () => {
    expect(rankViolations(folders, RANKS)).toEqual([]);
    // Every folder of src/ is placed, so a new folder is ranked before it is used.
    expect(files.map(folderOf).filter((f) => !RANKS.flat().includes(f))).toEqual([]);
  });

  it('no cycle between folders, transitively, type imports of modules with code included', () => {
    expect(cycleReport(folders)).toEqual([]);
  });

  it('the checklist parser reaches no probe module and no watch code, even transitively', () => {
    const seen = new Set(['checklist/parse.ts']);
    const queue = ['checklist/parse.ts'];
    const counted = countedEdges(graph);
    while (queue.length) {
      const from = queue.pop()!;
      for (const e of counted) if (e.from === from && !seen.has(e.to)) (seen.add(e.to), queue.push(e.to));
    }
    expect([...seen].filter((f) => ['probes', 'watch', 'report', 'session', 'store', 'ui', 'cli'].includes(layer(f)))).toEqual([]);
    // What it does reach: its own folder and the leaves.
    expect([...seen].every((f) => ['checklist', 'grammar', 'text', '(root)'].includes(folderOf(f)))).toBe(true);
  });

  it('checklist/, session/, report/ and store/ reach probe code only through the runner/registry entry', () => {
    const entry = new Set(['probes/runner.ts', 'probes/jobs.ts', 'probes/registry.ts']);
    const vocabulary = new Set([...entry, 'probes/types.ts']);
    const bad = edges.filter(
      (e) => ['checklist', 'session', 'report', 'store'].includes(layer(e.from)) && layer(e.to) === 'probes' && !(e.typeOnly ? vocabulary : entry).has(e.to),
    );
    expect(bad.map((e) => `${e.from} → ${e.to}${e.typeOnly ? ' (type)' : ''}`)).toEqual([]);
  });

  it('the checklist layer imports no probe module at all (the parser is handed a validator)', () => {
    expect(edges.filter((e) => layer(e.from) === 'checklist' && layer(e.to) === 'probes' && !e.typeOnly).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('the verdict core is pure: it imports types only, and nothing but its own files at run time', () => {
    const bad = edges.filter((e) => layer(e.from) === 'verdict' && !e.typeOnly && layer(e.to) !== 'verdict');
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
    const packages = files.filter((f) => layer(f) === 'verdict').flatMap((f) => importsOf(f).filter((i) => !i.spec.startsWith('.') && !i.typeOnly).map((i) => `${f} → ${i.spec}`));
    expect(packages).toEqual([]);
  });

  it('fs is imported only by the file-system edge and the probes that read files', () => {
    // The edge: where paths from argv and the sessions folder are read and written.
    const edge = new Set([
      'checklist/load.ts', // the checklist file
      'input-file.ts', // every file named as input: regular, capped (--config, --env-file, --checklist, locks)
      'atomic-write.ts', // the one atomic writer
      'session/session-file.ts', // the session adapter (reads, damaged files kept aside)
      'session/file-store.ts', // the sessions folder
      'session/lock.ts', // lock files
      'session/pg-journal.ts', // team mode's local journal
      'report/files.ts', // report files
      'cli/globals.ts', // the shipped checklist's path
      'cli/terminal.ts', // the controlling terminal
      'cli/commands/check.ts', // --out checked before probes run
      'cli/commands/report.ts', // the checklist a session names
      'cli/bin.ts', // the bundled CLI script it compiles
      'cli/code-cache.ts', // V8's code cache folder
      'cli/commands/verify.ts', // the report or session file to verify
      'signing/setup.ts', // the allowed_signers file
      'signing/signer.ts', // a signing key file named in config
    ]);
    const readers = new Set(['probes/baseline.ts', 'probes/command.ts', 'probes/net-http.ts', 'probes/process-tree.ts', 'probes/secrets-scan.ts', 'probes/tls.ts']);
    const fsUsers = files.filter((f) => importsOf(f).some((i) => /^(node:)?fs(\/promises)?$/.test(i.spec)));
    expect(fsUsers.filter((f) => !edge.has(f) && !readers.has(f))).toEqual([]);
    // The allowlist stays honest: every file on it still needs fs.
    expect([...edge, ...readers].filter((f) => !fsUsers.includes(f))).toEqual([]);
  });

  it('every module of src/ is reachable from the bin (no dead files)', () => {
    // The build's two entries (scripts/build.mjs): the bin, and the CLI script it runs.
    const seen = new Set<string>(['cli/bin.ts', 'cli/run.ts']);
    const queue = ['cli/bin.ts', 'cli/run.ts'];
    while (queue.length) {
      const from = queue.pop()!;
      for (const e of edges) if (e.from === from && !seen.has(e.to)) (seen.add(e.to), queue.push(e.to));
    }
    expect(files.filter((f) => !seen.has(f))).toEqual([]);
  });
});

describe('the layering check itself', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A small source tree in a temp folder: path → text. */
  function tree(modules: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'layering-'));
    dirs.push(root);
    for (const [path, text] of Object.entries(modules)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  const base = {
    'a/x.ts': "import { y } from '../b/y.js';\nexport const x = y + 1;\n",
    'b/y.ts': "import { z } from '../c/z.js';\nexport const y = z;\n",
    'c/z.ts': "import type { Shape } from '../a/shape.js';\nexport const z: Shape['n'] = 1;\n",
    // Types only: an edge to it ties no code.
    'a/shape.ts': '/** A shape. */\nexport interface Shape {\n  n: number;\n  default: string;\n}\nexport type Other = Shape;\n',
  };

  it('a type import of a types-only module makes no cycle', () => {
    const g = importGraph(tree(base));
    expect(g.typesOnly.has('a/shape.ts')).toBe(true);
    expect(cycleReport(folderGraph(countedEdges(g)))).toEqual([]);
    expect(rankViolations(folderGraph(countedEdges(g)), [['c'], ['b'], ['a']])).toEqual([]);
  });

  it('reports a deliberate cycle (a type import of a module with code), naming the folders and the edge', () => {
    const g = importGraph(tree({ ...base, 'c/w.ts': "import type { Limit } from '../a/limit.js';\nexport function w(l: Limit) {\n  return l;\n}\n", 'a/limit.ts': 'export type Limit = number;\nexport const LIMIT: Limit = 3;\n' }));
    expect(g.typesOnly.has('a/limit.ts')).toBe(false);
    const report = cycleReport(folderGraph(countedEdges(g)));
    expect(report).toHaveLength(1);
    expect(report[0]).toMatch(/^cycle a, b, c: /);
    expect(report[0]).toContain('c → a (c/w.ts → a/limit.ts (type))');
    expect(report[0]).toContain('a → b (a/x.ts → b/y.ts)');
    expect(rankViolations(folderGraph(countedEdges(g)), [['c'], ['b'], ['a']])).toEqual(['c (rank 0) → a (rank 2): c/w.ts → a/limit.ts (type)']);
  });

  it('a lazy import() and a re-export count as edges', () => {
    const g = importGraph(tree({ 'a/x.ts': "export async function x() {\n  return (await import('../b/y.js')).y;\n}\n", 'b/y.ts': "export { x } from '../a/x.js';\nexport const y = 1;\n" }));
    expect(cycleReport(folderGraph(countedEdges(g)))).toEqual(['cycle a, b: a → b (a/x.ts → b/y.ts); b → a (b/y.ts → a/x.ts)']);
  });

  it('one edge injected into the real graph (text/ importing report/) is reported as a cycle and a rank violation', () => {
    const injected: FolderGraph = new Map([...folders].map(([a, to]) => [a, new Map(to)]));
    injected.set('text', new Map([['report', ['text/escape.ts → report/markdown.ts']]]));
    const report = cycleReport(injected);
    expect(report).toHaveLength(1);
    expect(report[0]).toMatch(/^cycle .*report.*text/);
    expect(report[0]).toContain('text → report (text/escape.ts → report/markdown.ts)');
    expect(rankViolations(injected, RANKS)).toEqual(['text (rank 0) → report (rank 9): text/escape.ts → report/markdown.ts']);
  });

  it('reads import clauses without running into the next statement', () => {
    expect(parseImports("export type A = 1;\nimport { b } from './b.js';\n")).toEqual([{ spec: './b.js', typeOnly: false }]);
    expect(parseImports("import type {\n  A,\n  B,\n} from './t.js';\nimport './side.js';\n")).toEqual([
      { spec: './t.js', typeOnly: true },
      { spec: './side.js', typeOnly: false },
    ]);
    expect(isTypesOnly("import type { A } from './a.js';\nexport type { B } from './b.js';\nexport interface C {\n  const: A;\n}\n")).toBe(true);
    expect(isTypesOnly("export type { B } from './b.js';\nexport { c } from './c.js';\n")).toBe(false);
  });
});
