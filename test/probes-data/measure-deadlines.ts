/**
 * Figures for the data probes (not a test): how long the postgres and redis
 * probes take to give up on a peer that accepts and never answers (500 ms
 * deadline, 20 runs each), whether any socket is left open, and how long a
 * secrets-scan of a folder takes. Run:
 *
 *   npx esbuild test/probes-data/measure-deadlines.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/measure-data.mjs && node node_modules/.cache/measure-data.mjs .
 */
import { createServer, type Socket } from 'node:net';
import { probe as pgProbe } from '../../src/probes/postgres.js';
import { probe as redisProbe } from '../../src/probes/redis.js';
import { probe as scanProbe } from '../../src/probes/secrets-scan.js';
import * as schemas from '../helpers/schemas.js';
import type { ProbeContext, ProbeOutcome } from '../../src/probes/types.js';

const ctx = (ms: number): ProbeContext => ({ signal: AbortSignal.timeout(ms), deadline: Date.now() + ms, vars: {} });
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const sockets = new Set<Socket>();
const server = createServer((s) => {
  sockets.add(s);
  s.resume();
  s.on('error', () => {});
  s.on('close', () => sockets.delete(s));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;

// Load the libraries first, as the runner does, so the figures are the probes' own.
await Promise.all([import('pg'), import('ioredis'), import('execa')]);

const kinds: [string, () => Promise<ProbeOutcome>][] = [
  ['postgres', () => pgProbe(schemas.postgres.parse({ host: '127.0.0.1', port, user: 'app', password: 'pw' }), ctx(500))],
  ['redis', () => redisProbe(schemas.redis.parse({ url: `redis://:pw@127.0.0.1:${port}/0` }), ctx(500))],
];
for (const [name, run] of kinds) {
  const times: number[] = [];
  let leftOpen = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const r = await run();
    times.push(performance.now() - t0);
    if (r.status !== 'error') throw new Error(`${name}: expected error, got ${r.status}: ${r.summary}`);
    await new Promise((res) => setTimeout(res, 50));
    leftOpen += sockets.size;
  }
  console.log(`${name}: hung peer, 500 ms deadline, 20 runs: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms, sockets still open 50 ms later: ${leftOpen}`);
}
server.close();

const folder = process.argv[2] ?? '.';
const scans: number[] = [];
let last: ProbeOutcome | undefined;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  last = await scanProbe(schemas.secretsScan.parse({ path: folder }), ctx(30_000));
  scans.push(performance.now() - t0);
}
console.log(`secrets-scan ${folder}: median ${median(scans).toFixed(0)} ms over 5 runs; ${last?.summary}; ${JSON.stringify(last?.metrics)}`);
