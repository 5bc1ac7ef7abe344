/**
 * Real Prometheus exporters (Debian's prometheus-redis-exporter and
 * prometheus-postgres-exporter) on free loopback ports, pointed at a Redis and
 * a PostgreSQL of the test: what docker/prometheus.yml's `redis` and
 * `postgres` jobs scrape. Stopping one is "an exporter down".
 */
import { freePort } from './servers.js';
import { startDaemon, systemBinary, type Daemon } from './daemon.js';

export interface Exporter {
  /** host:port to scrape. */
  target: string;
  stop: () => Promise<void>;
}

function exporter(d: Daemon, target: string): Exporter {
  return { target, stop: () => d.stop() };
}

/** `port`: listen there (to start one again where Prometheus scrapes it); default a free port. */
export async function startRedisExporter(redis: { host: string; port: number; password: string }, port?: number): Promise<Exporter> {
  const bin = systemBinary('prometheus-redis-exporter');
  port ??= await freePort();
  const host = redis.host.includes(':') ? `[${redis.host}]` : redis.host;
  // The password through the environment, never on a command line (process titles are visible).
  const d = await startDaemon(bin, [`--redis.addr=redis://${host}:${redis.port}`, `--web.listen-address=127.0.0.1:${port}`], `http://127.0.0.1:${port}/metrics`, { REDIS_PASSWORD: redis.password });
  return exporter(d, `127.0.0.1:${port}`);
}

export async function startPostgresExporter(pg: { host: string; port: number; user: string; password: string; database: string }, port?: number): Promise<Exporter> {
  const bin = systemBinary('prometheus-postgres-exporter');
  port ??= await freePort();
  const host = pg.host.includes(':') ? `[${pg.host}]` : pg.host;
  const dsn = `postgresql://${encodeURIComponent(pg.user)}:${encodeURIComponent(pg.password)}@${host}:${pg.port}/${pg.database}?sslmode=disable`;
  const d = await startDaemon(bin, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], `http://127.0.0.1:${port}/metrics`, { DATA_SOURCE_NAME: dsn });
  return exporter(d, `127.0.0.1:${port}`);
}
