/**
 * The API kinds (prometheus-targets, prometheus-rules, alertmanager, grafana,
 * github, registry) against a peer that accepts and never answers: the
 * deadline ends each (the peer never would; how close to it is measured in
 * npm run bench) with a timeout summary and leaves no socket open;
 * against a dead port: an error naming the refused connection; cancelled: a
 * cancel, not a verdict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Probe } from '../../src/probes/types.js';
import { KINDS, checkParams } from '../../src/probes/registry.js';
import { closedPort, ctxFor, startHanging, waitFor, type Local } from './helpers/local.js';

let peer: Local;
let dead: number;
beforeAll(async () => {
  peer = await startHanging();
  dead = await closedPort();
  await import('undici');
  // The first request of a process builds undici's agent machinery: start-up, not hang behaviour.
  const warm = await probeOf('alertmanager', { url: `http://127.0.0.1:${dead}` });
  await warm.probe(warm.params, ctxFor(3000));
});
afterAll(() => peer.close());

const DEADLINE = 1000;
const cases: [string, (base: string) => Record<string, string>][] = [
  ['prometheus-targets', (b) => ({ url: b, jobs: 'redis' })],
  ['prometheus-rules', (b) => ({ url: b })],
  ['alertmanager', (b) => ({ url: b })],
  ['grafana', (b) => ({ url: b, dashboards: 'Celery Task Monitoring', token: 'glsa_x' })],
  ['github', (b) => ({ repo: 'hmesfin/django-twilio-call', ref: 'abc123', token: 'ghp_x', api_base: b, checks: 'Test Suite' })],
  ['registry', (b) => ({ url: b, image: 'your-org/django-twilio-call', tag: 'v1.0.0' })],
];

async function probeOf(kind: string, raw: Record<string, string>): Promise<{ probe: Probe; params: Record<string, unknown> }> {
  const checked = checkParams(kind, raw, true);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return { probe: (await KINDS[kind].load()) as Probe, params: checked.params };
}

describe('API kinds against a hanging peer, a dead port, and a cancel', () => {
  it.each(cases)('%s is ended by its deadline with a timeout, leaving no socket', async (kind, raw) => {
    const { probe, params } = await probeOf(kind, raw(peer.url));
    const before = peer.hits();
    const t0 = performance.now();
    const r = await probe(params, ctxFor(DEADLINE));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(peer.hits()).toBeGreaterThan(before);
    expect(r).toMatchObject({ status: 'error', reason: 'timeout' });
    expect(r.summary).toMatch(/no answer within \d+ ms/);
    expect(await waitFor(() => peer.open() === 0, 10_000)).toBe(true);
  });

  it.each(cases)('%s against a dead port: an error naming the refused connection', async (kind, raw) => {
    const { probe, params } = await probeOf(kind, raw(`http://127.0.0.1:${dead}`));
    const r = await probe(params, ctxFor(3000));
    expect(r.status).toBe('error');
    expect(r.reason).toBeUndefined();
    expect(r.summary).toContain(`connection refused on 127.0.0.1:${dead}`);
  });

  it.each(cases)('%s cancelled while waiting: skipped, cancelled', async (kind, raw) => {
    const { probe, params } = await probeOf(kind, raw(peer.url));
    const ac = new AbortController();
    const pending = probe(params, ctxFor(10_000, {}, ac.signal));
    setTimeout(() => ac.abort(), 100);
    const r = await pending;
    expect(r).toMatchObject({ status: 'skipped', reason: 'cancelled' });
  });
});
