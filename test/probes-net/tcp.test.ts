import { describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/tcp.js';
import * as schemas from '../../src/probes/schemas.js';
import { closedPort, ctxFor, startHanging, waitFor } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.tcp.parse(raw);

describe('tcp probe', () => {
  it('passes an open port and closes its socket', async () => {
    const srv = await startHanging();
    try {
      const r = await probe(p({ host: '127.0.0.1', port: String(srv.port) }), ctxFor(2000));
      expect(r.status).toBe('pass');
      expect(r.summary).toMatch(new RegExp(`^127\\.0\\.0\\.1:${srv.port} accepts connections \\(\\d+ ms\\)$`));
      expect(await waitFor(() => srv.open() === 0, 1000)).toBe(true);
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

  it('expect=closed: passes when refused, fails when it connects', async () => {
    const port = await closedPort();
    const closed = await probe(p({ host: '127.0.0.1', port: String(port), expect: 'closed' }), ctxFor(2000));
    expect(closed.status).toBe('pass');
    expect(closed.summary).toBe(`127.0.0.1:${port} not reachable (connection refused on 127.0.0.1:${port})`);
    const srv = await startHanging();
    try {
      const open = await probe(p({ host: '127.0.0.1', port: String(srv.port), expect: 'closed' }), ctxFor(2000));
      expect(open.status).toBe('fail');
      expect(open.summary).toBe(`127.0.0.1:${srv.port} accepts connections but must not be reachable`);
    } finally {
      await srv.close();
    }
  });

  it('errors on a cancel before connecting', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await probe(p({ host: '127.0.0.1', port: '9' }), ctxFor(2000, {}, ac.signal));
    expect(r.status).toBe('error');
    expect(r.summary).toBe('TCP 127.0.0.1:9: cancelled');
  });
});
