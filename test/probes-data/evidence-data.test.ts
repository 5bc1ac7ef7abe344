/**
 * The data checks behind "Database backup created", "Database performance
 * normal", "Redis backup strategy implemented", "Cache hit rates acceptable",
 * against servers of their own (archiving and saves are per server, and
 * statistics must not be shared with the other tests): WAL archiving and the
 * age of the last archived segment (pg_stat_archiver), the cache hit ratio,
 * long transactions; Redis's last background save and its age, the keyspace
 * hit ratio. Each fault produced for real, never mocked.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe as pgProbe, pgChecks, type PgFacts } from '../../src/probes/postgres.js';
import { probe as redisProbe } from '../../src/probes/redis.js';
import * as schemas from '../helpers/schemas.js';
import { startPostgres, startRedis } from '../helpers/servers.js';
import { ctxWith } from './helpers.js';

let dir: string;
let pgServer: Awaited<ReturnType<typeof startPostgres>>;
let redisServer: Awaited<ReturnType<typeof startRedis>>;
let admin: pg.Client;
let redisAdmin: Redis;
let redisDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-evidence-data-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'pg'));
  // archive_command through ALTER SYSTEM, not the command line (which would outrank it): a test changes it.
  pgServer = await startPostgres(join(dir, 'pg'), '-c archive_mode=on');
  admin = new pg.Client({ ...pgServer.facts });
  await admin.connect();
  await admin.query("ALTER SYSTEM SET archive_command = 'true'");
  await admin.query('SELECT pg_reload_conf()');
  redisDir = join(dir, 'redis');
  mkdirSync(redisDir);
  redisServer = await startRedis(redisDir);
  redisAdmin = new Redis({ ...redisServer.facts, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redisAdmin.connect();
}, 60_000);

afterAll(async () => {
  await admin?.end();
  redisAdmin?.disconnect();
  pgServer?.stop();
  await redisServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pgParams = (extra: Record<string, string>) => schemas.postgres.parse({ host: pgServer.facts.host, port: String(pgServer.facts.port), database: 'postgres', user: pgServer.facts.user, password: pgServer.facts.password, ...extra });
const redisParams = (extra: Record<string, string>) =>
  schemas.redis.parse({ url: `redis://:${encodeURIComponent(redisServer.facts.password)}@127.0.0.1:${redisServer.facts.port}/0`, ...extra });
const archiver = async () => (await admin.query('SELECT archived_count::int AS ok, failed_count::int AS failed FROM pg_stat_archiver')).rows[0] as { ok: number; failed: number };

/** Write, then switch to a new WAL segment: the archiver is handed the full one. */
async function switchWal(): Promise<void> {
  await admin.query('CREATE TABLE IF NOT EXISTS dw_wal (x int)');
  await admin.query('INSERT INTO dw_wal SELECT generate_series(1, 100)');
  await admin.query('SELECT pg_switch_wal()');
}

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('postgres: WAL archiving, its age, the cache hit ratio, long transactions', () => {
  it('archiving on and succeeding passes; a failing archive_command fails; the age limit holds', async () => {
    const before = (await archiver()).ok;
    await until(async () => {
      await switchWal();
      return (await archiver()).ok > before;
    });
    const ok = await pgProbe(pgParams({ archiving: 'true', max_archive_age: '1h' }), ctxWith(10_000));
    expect(ok.status).toBe('pass');
    expect(ok.summary).toMatch(/WAL archiving on, last segment archived \d+ s ago \(max 1h\)/);

    await admin.query("ALTER SYSTEM SET archive_command = 'false'");
    await admin.query('SELECT pg_reload_conf()');
    try {
      const failedBefore = (await archiver()).failed;
      // The archiver takes the new command when it gets the reload signal: switch until it has tried with it.
      await until(async () => {
        await switchWal();
        return (await archiver()).failed > failedBefore;
      });
      const bad = await pgProbe(pgParams({ archiving: 'true' }), ctxWith(10_000));
      expect(bad.status).toBe('fail');
      expect(bad.summary).toMatch(/^WAL archiving failing: [0-9A-F]{24} failed \d+ s ago \(\d+ failures\), last success \d+ s ago/);
    } finally {
      await admin.query("ALTER SYSTEM SET archive_command = 'true'");
      await admin.query('SELECT pg_reload_conf()');
    }
  }, 60_000);

  it('the judges: archiving off, a stale last segment, a low cache hit ratio, too few blocks to judge', () => {
    const f: PgFacts = { version: '16.1', versionNum: 160001, used: 1, max: 100, role: 'app', superuser: false, createrole: false, createdb: false, statementTimeout: '0' };
    const judge = (facts: Partial<PgFacts>, raw: Record<string, string>) => pgChecks({ ...f, ...facts }, pgParams(raw)).map((c) => `${c.status}: ${c.message}`);
    expect(judge({ archiver: { mode: 'off', archived: 0, failed: 0 } }, { archiving: 'true' })).toEqual(['fail: WAL archiving is off (archive_mode = off)']);
    expect(judge({ archiver: { mode: 'on', archived: 9, failed: 0, lastArchivedAgeS: 3 * 86_400 } }, { archiving: 'true', max_archive_age: '1d' })).toEqual(['fail: last WAL segment archived 3 days ago (max 1d)']);
    expect(judge({ archiver: { mode: 'on', archived: 0, failed: 0 } }, { archiving: 'true' })).toEqual(['inconclusive: WAL archiving is on but no segment has been archived yet']);
    expect(judge({ cache: { hit: 5000, read: 5000 } }, { cache_hit_min: '95' })).toEqual(['fail: cache hit ratio 50.0% < min 95% (5000 blocks read from disk)']);
    expect(judge({ cache: { hit: 10, read: 5 } }, { cache_hit_min: '95' })[0]).toMatch(/^inconclusive: cache hit ratio not judged: 15 blocks/);
  });

  it('cache hit ratio of a warm database passes against the real server', async () => {
    for (let i = 0; i < 30; i++) await admin.query('SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid');
    const r = await pgProbe(pgParams({ cache_hit_min: '90' }), ctxWith(10_000));
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/cache hit ratio \d+\.\d% ≥ 90%/);
  });

  it('a transaction left open longer than the limit fails, naming its age; once it ends the check passes', async () => {
    const other = new pg.Client({ ...pgServer.facts });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 2100));
      const bad = await pgProbe(pgParams({ max_xact_age: '1s' }), ctxWith(10_000));
      expect(bad.status).toBe('fail');
      expect(bad.summary).toMatch(/^transaction open for \d+ s \(pid \d+, idle in transaction\), max 1s/);
      await other.query('COMMIT');
      const ok = await pgProbe(pgParams({ max_xact_age: '1s' }), ctxWith(10_000));
      expect(ok.status).toBe('pass');
    } finally {
      await other.end();
    }
  });
});

