/**
 * No dead exports: every export of src/ is imported by another module (of
 * src/, or of test/, bench/ and scripts/, which use src/ as its API). An export
 * nobody else imports is either used in its own file only (drop `export`) or
 * used nowhere (delete it).
 *
 * The import graph is knip's (`npm run knip`, configured in knip.json): static
 * and lazy imports, re-exports, `import * as` namespaces and types alike, from
 * the entries knip.json names. Entry files are checked too
 * (--include-entry-exports): the bin exports nothing, nor may it.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KNIP = join(ROOT, 'node_modules/knip/bin/knip.js');

/**
 * Exports of src/ allowed to be imported by no other module, each with its
 * reason ("src/file.ts: name"). None today; an entry here must say why the
 * export is API although nothing in the repository imports it.
 */
const ALLOWED: Record<string, string> = {};

const KINDS = ['exports', 'types', 'nsExports', 'nsTypes', 'duplicates'] as const;

interface KnipIssue {
  file: string;
  exports: Array<{ name: string }>;
  types: Array<{ name: string }>;
  nsExports: Array<{ name: string }>;
  nsTypes: Array<{ name: string }>;
  duplicates: Array<Array<{ name: string }>>;
}

/** What knip reports as exported and imported by no other module, as "file: name" lines (duplicates: "file: a = b"). */
async function unusedExports(cwd: string): Promise<string[]> {
  const run = await execa(process.execPath, [KNIP, '--reporter', 'json', '--no-progress', '--no-gitignore', '--include', KINDS.join(','), '--include-entry-exports'], {
    cwd,
    reject: false,
    env: { NO_COLOR: '1' },
  });
  // 0: nothing found; 1: issues found. Anything else is knip failing (config, parse error): show it.
  if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`knip exited ${run.exitCode}: ${run.stderr || run.stdout}`);
  const { issues } = JSON.parse(run.stdout) as { issues: KnipIssue[] };
  return issues.flatMap((i) =>
    KINDS.flatMap((k) => (k === 'duplicates' ? i.duplicates.map((d) => `${i.file}: ${d.map((e) => e.name).join(' = ')}`) : i[k].map((e) => `${i.file}: ${e.name}`))),
  );
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('exports of src/', () => {
  it('knip finds a dead export and one used only in its own file (a project of two files)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-exports-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
      writeFileSync(join(dir, 'knip.json'), JSON.stringify({ entry: ['src/main.ts'], project: ['src/**/*.ts'], ignoreExportsUsedInFile: false }));
      writeFileSync(
        join(dir, 'src/a.ts'),
        ['export function used(): number { return ownOnly; }', 'export function dead(): number { return 2; }', 'export const ownOnly = 1;', 'export type Shape = { n: number };', ''].join('\n'),
      );
      writeFileSync(join(dir, 'src/main.ts'), "import { used } from './a.js';\nconsole.log(used());\n");
      expect((await unusedExports(dir)).sort()).toEqual(['src/a.ts: Shape', 'src/a.ts: dead', 'src/a.ts: ownOnly']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('knip.json holds the check: src/ entries are the bin and the CLI script only, nothing ignored', () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'knip.json'), 'utf8')) as Record<string, unknown>;
    // The build's two entries (scripts/build.mjs); any other src/ entry would hide its exports from the check.
    expect((config.entry as string[]).filter((e) => e.startsWith('src/'))).toEqual(['src/cli/bin.ts', 'src/cli/run.ts']);
    // An export used only in its own file counts as unused (its `export` goes).
    expect(config.ignoreExportsUsedInFile).toBe(false);
    expect(Object.keys(config).filter((k) => /^ignore/.test(k) && k !== 'ignoreExportsUsedInFile')).toEqual([]);
    // knip skips exports tagged @public: none in src/ (an exception goes in ALLOWED, with its reason).
    expect(walk(join(ROOT, 'src')).filter((f) => /@public\b/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('every export of src/ is imported by another module (src/, test/, bench/ or scripts/)', async () => {
    const found = (await unusedExports(ROOT)).filter((line) => line.startsWith('src/'));
    expect(found.filter((line) => !(line in ALLOWED))).toEqual([]);
    // The exceptions stay honest: each is still an export nothing imports.
    expect(Object.keys(ALLOWED).filter((line) => !found.includes(line))).toEqual([]);
  }, 120_000);
});
