import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../src/checklist/types.js';
import { runProbes } from '../../src/probes/runner.js';
import { eventually, runCli, silentServer, workdir } from './helpers.js';

// A TCP server that accepts and never answers, posing as HTTP, PostgreSQL and
// Redis: the deadline must end every probe (the peer never would) with a timeout
// summary, and close its socket. How close to the deadline is measured in npm run bench.
const DEADLINE = 600;
const TIMEOUT_SUMMARY = /no answer|timed? ?out|within \d+ ms/i;
let peer: Awaited<ReturnType<typeof silentServer>>;
beforeAll(async () => {
  peer = await silentServer();
});
afterAll(async () => {
  await peer.close();
});

const specs = (port: number): Record<string, ProbeSpec> => ({
  http: { kind: 'http', params: { url: `http://127.0.0.1:${port}/health/` }, raw: `http url=http://127.0.0.1:${port}/health/`, line: 1, timeoutMs: DEADLINE },
  postgres: {
    kind: 'postgres',
    params: { host: '127.0.0.1', port: String(port), user: 'app', password: '${DB_PASSWORD}', database: 'app' },
    raw: 'postgres …',
    line: 2,
    timeoutMs: DEADLINE,
  },
  redis: { kind: 'redis', params: { url: `redis://:\${REDIS_PASSWORD}@127.0.0.1:${port}/0` }, raw: 'redis …', line: 3, timeoutMs: DEADLINE },
});

describe('hanging peers', () => {
  it('in process: http, postgres and redis are each ended by their deadline and close their socket', async () => {
    const before = peer.accepted();
    const jobs = Object.entries(specs(peer.port)).map(([kind, spec]) => ({ itemId: kind, spec }));
    const ends: number[] = [];
    let firstStart = 0;
    const results = await runProbes(jobs, {
      vars: { DB_PASSWORD: 'pw-hang-1', REDIS_PASSWORD: 'pw-hang-2' },
      onStart: () => (firstStart ||= Date.now()),
      onResult: () => ends.push(Date.now()),
    });
    // From the first probe's start to the last result (library loading happens before, once).
    expect(Math.max(...ends) - firstStart).toBeLessThan(8000);
    for (const r of results) {
      expect(r.status, `${r.kind}: ${r.summary}`).toBe('error');
      expect(r.summary, r.kind).toMatch(TIMEOUT_SUMMARY);
      expect(r.durationMs, r.kind).toBeLessThan(8000);
    }
    // Each probe really connected to the hung peer, and none kept its socket.
    expect(peer.accepted() - before).toBeGreaterThanOrEqual(3);
    await eventually(() => peer.open() === 0, 10_000);
    expect(peer.openPeers()).toEqual([]);
  });

  it('end to end through check: timeout summaries, exit 1, and the process exits (nothing left open)', async () => {
    const p = peer.port;
    const cwd = workdir({
      'cl.md': `# Hung\n\n## Peers\n- [ ] App answers\n  <!-- probe: http url=http://127.0.0.1:${p}/health/ timeout=${DEADLINE}ms -->\n- [ ] Database answers\n  <!-- probe: postgres host=127.0.0.1 port=${p} user=app password=\${DB_PASSWORD} database=app timeout=${DEADLINE}ms -->\n- [ ] Cache answers\n  <!-- probe: redis url=redis://:\${REDIS_PASSWORD}@127.0.0.1:${p}/0 timeout=${DEADLINE}ms -->\n`,
    });
    const r = await runCli(['check', '--checklist', 'cl.md', '--format', 'json'], { cwd, env: { DB_PASSWORD: 'pw-hang-3', REDIS_PASSWORD: 'pw-hang-4' } });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { kind: string }) => x.kind)).toEqual(['http', 'postgres', 'redis']);
    for (const x of doc.results) {
      expect(x.status, `${x.kind}: ${x.summary}`).toBe('error');
      expect(x.summary).toMatch(TIMEOUT_SUMMARY);
      expect(x.durationMs).toBeLessThan(8000);
    }
    expect(doc.summary).toMatchObject({ errors: 3, ok: false });
    // A socket or timer left behind would keep the process alive while the peer stays silent.
    // Below the 10 s default deadline and undici's 10 s timers: only a clean exit ends it this soon.
    expect(r.ms).toBeLessThan(9000);
    expect(await eventually(() => peer.open() === 0, 10_000)).toBe(true);
  });
});
