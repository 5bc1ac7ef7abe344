// Bundles the CLI into dist/ as a production build of two files:
// - dist/deploy-wizard.js, the bin: a few lines that load the CLI through V8's
//   code cache (src/cli/code-cache.ts);
// - dist/cli.js, the CLI as one classic script `(async function (require, url, build) {…})`
//   so it can be compiled with vm.Script and cached data. Libraries that only
//   probes use (pg, ioredis, undici, execa) sit in lazily initialised modules:
//   V8 compiles a function when it first runs, so they cost nothing until a
//   probe runs. See the README's performance section for why.
//
// The bundle carries every library it runs: the published package has no runtime
// dependencies (package.json), so the build fails if the CLI would still load a
// package at run time, and writes THIRD-PARTY-NOTICES.md with the license of
// every package whose code went into dist/.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import ts from 'typescript';
import { writeNotices } from './notices.mjs';
import { assertPinned, pinOf } from './pins.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
mkdirSync(`${root}dist`, { recursive: true });
const stub = `${root}scripts/stub-devtools.mjs`;
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const builtins = new Set(builtinModules);
const isBuiltin = (path) => path.startsWith('node:') || builtins.has(path);

const ABSENT = ['pg-native', 'supports-color', 'bufferutil', 'utf-8-validate'];
const absent = {
  name: 'absent-optional-modules',
  setup(b) {
    const filter = new RegExp(`^(${ABSENT.join('|')})$`);
    // chalk 4 (sparkly's, the watch screen's sparklines) needs supports-color; debug only tries it.
    b.onResolve({ filter }, (args) => (args.path === 'supports-color' && /[\\/]chalk[\\/]/.test(args.importer) ? undefined : { path: args.path, namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}' (optional, not bundled)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

/**
 * Ink's string-width (pinned: scripts/pins.mjs) is bundled behind the fast path of
 * scripts/fast-string-width.mjs, which answers what it would for texts whose
 * characters cannot join into clusters (wrap-ansi's older copy is left as is).
 */
const fastWidth = {
  name: 'fast-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.namespace === 'fast-width') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, namespace: 'fast-width' });
      if (real.errors.length) return { errors: real.errors };
      const pkg = JSON.parse(readFileSync(join(dirname(real.path), 'package.json'), 'utf8'));
      // Ink's copy (the pinned major) gets the fast path, exactly the pinned version and text or
      // no build; wrap-ansi's older major is left as is.
      const pin = pinOf('string-width');
      if (pkg.version.split('.')[0] !== pin.version.split('.')[0]) return { path: real.path };
      assertPinned(pin, dirname(real.path));
      return { path: real.path, namespace: 'fast-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'fast-width' }, (args) => ({
      contents: [
        `import real from ${JSON.stringify(args.path)};`,
        `import stripAnsi from 'strip-ansi';`,
        `import { eastAsianWidth } from 'get-east-asian-width';`,
        `import { fastStringWidth } from ${JSON.stringify(`${root}scripts/fast-string-width.mjs`)};`,
        'export default fastStringWidth(real, stripAnsi, eastAsianWidth);',
      ].join('\n'),
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * Ink's ANSI tokenizer (@alcalzone/ansi-tokenize, pinned: scripts/pins.mjs) is bundled with its
 * `tokenize` behind the fast path of scripts/fast-ansi-tokenize.mjs, which gives
 * the same tokens for lines of simple characters and SGR or link codes; the
 * package's other exports are its own.
 */
const fastTokenizer = {
  name: 'fast-ansi-tokenize',
  setup(b) {
    b.onResolve({ filter: /^@alcalzone\/ansi-tokenize$/ }, async (args) => {
      if (args.namespace === 'fast-tokenize') return undefined;
      const options = { resolveDir: args.resolveDir, kind: args.kind, namespace: 'fast-tokenize' };
      const real = await b.resolve(args.path, options);
      if (real.errors.length) return { errors: real.errors };
      const manifest = await b.resolve(`${args.path}/package.json`, options);
      if (manifest.errors.length) return { errors: manifest.errors };
      assertPinned(pinOf(args.path), dirname(manifest.path));
      return { path: real.path, namespace: 'fast-tokenize' };
    });
    b.onLoad({ filter: /.*/, namespace: 'fast-tokenize' }, (args) => ({
      contents: [
        `import { tokenize as real } from ${JSON.stringify(args.path)};`,
        `import isFullwidthCodePoint from 'is-fullwidth-code-point';`,
        `import { fastTokenize } from ${JSON.stringify(`${root}scripts/fast-ansi-tokenize.mjs`)};`,
        `export * from ${JSON.stringify(args.path)};`,
        'export const tokenize = fastTokenize(real, isFullwidthCodePoint);',
      ].join('\n'),
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * esbuild writes strings and templates in ASCII but leaves regular expression
 * literals as written (two hold `…` and `—`). The same characters as \u escapes
 * mean the same in a regular expression, with or without the u flag; anything
 * else non-ASCII is left alone (the bin then reads the script as UTF-8).
 */
function asciiRegexes(text) {
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  const file = ts.createSourceFile('cli.js', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const spans = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && /[^\x00-\x7f]/.test(node.text)) spans.push([node.getStart(file), node.end]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = text;
  for (const [start, end] of spans.reverse()) {
    const escaped = out.slice(start, end).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    out = out.slice(0, start) + escaped + out.slice(end);
  }
  return out;
}

/**
 * The probes' undici (bundled) checks cookie arguments against its own Headers
 * and against `globalThis.Headers`, read when the module loads. That global is
 * Node's lazy getter for its internal copy of undici: reading it loads the
 * whole second HTTP client, +9 MB of peak RSS on Node 20, +17 MB on Node 24,
 * ~35 ms, the first time a probe makes an HTTP request (README, Performance).
 * Our cookie helpers are never handed Node's Headers, so the check keeps only
 * undici's own class (undici pinned: scripts/pins.mjs). test/startup/undici-internal.test.ts checks that a run
 * with HTTP probes never loads Node's copy; an undici whose file no longer
 * reads so stops the build here, to be looked at again.
 */
const ownHeaders = {
  name: 'undici-own-headers',
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]web[\\/]cookies[\\/]index\.js$/ }, (args) => {
      assertPinned(pinOf('undici'), join(dirname(args.path), '..', '..', '..'));
      const text = readFileSync(args.path, 'utf8');
      const read = '[Headers, globalThis.Headers].filter(Boolean)';
      if (!text.includes(read)) throw new Error(`build: ${args.path} no longer reads ${read}; see the undici-own-headers plugin in scripts/build.mjs`);
      return { contents: text.replace(read, '[Headers]'), loader: 'js' };
    });
  },
};

/**
 * A script has no import statements: Node's built-ins become small modules that
 * call the `require` the bin passes in, and esbuild turns import() into require.
 */
const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => (isBuiltin(args.path) ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = __dw_require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};


const cli = await build({
  ...common,
  entryPoints: ['src/cli/run.ts'],
  write: false,
  outfile: 'dist/cli.js',
  supported: { 'dynamic-import': false },
  // __BUILD_HASH__: the script's hash, passed in by the bin (it keys the caches of parse results).
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(version), 'import.meta.url': '__dw_url', __BUILD_HASH__: '__dw_build' },
  alias: { 'react-devtools-core': stub },
  plugins: [absent, builtinsAsRequire, ownHeaders, fastWidth, fastTokenizer],
  // esbuild's own require shim (for CJS code that requires dynamically) uses this.
  banner: { js: 'const require=__dw_require;' },
});
const script = `(async function (__dw_require, __dw_url, __dw_build) {"use strict";\n${asciiRegexes(cli.outputFiles[0].text)}\n})`;
new Script(script, { filename: 'dist/cli.js' }); // a syntax error here, not at a user's start
writeFileSync(`${root}dist/cli.js`, script);
// The bin keys the code cache by this hash (computing it at each start would cost ~5 ms).
const cliHash = createHash('sha256').update(script).digest('hex').slice(0, 16);
// An ASCII script is read as latin1: Node then hands V8 the file's bytes as an external
// string, without decoding 1.8 MB of UTF-8 at each start (README, Performance).
const cliEncoding = /^[\x00-\x7f]*$/.test(script) ? 'latin1' : 'utf8';
// The bin is CommonJS (dist/package.json says so): an ES module entry makes Node load its
// ES module loader first, 3–8 ms of start-up (README, Performance).
const bin = await build({ ...common, format: 'cjs', entryPoints: ['src/cli/bin.ts'], outfile: 'dist/deploy-wizard.js', define: { __CLI_HASH__: JSON.stringify(cliHash), __CLI_ENCODING__: JSON.stringify(cliEncoding) } });
writeFileSync(`${root}dist/package.json`, JSON.stringify({ type: 'commonjs' }) + '\n');

// Nothing in dist/ may load a package at run time: only Node's built-ins stay external.
const external = new Set();
for (const result of [bin, cli]) {
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports) if (imp.external && !isBuiltin(imp.path)) external.add(imp.path);
  }
}
if (external.size) {
  process.stderr.write(`build: dist/ would import ${[...external].join(', ')} at run time; bundle it (or add it to ABSENT in scripts/build.mjs)\n`);
  process.exit(1);
}

writeNotices(root, cli.metafile, `${root}THIRD-PARTY-NOTICES.md`);

// The entry needs a shebang to run as `npx deploy-wizard`. The `--` stops Node 20
// from reading our own --env-file option as its own (it scans the whole argv).
// A 2 MB young generation (default 16 MB): the wizard makes many short-lived
// objects per key and probe; collecting them sooner keeps its peak RSS ~20 MB
// lower (npm run bench, memory rows) at no measurable cost in key latency.
// A 256 MB old generation: V8 sizes the old generation's first collection from
// the maximum heap (a share of the machine's memory), so garbage piled up to
// ~175 MB over the full walk before anything was collected; the walk's live
// heap stays under 64 MB and a 10,000-item checklist starts with 28 MB used.
// V8 reads both when it creates the heap; the bin then sets them back to their
// defaults (src/cli/launch.ts), or on Node 20 and 22 V8's changed flag hash
// would reject the code cache of every built-in module (~30 ms of the first frame).
const entry = `${root}dist/deploy-wizard.js`;
// MALLOC_ARENA_MAX=1: one glibc malloc arena for all of Node's threads (peak RSS);
// DW_ARENA carries the person's own value, which the bin gives back to child processes.
// The line stays under 128 bytes, the limit of kernels before 5.1.
const shebang = '#!/usr/bin/env -S DW_ARENA=${MALLOC_ARENA_MAX} MALLOC_ARENA_MAX=1 node --max-semi-space-size=2 --max-old-space-size=256 --';
if (shebang.length >= 128) throw new Error(`build: the shebang is ${shebang.length} bytes; kernels before 5.1 cut it at 128`);
writeFileSync(entry, shebang + '\n' + readFileSync(entry, 'utf8'));
chmodSync(entry, 0o755);
