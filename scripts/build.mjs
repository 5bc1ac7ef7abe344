// Bundles the CLI into dist/ as a production build: one entry plus lazily loaded
// chunks (probe libraries load only when a probe runs). See DESIGN.md for why.
import { build } from 'esbuild';
import { rmSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
mkdirSync(`${root}dist`, { recursive: true });
const stub = `${root}scripts/stub-devtools.mjs`;
const { version } = JSON.parse((await import('node:fs')).readFileSync(`${root}package.json`, 'utf8'));

await build({
  absWorkingDir: root,
  entryPoints: { 'deploy-wizard': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(version) },
  alias: { 'react-devtools-core': stub },
  // CJS dependencies (pg, ioredis) call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
// The entry needs a shebang to run as `npx deploy-wizard`. The `--` stops Node 20
// from reading our own --env-file option as its own (it scans the whole argv).
// A 2 MB young generation (default 16 MB): the wizard makes many short-lived
// objects per key and probe; collecting them sooner keeps its peak RSS ~20 MB
// lower (npm run bench, memory rows) at no measurable cost in key latency.
const { readFileSync } = await import('node:fs');
const entry = `${root}dist/deploy-wizard.js`;
writeFileSync(entry, '#!/usr/bin/env -S node --max-semi-space-size=2 --\n' + readFileSync(entry, 'utf8'));
chmodSync(entry, 0o755);