describe('postgres: Django migrations recorded as applied (django_migrations)', () => {
  it('no django_migrations table fails; a missing migration is named; all applied passes; a bad list is refused', async () => {
    const asked = 'django_twilio_call.0001_initial, django_twilio_call.0002_optimize_database_indexes';
    await admin.query('DROP TABLE IF EXISTS django_migrations');
    const none = await pgProbe(pgParams({ migrations: asked }), ctxWith(10_000));
    expect([none.status, none.summary]).toEqual(['fail', expect.stringMatching(/^django_migrations does not exist in this database: no migration applied \(2 expected\)/)]);
    await admin.query('CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL)');
    try {
      await admin.query("INSERT INTO django_migrations (app, name, applied) VALUES ('django_twilio_call', '0001_initial', now()), ('auth', '0002_optimize_database_indexes', now())");
      const one = await pgProbe(pgParams({ migrations: asked }), ctxWith(10_000));
      expect([one.status, one.summary]).toEqual(['fail', expect.stringMatching(/^1 of 2 migrations not applied: django_twilio_call\.0002_optimize_database_indexes/)]);
      expect(one.evidence.join('\n')).toContain('django_migrations: 1 of the 2 asked recorded; missing django_twilio_call.0002_optimize_database_indexes');
      await admin.query("INSERT INTO django_migrations (app, name, applied) VALUES ('django_twilio_call', '0002_optimize_database_indexes', now())");
      const all = await pgProbe(pgParams({ migrations: asked }), ctxWith(10_000));
      expect([all.status, all.summary]).toEqual(['pass', expect.stringMatching(/^2 migrations applied \(django_twilio_call\.0001_initial, django_twilio_call\.0002_optimize_database_indexes\)/)]);
    } finally {
      await admin.query('DROP TABLE django_migrations');
    }
    expect(schemas.postgres.safeParse({ host: 'h', migrations: '0002_optimize_database_indexes' }).success).toBe(false);
  });
});

describe('redis: the last background save and its age, the keyspace hit ratio', () => {
  it('a successful BGSAVE passes; a save that cannot be written fails; writes after an old save fail the age limit', async () => {
    await redisAdmin.set('k', 'v');
    await redisAdmin.bgsave();
    await until(async () => /rdb_bgsave_in_progress:0/.test(await redisAdmin.info('persistence')) && /rdb_last_bgsave_status:ok/.test(await redisAdmin.info('persistence')));
    const ok = await redisProbe(redisParams({ max_save_age: '1h' }), ctxWith(10_000));
    expect(ok.status).toBe('pass');
    expect(ok.summary).toMatch(/last save ok \d+ s ago, nothing changed since/);
    // Two writes since: an age limit of 1 s is exceeded once a second has passed.
    await redisAdmin.set('k2', 'v');
    await redisAdmin.set('k3', 'v');
    await new Promise((r) => setTimeout(r, 2100));
    expect((await redisProbe(redisParams({ max_save_age: '1s' }), ctxWith(10_000))).summary).toMatch(/^last successful save \d+ s ago with 2 changes since \(max 1s\)$/);

    // The save folder gone: the background save cannot write its file.
    rmSync(redisDir, { recursive: true, force: true });
    try {
      await redisAdmin.bgsave();
      await until(async () => /rdb_last_bgsave_status:err/.test(await redisAdmin.info('persistence')));
      const bad = await redisProbe(redisParams({ max_save_age: '1h' }), ctxWith(10_000));
      expect(bad.status).toBe('fail');
      expect(bad.summary).toMatch(/^the last background save failed \(rdb_last_bgsave_status err\)/);
    } finally {
      mkdirSync(redisDir, { recursive: true });
    }
  }, 60_000);

  it('keyspace hit ratio: too few lookups cannot be judged; mostly misses fail; mostly hits pass', async () => {
    await redisAdmin.config('RESETSTAT');
    await redisAdmin.get('k');
    expect(await redisProbe(redisParams({ hit_ratio_min: '80' }), ctxWith(10_000))).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    for (let i = 0; i < 150; i++) await redisAdmin.get(`missing-${i}`);
    expect((await redisProbe(redisParams({ hit_ratio_min: '80' }), ctxWith(10_000))).summary).toMatch(/^keyspace hit ratio 0\.7% < min 80% \(150 misses of 151 lookups\)$/);
    for (let i = 0; i < 1000; i++) await redisAdmin.get('k');
    expect((await redisProbe(redisParams({ hit_ratio_min: '80' }), ctxWith(10_000))).summary).toMatch(/keyspace hit ratio 87\.0% ≥ 80% \(1151 lookups\)/);
  }, 60_000);
});
