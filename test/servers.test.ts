import { inject, describe, it, expect } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';

describe('test servers', () => {
  it('PostgreSQL answers on a loopback port that is not the default', async () => {
    const f = inject('servers').pg;
    expect(f.host).toBe('127.0.0.1');
    expect(f.port).not.toBe(5432);
    const client = new pg.Client(f);
    await client.connect();
    const r = await client.query('SELECT 1 AS one');
    await client.end();
    expect(r.rows[0].one).toBe(1);
  });
  it('Redis answers PING with its password on a loopback port that is not the default', async () => {
    const f = inject('servers').redis;
    expect(f.port).not.toBe(6379);
    const r = new Redis({ host: f.host, port: f.port, password: f.password, lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
  });
});
