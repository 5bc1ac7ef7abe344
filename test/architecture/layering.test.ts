/**
 * The one-way flow, held by walking the import graph of src/ (from the bin,
 * static and lazy imports alike):
 * - checklist/, session/, report/ and store/ reach probe code only through the
 *   runner/registry entry; a type from the probe vocabulary (probes/types.ts)
 *   is allowed, it carries no code;
 * - checklist/ imports no probe module at all (the parser is handed a validator);
 * - `fs` is imported only by the file-system edge and the probes that read files;
 * - every module of src/ is reachable from the bin (no dead files).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

interface Edge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased at build time, no code follows it. */
  typeOnly: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Imports and re-exports of a module: `import … from '…'`, `export … from '…'`, `import('…')`. */
function importsOf(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[\s\S]*?)\s+from\s+'([^']+)'/gm)) out.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

const rel = (file: string) => relative(SRC, file).split('\\').join('/');
const files = walk(SRC).map(rel);
const known = new Set(files);

function resolveSpec(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return spec; // a package or node: builtin
  const base = rel(resolve(dirname(join(SRC, from)), spec)).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`].find((f) => known.has(f));
}

const edges: Edge[] = files.flatMap((from) =>
  importsOf(join(SRC, from)).flatMap(({ spec, typeOnly }) => {
    const to = resolveSpec(from, spec);
    return to ? [{ from, to, typeOnly }] : [];
  }),
);

const layer = (file: string) => file.split('/')[0];

describe('layering (import graph of src/)', () => {
  it('finds the modules and their imports', () => {
    expect(files).toContain('cli/bin.ts');
    expect(edges.some((e) => e.from === 'cli/commands/check.ts' && e.to === 'probes/runner.ts')).toBe(true);
    expect(edges.some((e) => e.from === 'cli/commands/wizard.ts' && e.to === 'probes/runner.ts' && !e.typeOnly)).toBe(true); // the lazy import
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
    const packages = files.filter((f) => layer(f) === 'verdict').flatMap((f) => importsOf(join(SRC, f)).filter((i) => !i.spec.startsWith('.') && !i.typeOnly).map((i) => `${f} → ${i.spec}`));
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
    const fsUsers = files.filter((f) => importsOf(join(SRC, f)).some((i) => /^(node:)?fs(\/promises)?$/.test(i.spec)));
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
