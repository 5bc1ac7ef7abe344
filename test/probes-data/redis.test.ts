import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { probe, compareVersions, formatBytes, redisChecks, type RedisFacts } from '../../src/probes/redis.js';
import * as schemas from '../helpers/schemas.js';
import { freePort, startRedis, type RedisFacts as ServerRedis } from '../helpers/servers.js';
import { ctxWith, eventually, startHangingPeer } from './helpers.js';

const shared = inject('servers').redis;
const params = (raw: Record<string, unknown>) => schemas.redis.parse(raw);
const urlOf = (f: ServerRedis, password = f.password) => `redis://:${encodeURIComponent(password)}@${f.host}:${f.port}/0`;

/** Connections the server has accepted since it started, read on a connection of our own. */
async function connectionsReceived(admin: Redis): Promise<number> {
  const info = await admin.info('stats');
  return Number(/total_connections_received:(\d+)/.exec(info)![1]);
}

describe('redis probe against real servers with requirepass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-redis-probe-'));
  const servers: { facts: ServerRedis; stop: () => Promise<void> }[] = [];
  let aof: ServerRedis, rdb: ServerRedis, capped: ServerRedis, noConfig: ServerRedis, open: ServerRedis;

  beforeAll(async () => {
    const start = async (name: string, args: string[]) => {
      const sub = join(dir, name);
      mkdtempSync(sub);
      const s = await startRedis(mkdtempSync(sub + '-'), args);
      servers.push(s);
      return s.facts;
    };
    [aof, rdb, capped, noConfig, open] = await Promise.all([
      start('aof', ['--appendonly', 'yes']),
      start('rdb', ['--save', '3600 1 300 100']),
      start('capped', ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lru']),
      start('noconfig', ['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', '']),
      start('open', ['--requirepass', '']),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers PING on the shared server and reports its version', async () => {
    const r = await probe(params({ url: urlOf(shared), min_version: '6.2' }), ctxWith(5000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/^Redis (\d+\.\d+\.\d+) at 127\.0\.0\.1:\d+ answers PING; version \1 ≥ 6\.2$/);
    expect(r.evidence[0]).toMatch(/PING → PONG$/);
    const old = await probe(params({ url: urlOf(shared), min_version: '99.1' }), ctxWith(5000));
    expect(old.status).toBe('fail');
    expect(old.summary).toMatch(/^Redis \S+ is older than 99\.1$/);
  });

  it('tells persistence off from AOF on and from RDB save points', async () => {
    const off = await probe(params({ url: urlOf(shared), persistence: 'true' }), ctxWith(5000));
    expect(off.status).toBe('fail');
    expect(off.summary).toBe('persistence is off (no RDB save points, AOF disabled)');
    expect(off.metrics).toMatchObject({ aof_enabled: 0, rdb_enabled: 0 });

    const withAof = await probe(params({ url: urlOf(aof), persistence: 'true' }), ctxWith(5000));
    expect(withAof.status).toBe('pass');
    expect(withAof.summary).toContain('persistence on (AOF)');
    expect(withAof.evidence.join('\n')).toContain('AOF on (last write ok)');

    const withRdb = await probe(params({ url: urlOf(rdb), persistence: 'true' }), ctxWith(5000));
    expect(withRdb.status).toBe('pass');
    expect(withRdb.summary).toContain('persistence on (RDB)');
    expect(withRdb.evidence.join('\n')).toContain('save "3600 1 300 100"');
  });

  it('tells maxmemory unset from set, and checks the eviction policy', async () => {
    const unset = await probe(params({ url: urlOf(shared), maxmemory: 'true', policy: 'allkeys-lru' }), ctxWith(5000));
    expect(unset.status).toBe('fail');
    expect(unset.summary).toBe('maxmemory is not set (0 = unlimited); maxmemory-policy is noeviction, expected allkeys-lru');

    const set = await probe(params({ url: urlOf(capped), maxmemory: 'true', policy: 'allkeys-lru' }), ctxWith(5000));
    expect(set.status).toBe('pass');
    expect(set.summary).toContain('maxmemory 100mb');
    expect(set.summary).toContain('maxmemory-policy allkeys-lru');
    expect(set.metrics?.maxmemory).toBe(100 * 1024 * 1024);

    const wrongPolicy = await probe(params({ url: urlOf(capped), policy: 'volatile-ttl' }), ctxWith(5000));
    expect(wrongPolicy.status).toBe('fail');
    expect(wrongPolicy.summary).toBe('maxmemory-policy is allkeys-lru, expected volatile-ttl');
  });

  it('falls back to INFO memory when CONFIG is renamed away', async () => {
    const r = await probe(params({ url: urlOf(noConfig), maxmemory: 'true', policy: 'volatile-lru' }), ctxWith(5000));
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('maxmemory 64mb');
    expect(r.evidence.join('\n')).toContain('from INFO memory');
  });

  it('fails a wrong password once, with no reconnect loop and no password in the result', async () => {
    const admin = new Redis({ host: shared.host, port: shared.port, password: shared.password, lazyConnect: true, maxRetriesPerRequest: 0 });
    await admin.connect();
    try {
      const wrong = 'Wr0ng-redis-' + Math.random().toString(36).slice(2, 10);
      const before = await connectionsReceived(admin);
      const r = await probe(params({ url: urlOf(shared, wrong) }), ctxWith(3000));
      // Give a reconnect loop (ioredis retries after ~50 ms by default) time to show itself.
      await new Promise((res) => setTimeout(res, 400));
      const after = await connectionsReceived(admin);
      expect(r.status).toBe('fail');
      expect(r.summary).toMatch(/^authentication failed: WRONGPASS/);
      expect(after - before).toBe(1);
      const text = JSON.stringify(r);
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(shared.password);
    } finally {
      admin.disconnect();
    }
  });

  it('fails a missing password with NOAUTH', async () => {
    const r = await probe(params({ url: `redis://${shared.host}:${shared.port}` }), ctxWith(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^authentication failed: NOAUTH/);
  });

  it('warns when the server needs no password, without printing anything to the console', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const r = await probe(params({ url: urlOf(open, 'unneeded-pw') }), ctxWith(5000));
      expect(r.status).toBe('warn');
      expect(r.summary).toBe(`Redis at 127.0.0.1:${open.port} requires no password (the URL's password is not needed)`);
      expect(warn).not.toHaveBeenCalled();
      const bare = await probe(params({ url: `redis://127.0.0.1:${open.port}` }), ctxWith(5000));
      expect(bare.status).toBe('pass');
    } finally {
      warn.mockRestore();
    }
  });

  it('authenticates an ACL user given in the URL', async () => {
    const r = await probe(params({ url: `redis://default:${encodeURIComponent(shared.password)}@${shared.host}:${shared.port}/0` }), ctxWith(5000));
    expect(r.status).toBe('pass');
    const wrongUser = await probe(params({ url: `redis://nobody:${encodeURIComponent(shared.password)}@${shared.host}:${shared.port}/0` }), ctxWith(5000));
    expect(wrongUser.status).toBe('fail');
    expect(wrongUser.summary).toMatch(/^authentication failed: WRONGPASS/);
  });

  it('never shows the right password either', async () => {
    const r = await probe(params({ url: urlOf(shared), persistence: 'true', maxmemory: 'true' }), ctxWith(5000));
    expect(JSON.stringify(r)).not.toContain(shared.password);
    expect(r.evidence.join('\n')).toContain(`127.0.0.1:${shared.port}`);
  });

  it('reports a refused connection as error', async () => {
    const port = await freePort();
    const r = await probe(params({ url: `redis://:pw@127.0.0.1:${port}/0` }), ctxWith(3000));
    expect(r.status).toBe('error');
    expect(r.summary).toBe(`connection refused on 127.0.0.1:${port}`);
  });
});

describe('redis probe against a peer that never answers', () => {
  it('ends with a timeout error at its deadline (the peer never answers) and closes its socket', async () => {
    const peer = await startHangingPeer();
    try {
      const t0 = performance.now();
      const r = await probe(params({ url: `redis://:secret-pw@127.0.0.1:${peer.port}/0`, persistence: 'true' }), ctxWith(500));
      const elapsed = performance.now() - t0;
      expect(r).toMatchObject({ status: 'error', reason: 'timeout' });
      expect(r.summary).toMatch(/^timeout: no answer from Redis at 127\.0\.0\.1:\d+ within \d+ ms$/);
      // Only the deadline can end it; how close to it is measured in npm run bench.
      expect(elapsed).toBeLessThan(10_000);
      expect(peer.accepted()).toBe(1);
      expect(await eventually(() => peer.open() === 0, 10_000)).toBe(true);
      expect(JSON.stringify(r)).not.toContain('secret-pw');
    } finally {
      await peer.close();
    }
  });
});

describe('redis probe cancelled', () => {
  it('a cancel is skipped with reason cancelled, as for every kind, and closes its socket', async () => {
    const peer = await startHangingPeer();
    try {
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(), 100);
      const r = await probe(params({ url: `redis://:secret-pw@127.0.0.1:${peer.port}/0` }), ctxWith(5000, {}, cancel.signal));
      expect(r).toMatchObject({ status: 'skipped', reason: 'cancelled', summary: 'cancelled' });
      expect(await eventually(() => peer.open() === 0, 10_000)).toBe(true);
    } finally {
      await peer.close();
    }
  });
});

