import { describe, expect, it } from 'vitest';
import { isThisHost, probe } from '../../src/probes/tcp.js';
import * as schemas from '../helpers/schemas.js';
import { closedPort, ctxFor, startHanging, waitFor } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.tcp.parse(raw);

describe('tcp probe', () => {
  it('passes an open port and closes its socket', async () => {
    const srv = await startHanging();
    try {
      const r = await probe(p({ host: '127.0.0.1', port: String(srv.port) }), ctxFor(2000));
      expect(r.status).toBe('pass');
      expect(r.summary).toMatch(new RegExp(`^127\\.0\\.0\\.1:${srv.port} accepts connections \\(\\d+ ms\\)$`));
      expect(await waitFor(() => srv.open() === 0, 10_000)).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('fails a refused port when it should be open', async () => {
    const port = await closedPort();
    const r = await probe(p({ host: '127.0.0.1', port: String(port) }), ctxFor(2000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`127.0.0.1:${port} not open: connection refused on 127.0.0.1:${port}`);
  });

  // Exposure of a port of this very host cannot be judged from here: what loopback
  // (or the host's own address) sees says nothing about the internet.
  it('expect=closed on this host is inconclusive (cannot judge here), open or refused, saying what it saw', async () => {
    const port = await closedPort();
    const closed = await probe(p({ host: '127.0.0.1', port: String(port), expect: 'closed' }), ctxFor(2000));
    expect(closed).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
    expect(closed.summary).toBe(
      `127.0.0.1:${port} is not reachable (connection refused on 127.0.0.1:${port}) from this host, and the target is this host (127.0.0.1): exposure to the internet cannot be judged from here (run the check from another host)`,
    );
    const srv = await startHanging();
    try {
      const open = await probe(p({ host: 'localhost', port: String(srv.port), expect: 'closed' }), ctxFor(2000));
      expect(open).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
      expect(open.summary).toMatch(new RegExp(`^localhost:${srv.port} accepts connections from this host, and the target is this host \\(`));
      expect(open.evidence[0]).toMatch(/^connected to /);
    } finally {
      await srv.close();
    }
  });

  it('knows this host: loopback, the unspecified address and its own interface addresses; not others', () => {
    const local = ['10.1.2.3', 'fe80::1%eth0', '::ffff:192.168.0.7'];
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0.0.0.0', '10.1.2.3', 'fe80::1', '192.168.0.7']) expect(isThisHost(a, local), a).toBe(true);
    for (const a of ['10.1.2.4', '203.0.113.5', '2001:db8::1', '::ffff:10.9.9.9']) expect(isThisHost(a, local), a).toBe(false);
  });

  it('a cancel before connecting is skipped with reason cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await probe(p({ host: '127.0.0.1', port: '9' }), ctxFor(2000, {}, ac.signal));
    expect(r).toMatchObject({ status: 'skipped', reason: 'cancelled', summary: 'cancelled' });
  });
});
