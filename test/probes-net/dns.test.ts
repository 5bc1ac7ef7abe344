import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/dns.js';
import * as schemas from '../helpers/schemas.js';
import { ctxFor } from './helpers/local.js';
import { startDns, type DnsServer } from './helpers/dns-server.js';

const p = (raw: Record<string, string>) => schemas.dns.parse(raw);

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDns(
    {
      'app.example.test': { A: ['127.0.0.10', '127.0.0.11'], AAAA: ['::1'] },
      'www.example.test': { CNAME: 'app.example.test' },
      'mail.example.test': {},
    },
    ['slow.example.test'],
  );
});
afterAll(() => dns.close());

describe('dns probe against a local UDP responder', () => {
  it('passes an A record matching the expected address', async () => {
    const r = await probe(p({ name: 'app.example.test', expect: '10.0.0.1,127.0.0.11', server: dns.server }), ctxFor(2000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`A app.example.test via ${dns.server} → 127.0.0.10, 127.0.0.11`);
  });

  it('does not send a query for an IP address: inconclusive, there is no name to resolve', async () => {
    const before = dns.queries();
    const r = await probe(p({ name: '127.0.0.1', server: dns.server }), ctxFor(2000));
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
    expect(r.summary).toContain('127.0.0.1 is an IP address, not a DNS name');
    expect(dns.queries()).toBe(before);
  });

  it('localhost is inconclusive (this machine answers it, not public DNS), never NXDOMAIN, and sends no query', async () => {
    const before = dns.queries();
    for (const name of ['localhost', 'LOCALHOST.', 'app.localhost']) {
      const r = await probe(p({ name, server: dns.server }), ctxFor(2000));
      expect(r, name).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
      expect(r.summary).toContain(`${name} is this machine's own name`);
    }
    expect(dns.queries()).toBe(before);
  });

  it('fails when no answer matches the expectation', async () => {
    const r = await probe(p({ name: 'app.example.test', expect: '127.0.0.99', server: dns.server }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('(expected 127.0.0.99)');
  });

  it('resolves AAAA and CNAME records', async () => {
    const six = await probe(p({ name: 'app.example.test', type: 'AAAA', expect: '::1', server: dns.server }), ctxFor(2000));
    expect(six.status).toBe('pass');
    const cname = await probe(p({ name: 'www.example.test', type: 'CNAME', expect: 'app.example.test.', server: dns.server }), ctxFor(2000));
    expect(cname.status).toBe('pass');
    expect(cname.summary).toContain('→ app.example.test');
  });

  it('answers ANY with every record of the name', async () => {
    const r = await probe(p({ name: 'app.example.test', type: 'ANY', expect: '::1', server: dns.server }), ctxFor(2000));
    expect(r.status).toBe('pass');
    expect(r.evidence).toEqual(['ANY 127.0.0.10', 'ANY 127.0.0.11', 'ANY ::1']);
  });

  it('fails on NXDOMAIN and on a missing record type', async () => {
    const nx = await probe(p({ name: 'nope.example.test', server: dns.server }), ctxFor(2000));
    expect(nx.status).toBe('fail');
    expect(nx.summary).toBe(`nope.example.test does not exist (NXDOMAIN) via ${dns.server}`);
    const none = await probe(p({ name: 'mail.example.test', server: dns.server }), ctxFor(2000));
    expect(none.status).toBe('fail');
    expect(none.summary).toBe(`mail.example.test has no A record via ${dns.server}`);
  });

  it('errors within its deadline when the resolver stays silent', async () => {
    const t0 = performance.now();
    const r = await probe(p({ name: 'slow.example.test', server: dns.server }), ctxFor(1000));
    // The resolver never answers this name: the deadline (or the resolver's own timeout) ends the probe.
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/^A slow\.example\.test via 127\.0\.0\.1:\d+: no answer (within 1000 ms|from the resolver)$/);
  });

  it('errors on a resolver address that is not host:port', async () => {
    const r = await probe(p({ name: 'app.example.test', server: 'not a server' }), ctxFor(500));
    expect(r.status).toBe('error');
    expect(r.summary).toContain('resolver "not a server" is not host:port');
  });
});
