// Bundles the CLI into dist/ as a production build: a tiny bin (dist/deploy-wizard.js)
// that turns on V8's compile cache and imports the CLI, plus lazily loaded chunks
// (probe libraries load only when a probe runs). See DESIGN.md for why.
//
// The bundle carries every library it runs: the published package has no runtime
// dependencies (package.json), so the build fails if any chunk would still import
// a package at run time, and writes THIRD-PARTY-NOTICES.md with the license of
// every package whose code went into dist/.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeNotices } from './notices.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
mkdirSync(`${root}dist`, { recursive: true });
const stub = `${root}scripts/stub-devtools.mjs`;
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

/**
 * Optional native add-ons and helpers that libraries `require()` inside a
 * try/catch (pg → pg-native, debug → supports-color, ws → bufferutil and
 * utf-8-validate). Left external they would load whatever copy happens to sit in
 * a parent node_modules; bundled as "not installed" every run behaves the same.
 */
const ABSENT = ['pg-native', 'supports-color', 'bufferutil', 'utf-8-validate'];
const absent = {
  name: 'absent-optional-modules',
  setup(b) {
    const filter = new RegExp(`^(${ABSENT.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}' (optional, not bundled)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  // The bin is the entry and imports the CLI, so it runs before the CLI's modules are compiled.
  entryPoints: { 'deploy-wizard': 'src/cli/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(version) },
  alias: { 'react-devtools-core': stub },
  plugins: [absent],
  // CJS dependencies (pg, ioredis) call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});

// Nothing in dist/ may load a package at run time: only Node's built-ins stay external.
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const external = new Set();
for (const out of Object.values(result.metafile.outputs)) {
  for (const imp of out.imports) if (imp.external && !builtins.has(imp.path) && !imp.path.startsWith('node:')) external.add(imp.path);
}
if (external.size) {
  process.stderr.write(`build: dist/ would import ${[...external].join(', ')} at run time; bundle it (or add it to ABSENT in scripts/build.mjs)\n`);
  process.exit(1);
}

writeNotices(root, result.metafile, `${root}THIRD-PARTY-NOTICES.md`);

// The entry needs a shebang to run as `npx deploy-wizard`. The `--` stops Node 20
// from reading our own --env-file option as its own (it scans the whole argv).
// A 2 MB young generation (default 16 MB): the wizard makes many short-lived
// objects per key and probe; collecting them sooner keeps its peak RSS ~20 MB
// lower (npm run bench, memory rows) at no measurable cost in key latency.
const entry = `${root}dist/deploy-wizard.js`;
writeFileSync(entry, '#!/usr/bin/env -S node --max-semi-space-size=2 --\n' + readFileSync(entry, 'utf8'));
chmodSync(entry, 0o755);
