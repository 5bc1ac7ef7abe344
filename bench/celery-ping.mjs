#!/usr/bin/env node
// Celery ping: the celery probe (broker control channel, stops at the expected
// replies) against `celery inspect ping` (always waits its whole timeout).
// Needs a broker with live workers, both given from outside (never started here):
//   BROKER_URL=redis://127.0.0.1:PORT/1 [MIN_WORKERS=1] [CELERY_CMD="celery -A tasks"] [CELERY_CWD=dir] node bench/celery-ping.mjs
// Prints medians over ROUNDS (default 7) after one warm-up. Loopback brokers only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const broker = process.env.BROKER_URL;
if (!broker || !/^rediss?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(broker)) {
  console.error('bench/celery-ping: set BROKER_URL to a loopback redis:// broker with workers running (see the header)');
  process.exit(2);
}
const rounds = Number(process.env.ROUNDS ?? 7);
const minWorkers = process.env.MIN_WORKERS ?? '1';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'dw-celery-bench-'));
try {
  const out = join(work, 'celery.mjs');
  await build({ entryPoints: [join(root, 'src/probes/celery.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }, logLevel: 'silent' });
  const { probe } = await import(pathToFileURL(out).href);
  const ping = async () => {
    const t = performance.now();
    const r = await probe({ url: broker, min_workers: Number(minWorkers), exchange: 'celery' }, { signal: new AbortController().signal, deadline: Date.now() + 5000, vars: {} });
    if (r.status !== 'pass') throw new Error(`celery probe: ${r.status}: ${r.summary}`);
    return performance.now() - t;
  };
  await ping();
  const probeMs = [];
  for (let i = 0; i < rounds; i++) probeMs.push(await ping());
  console.log(`celery probe (in process, min_workers=${minWorkers}): median ${median(probeMs).toFixed(1)} ms  [${Math.min(...probeMs).toFixed(1)} – ${Math.max(...probeMs).toFixed(1)}] n=${rounds}`);
  if (process.env.CELERY_CMD) {
    const [cmd, ...args] = process.env.CELERY_CMD.split(' ');
    const run = () => {
      const t = performance.now();
      execFileSync(cmd, [...args, 'inspect', 'ping'], { cwd: process.env.CELERY_CWD, env: { ...process.env, BROKER: broker }, stdio: 'pipe' });
      return performance.now() - t;
    };
    const version = () => {
      const t = performance.now();
      execFileSync(cmd, ['--version'], { cwd: process.env.CELERY_CWD, stdio: 'pipe' });
      return performance.now() - t;
    };
    run();
    const celeryMs = [];
    const startMs = [];
    for (let i = 0; i < rounds; i++) {
      celeryMs.push(run());
      startMs.push(version());
    }
    console.log(`celery inspect ping (process): median ${median(celeryMs).toFixed(0)} ms  [${Math.min(...celeryMs).toFixed(0)} – ${Math.max(...celeryMs).toFixed(0)}] n=${rounds}`);
    console.log(`celery --version (start-up floor): median ${median(startMs).toFixed(0)} ms`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
