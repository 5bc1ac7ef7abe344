/**
 * One-off measurement (not a test): median time to parse and validate the
 * shipped checklist after warm-up, as wall time and as CPU time (the latter
 * holds steady when the machine is busy). Run:
 *
 *   npx esbuild test/checklist/bench-parse.ts --bundle --platform=node --format=esm --outfile=.tmp/bench-parse.mjs && node .tmp/bench-parse.mjs
 */
import { readFileSync } from 'node:fs';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';

// Run from the repository root (the bundle's own URL is elsewhere).
const text = readFileSync('checklists/django-twilio-call.md', 'utf8');
const WARMUP = 100;
const RUNS = 500;
for (let i = 0; i < WARMUP; i++) parseChecklist(text, 'checklist.md', validateProbe);
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  parseChecklist(text, 'checklist.md', validateProbe);
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(2);
console.log(`parse + validate of the shipped checklist: median ${median(wall)} ms wall, ${median(cpu)} ms CPU (${RUNS} runs after ${WARMUP} warm-up)`);