describe('redis checks (pure)', () => {
  const base: RedisFacts = { version: '7.0.15', save: '', aof: false, maxmemory: 0, policy: 'noeviction', memorySource: 'config' };
  it('judges persistence from save points, snapshots taken or AOF', () => {
    const p = params({ url: 'redis://h', persistence: 'true' });
    expect(redisChecks(base, p)[0].status).toBe('fail');
    expect(redisChecks({ ...base, save: '3600 1' }, p)[0].status).toBe('pass');
    expect(redisChecks({ ...base, save: '3600 1', rdbLastStatus: 'err' }, p)[0].message).toBe('persistence failing: the last RDB snapshot failed');
    expect(redisChecks({ ...base, aof: true, aofLastWrite: 'err' }, p)[0].message).toBe('persistence failing: the last AOF write failed');
    expect(redisChecks({ ...base, aof: true, aofLastWrite: 'ok' }, p)[0].status).toBe('pass');
    expect(redisChecks({ ...base, save: undefined, rdbSaves: 2 }, p)[0].status).toBe('pass');
    expect(redisChecks({ ...base, save: undefined, rdbSaves: 0 }, p)[0].message).toContain('CONFIG unavailable');
  });
  it('compares versions numerically and formats sizes', () => {
    expect(compareVersions('7.0.15', '7')).toBe(1);
    expect(compareVersions('6.2.14', '6.10')).toBe(-1);
    expect(compareVersions('7.2', '7.2.0')).toBe(0);
    expect(formatBytes(100 * 1024 * 1024)).toBe('100mb');
    expect(formatBytes(1000)).toBe('1000 bytes');
  });
});
