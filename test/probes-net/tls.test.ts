import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/tls.js';
import * as schemas from '../helpers/schemas.js';
import { makeTestCa, type Leaf, type TestCa } from '../helpers/certs.js';
import { closedPort, ctxFor, startHanging, waitFor } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.tls.parse(raw);

async function tlsServer(leaf: Leaf, extra: Record<string, unknown> = {}): Promise<{ port: number; server: Server }> {
  const server = createServer({ key: leaf.key, cert: leaf.cert, ...extra }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

let ca: TestCa;
const servers: Record<string, { port: number; server: Server }> = {};
beforeAll(async () => {
  ca = makeTestCa();
  const san = 'DNS:localhost,IP:127.0.0.1';
  servers.valid = await tlsServer(ca.leaf('valid', san, 60));
  servers.expired = await tlsServer(ca.leaf('expired', san, -1));
  servers.wrong = await tlsServer(ca.leaf('wrong', 'DNS:wrong.example', 60));
  servers.soon = await tlsServer(ca.leaf('soon', san, 3));
  servers.tls12 = await tlsServer(ca.leaf('tls12', san, 60), { maxVersion: 'TLSv1.2' });
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => new Promise((r) => s.server.close(r))));
  ca?.cleanup();
});

describe('tls probe with a CA made in the test', () => {
  it('passes a valid, trusted certificate and reports days and protocol', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.valid.port), servername: 'localhost', ca: ca.caFile }), ctxFor(3000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/^certificate for localhost trusted, expires in 59 days, TLSv1\.3$/);
    expect(r.metrics?.days_left).toBe(59);
  });

  it('fails an expired certificate as expired', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.expired.port), servername: 'localhost', ca: ca.caFile }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^certificate for localhost expired/);
  });

  it('fails a wrong-host certificate on the hostname', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.wrong.port), servername: 'localhost', ca: ca.caFile }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^certificate does not match localhost: /);
    expect(r.summary).toContain('wrong.example');
  });

  it('fails an untrusted chain when the CA is not given', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.valid.port), servername: 'localhost' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^certificate chain for localhost is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/);
  });

  it('warns when the certificate expires within min_days', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.soon.port), servername: 'localhost', ca: ca.caFile }), ctxFor(3000));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('certificate for localhost expires in 2 days (renew before 14)');
    const relaxed = await probe(p({ host: '127.0.0.1', port: String(servers.soon.port), servername: 'localhost', ca: ca.caFile, min_days: '1' }), ctxFor(3000));
    expect(relaxed.status).toBe('pass');
  });

  it('fails when the negotiated protocol is below min_version', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.tls12.port), servername: 'localhost', ca: ca.caFile, min_version: 'TLSv1.3' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('localhost negotiated TLSv1.2, below TLSv1.3');
  });

  it('errors, naming the file, when the CA file cannot be read', async () => {
    const r = await probe(p({ host: '127.0.0.1', port: String(servers.valid.port), ca: '/nonexistent/staging-ca.pem' }), ctxFor(2000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe('cannot read CA file /nonexistent/staging-ca.pem (ENOENT)');
  });

  it('errors when nothing listens', async () => {
    const port = await closedPort();
    const r = await probe(p({ host: '127.0.0.1', port: String(port) }), ctxFor(2000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe(`TLS 127.0.0.1:${port}: connection refused on 127.0.0.1:${port}`);
  });

  it('errors on time against a peer that never answers the handshake, leaving no socket', async () => {
    const peer = await startHanging();
    try {
      const t0 = performance.now();
      const r = await probe(p({ host: '127.0.0.1', port: String(peer.port) }), ctxFor(1000));
      // The peer never answers the handshake: only the deadline can end the probe.
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(r.status).toBe('error');
      expect(r.summary).toMatch(new RegExp(`^TLS 127\\.0\\.0\\.1:${peer.port}: no answer within 1000 ms$`));
      expect(await waitFor(() => peer.open() === 0, 10_000)).toBe(true);
    } finally {
      await peer.close();
    }
  });
});
