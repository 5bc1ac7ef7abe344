import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/redis.js';
import * as schemas from '../helpers/schemas.js';
import { ctxWith } from './helpers.js';

/** Something else listening where Redis was expected: an HTTP server, and a server that sends an HTML page. */
let http: HttpServer;
let html: Server;
const portOf = (s: { address(): AddressInfo | string | null }) => (s.address() as AddressInfo).port;
const listen = (s: HttpServer | Server) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
const close = (s: HttpServer | Server) => new Promise<void>((r) => s.close(() => r()));

beforeAll(async () => {
  http = createHttpServer((_req, res) => res.end('ok'));
  html = createTcpServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end('<!DOCTYPE html><html><body>400</body></html>'));
  });
  await Promise.all([listen(http), listen(html)]);
});
afterAll(async () => {
  http.closeAllConnections();
  await Promise.all([close(http), close(html)]);
});

describe('redis probe that reaches a server that is not Redis', () => {
  it('an HTTP server: one line saying so, not ioredis\'s "Please report this."', async () => {
    const port = portOf(http);
    for (const url of [`redis://127.0.0.1:${port}/0`, `redis://:s3cret-pass@127.0.0.1:${port}/0`]) {
      const r = await probe(schemas.redis.parse({ url }), ctxWith(3000));
      expect(r.status).toBe('error');
      expect(r.summary).toBe(`not a Redis server at 127.0.0.1:${port} (it answered like HTTP): check the host and port in the URL`);
      expect(r.evidence).toEqual([`target: 127.0.0.1:${port}`, 'reply starts with "H" (a Redis reply starts with +, -, :, $ or *)']);
      expect(JSON.stringify(r)).not.toMatch(/report this|s3cret-pass/i);
    }
  });

  it('a server that answers with an HTML page is taken for HTTP too', async () => {
    const port = portOf(html);
    const r = await probe(schemas.redis.parse({ url: `redis://127.0.0.1:${port}/0` }), ctxWith(3000));
    expect(r.summary).toBe(`not a Redis server at 127.0.0.1:${port} (it answered like HTTP): check the host and port in the URL`);
  });
});
