/**
 * Figure (not a test): exports of src/, and those no other module uses
 * (./export-graph.ts, the rule test/architecture/exports.test.ts holds). Run:
 *   npx esbuild test/architecture/exports-figure.ts --bundle --platform=node --format=esm --packages=external --outfile=.tmp/exports-figure.mjs && node .tmp/exports-figure.mjs [ROOT] [--list] [--only-src]
 * --only-src: users in src/ alone (what is left is used by tests or bench only).
 * ROOT: a checkout of the project (default: the current folder), e.g. an older commit's `git archive` beside its node_modules.
 */
import { exportGraph } from './export-graph.js';

const root = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? process.cwd();
const t0 = performance.now();
const graph = exportGraph(root, { onlySrc: process.argv.includes('--only-src') });
console.log(`exports of src/: ${graph.exports.length}; used by no other module${process.argv.includes('--only-src') ? ' of src/' : ''}: ${graph.unused.length} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
if (process.argv.includes('--list')) console.log(graph.unused.join('\n'));
