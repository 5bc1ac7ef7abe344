import { describe, expect, it, inject } from 'vitest';
import { runProbes, type ProbeJob } from '../../src/probes/runner.js';
import { eventually, startHangingPeer } from './helpers.js';

const { pg, redis } = inject('servers');

/** A job as the checklist loader makes it from `<!-- probe: KIND k=v ... -->`. */
function job(kind: string, params: Record<string, string>, timeoutMs?: number): ProbeJob {
  const raw = `${kind} ${Object.entries(params).map(([k, v]) => `${k}="${v}"`).join(' ')}`;
  return { itemId: `${kind}-${Object.keys(params).join('-')}`, spec: { kind, params, raw, line: 1, ...(timeoutMs ? { timeoutMs } : {}) } };
}

describe('data probes through the runner, with the app variables', () => {
  it('runs postgres from DB_* and redis from REDIS_URL, ends hung peers with their own timeout summary, and leaks no password', async () => {
    const hungPg = await startHangingPeer();
    const hungRedis = await startHangingPeer();
    const vars = {
      DB_HOST: pg.host,
      DB_PORT: String(pg.port),
      DB_NAME: pg.database,
      DB_USER: pg.user,
      DB_PASSWORD: pg.password,
      REDIS_URL: `redis://:${redis.password}@${redis.host}:${redis.port}/0`,
      HUNG_PG_PORT: String(hungPg.port),
      HUNG_REDIS_URL: `redis://:${redis.password}@127.0.0.1:${hungRedis.port}/0`,
    };
    try {
      const results = await runProbes(
        [
          job('postgres', { host: '${DB_HOST}', port: '${DB_PORT}', database: '${DB_NAME}', user: '${DB_USER}', password: '${DB_PASSWORD}', least_privilege: 'true' }),
          job('redis', { url: '${REDIS_URL}', persistence: 'true' }),
          job('postgres', { url: '${DATABASE_URL}' }),
          job('postgres', { host: '127.0.0.1', port: '${HUNG_PG_PORT}', user: '${DB_USER}', password: '${DB_PASSWORD}' }, 500),
          job('redis', { url: '${HUNG_REDIS_URL}' }, 500),
        ],
        { vars },
      );
      const [pgResult, redisResult, unset, hungPgResult, hungRedisResult] = results;
      expect(pgResult).toMatchObject({ kind: 'postgres', status: 'fail' });
      expect(pgResult.summary).toContain(`role ${pg.user} is SUPERUSER`);
      expect(redisResult).toMatchObject({ kind: 'redis', status: 'fail', summary: 'persistence is off (no RDB save points, AOF disabled)' });
      expect(unset).toMatchObject({ status: 'skipped' });
      expect(unset.summary).toContain('DATABASE_URL');
      expect(hungPgResult.status).toBe('error');
      expect(hungPgResult.summary).toMatch(/^timeout: no answer from PostgreSQL at 127\.0\.0\.1:\d+ within \d+ ms$/);
      // The hung peers never answer: the 500 ms deadlines ended both (not the runner's or the suite's timeout).
      expect(hungPgResult.durationMs).toBeLessThan(10_000);
      expect(hungRedisResult.status).toBe('error');
      expect(hungRedisResult.summary).toMatch(/^timeout: no answer from Redis at 127\.0\.0\.1:\d+ within \d+ ms$/);
      expect(hungRedisResult.durationMs).toBeLessThan(10_000);
      expect(await eventually(() => hungPg.open() === 0 && hungRedis.open() === 0, 10_000)).toBe(true);
      const text = JSON.stringify(results);
      expect(text).not.toContain(pg.password);
      expect(text).not.toContain(redis.password);
    } finally {
      await Promise.all([hungPg.close(), hungRedis.close()]);
    }
  });
});
