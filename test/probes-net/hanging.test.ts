/**
 * Every network kind against a peer that accepts and never answers: the
 * deadline ends each (the peer never would) with a timeout summary, and no
 * socket is left open on the peer. How close to the deadline (within +10%) is
 * measured in npm run bench, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Probe } from '../../src/probes/types.js';
import { KINDS, checkParams } from '../../src/probes/registry.js';
import { ctxFor, startHanging, waitFor, type Local } from './helpers/local.js';

let peer: Local;
beforeAll(async () => {
  peer = await startHanging();
  // Load undici once up front: its first import under vitest's transform costs ~0.4 s,
  // which is start-up, not the hang behaviour measured here.
  await import('undici');
});
afterAll(() => peer.close());

/** 500 ms for http as the issue asks; 1 s for the rest, so a loaded CI box keeps some slack. */
const deadlineFor = (kind: string) => (kind === 'http' ? 500 : 1000);
const cases: [string, (base: string, port: number) => Record<string, string>][] = [
  ['http', (b) => ({ url: `${b}/health/` })],
  ['tls', (_b, port) => ({ host: '127.0.0.1', port: String(port) })],
  ['tcp', (_b, port) => ({ host: '127.0.0.1', port: String(port), expect: 'closed' })],
  ['security', (b) => ({ url: `${b}/`, bogus_host: 'true' })],
  ['rate-limit', (b) => ({ url: `${b}/`, burst: '50' })],
  ['baseline', (b) => ({ url: `${b}/`, requests: '10' })],
  ['prometheus', (b) => ({ url: b, query: 'up', max: '1' })],
  ['twilio', (b) => ({ account_sid: 'AC' + 'a'.repeat(32), auth_token: 'x'.repeat(32), api_base: b })],
  ['webhook-signature', (b) => ({ url: `${b}/twilio/voice/`, auth_token: 'x'.repeat(32) })],
];

describe('network probes against a hanging peer', () => {
  it.each(cases)('%s is ended by its deadline and leaves no socket', async (kind, params) => {
    const checked = checkParams(kind, params(peer.url, peer.port), true);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    const probe = (await KINDS[kind].load()) as Probe;
    const before = peer.hits();
    const t0 = performance.now();
    const r = await probe(checked.params, ctxFor(deadlineFor(kind)));
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(10_000);
    expect(peer.hits()).toBeGreaterThan(before);
    if (kind === 'tcp') {
      // expect=closed on loopback: reachable from this host, which says nothing about the internet.
      expect(r).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
      expect(r.summary).toContain('accepts connections from this host');
    } else {
      expect(r).toMatchObject({ status: 'error', reason: 'timeout' });
      expect(r.summary).toMatch(/no (answer|verdict) within \d+ ms/);
    }
    expect(await waitFor(() => peer.open() === 0, 10_000)).toBe(true);
  });
});
