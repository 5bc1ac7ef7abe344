/**
 * The import graph of a source tree, at module and at folder level, and the
 * checks the layering test holds it to: no cycle between folders (Tarjan's
 * strongly connected components) and every folder edge going down a rank.
 *
 * What counts as an edge: static imports and re-exports, side-effect imports,
 * lazy `import()`, and `import type`/`export type` too, except when the target
 * is a types-only module (every statement a type, an interface or a type
 * import/export): such a module is erased at build time and ties no code.
 * A type imported from a module that holds runtime code (a zod schema and its
 * inferred types, a module of functions) does count: the two modules then
 * change together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface Edge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased at build time. */
  typeOnly: boolean;
}

export interface ImportGraph {
  /** Module paths relative to the root, `/`-separated. */
  files: string[];
  edges: Edge[];
  /** Modules whose every statement is a type: edges to them tie no code. */
  typesOnly: Set<string>;
  /** Imports of a module as written (specifier, type-only), packages included. */
  importsOf(file: string): Import[];
}

export interface Import {
  spec: string;
  typeOnly: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Imports and re-exports of a module's text: `import … from '…'`, `export … from '…'`, `import '…'`, `import('…')`. */
export function parseImports(text: string): Import[] {
  const out: Import[] = [];
  // An import/export clause holds no `;` and no quote, so a match never runs into the next statement.
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?\s*from\s+'([^']+)'/gm)) out.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

/** True when no statement of the module is a value: only types, interfaces and type imports/exports. */
export function isTypesOnly(text: string): boolean {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/^\s*(import|export)\s+type\s+[^;'"]*?from\s+'[^']+';?/gm, '');
  // Statements start at the first column; indented lines are members of a type.
  return !/^(export\s+)?(declare\s+)?(default\b|async\s+function|function|const|let|var|class|enum|abstract\s+class|namespace)\b|^export\s*(\{|\*)|^import\b/m.test(code);
}

export function importGraph(root: string): ImportGraph {
  const ROOT = resolve(root);
  const rel = (file: string) => relative(ROOT, file).split('\\').join('/');
  const texts = new Map(walk(ROOT).map((f) => [rel(f), readFileSync(f, 'utf8')]));
  const files = [...texts.keys()].sort();
  const known = new Set(files);
  const resolveSpec = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined; // a package or a node: builtin
    const base = rel(resolve(dirname(join(ROOT, from)), spec)).replace(/\.js$/, '');
    return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((f) => known.has(f));
  };
  const importsOf = (file: string) => parseImports(texts.get(file) ?? '');
  const edges = files.flatMap((from) =>
    importsOf(from).flatMap(({ spec, typeOnly }) => {
      const to = resolveSpec(from, spec);
      return to ? [{ from, to, typeOnly }] : [];
    }),
  );
  const typesOnly = new Set(files.filter((f) => isTypesOnly(texts.get(f)!)));
  return { files, edges, typesOnly, importsOf };
}

/** The folder a module belongs to: its first path segment; modules at the root are `(root)`. */
export const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0] : '(root)');

/** Folder → folder, with the module edges behind each (`a.ts → b.ts`, `(type)` when type-only). */
export type FolderGraph = Map<string, Map<string, string[]>>;

/** The edges that tie code: every runtime edge, and type edges to modules that hold code. */
export function countedEdges(graph: Pick<ImportGraph, 'edges' | 'typesOnly'>): Edge[] {
  return graph.edges.filter((e) => !(e.typeOnly && graph.typesOnly.has(e.to)));
}

export function folderGraph(edges: readonly Edge[]): FolderGraph {
  const out: FolderGraph = new Map();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    const to = out.get(a) ?? new Map<string, string[]>();
    out.set(a, to);
    to.set(b, [...(to.get(b) ?? []), `${e.from} → ${e.to}${e.typeOnly ? ' (type)' : ''}`]);
  }
  return out;
}

/** Strongly connected groups of more than one folder (Tarjan), each sorted; a self-cycle cannot occur (edges inside a folder are left out). */
export function cyclicGroups(graph: FolderGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}

/** The folder edges inside each cyclic group, one line each: `a → b: x.ts → y.ts, …`. */
export function cycleReport(graph: FolderGraph): string[] {
  return cyclicGroups(graph).map(
    (group) =>
      `cycle ${group.join(', ')}: ` +
      group
        .flatMap((a) => [...(graph.get(a) ?? [])].filter(([b]) => group.includes(b)).map(([b, why]) => `${a} → ${b} (${why.join(', ')})`))
        .join('; '),
  );
}

/**
 * Folder edges that do not go down a rank. `ranks` lists the layers lowest
 * first; folders on one rank may not import each other. A folder on no rank
 * is reported too, so a new folder is placed before it is used.
 */
export function rankViolations(graph: FolderGraph, ranks: readonly (readonly string[])[]): string[] {
  const rank = new Map(ranks.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
  const out: string[] = [];
  const folders = new Set([...graph.keys(), ...[...graph.values()].flatMap((m) => [...m.keys()])]);
  for (const f of [...folders].sort()) if (!rank.has(f)) out.push(`${f}: on no rank`);
  for (const [a, to] of [...graph].sort(([x], [y]) => (x < y ? -1 : 1))) {
    for (const [b, why] of to) {
      const ra = rank.get(a);
      const rb = rank.get(b);
      if (ra !== undefined && rb !== undefined && rb >= ra) out.push(`${a} (rank ${ra}) → ${b} (rank ${rb}): ${why.join(', ')}`);
    }
  }
  return out;
}
