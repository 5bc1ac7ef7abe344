/**
 * A real Prometheus (Debian's 2.42) on a free loopback port, with its own
 * config and data folder: the scrape jobs and alert rules a test gives,
 * scraping every second, lifecycle API on so `configure` rewrites the config
 * and reloads it. (test/helpers/prometheus.ts is the scripted query stand-in.)
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from './servers.js';
import { startDaemon, systemBinary, tempDir, until } from './daemon.js';

interface ScrapeJob {
  name: string;
  targets: string[];
  scheme?: 'http' | 'https';
  metricsPath?: string;
  /** CA file for an https target. */
  caFile?: string;
}

export interface PrometheusSetup {
  jobs: ScrapeJob[];
  /** Contents of the rule file (YAML); null: no rule_files at all. */
  rules: string | null;
}

export interface RealPrometheus {
  url: string;
  /** Rewrite the config (jobs, rules) and reload it; resolves once the reload answered. */
  configure: (setup: PrometheusSetup) => Promise<void>;
  /** Poll /api/v1/targets until every target of these jobs has been scraped (health up or down). */
  scraped: (jobs: string[]) => Promise<void>;
  stop: () => Promise<void>;
}

function yamlOf(setup: PrometheusSetup, self: string, dir: string): string {
  const jobs = [{ name: 'prometheus', targets: [self] } as ScrapeJob, ...setup.jobs];
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    '  evaluation_interval: 1s',
    ...(setup.rules !== null ? ['rule_files:', `  - ${JSON.stringify(join(dir, 'alert_rules.yml'))}`] : []),
    'scrape_configs:',
    ...jobs.flatMap((j) => [
      `  - job_name: ${JSON.stringify(j.name)}`,
      ...(j.scheme ? [`    scheme: ${j.scheme}`] : []),
      ...(j.metricsPath ? [`    metrics_path: ${JSON.stringify(j.metricsPath)}`] : []),
      ...(j.caFile ? ['    tls_config:', `      ca_file: ${JSON.stringify(j.caFile)}`] : []),
      `    static_configs: [{targets: [${j.targets.map((t) => JSON.stringify(t)).join(', ')}]}]`,
    ]),
    '',
  ].join('\n');
}

function post(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function startPrometheus(setup: PrometheusSetup): Promise<RealPrometheus> {
  const bin = systemBinary('prometheus');
  const { dir, cleanup } = tempDir('prometheus');
  const port = await freePort();
  const self = `127.0.0.1:${port}`;
  const config = join(dir, 'prometheus.yml');
  const write = (s: PrometheusSetup) => {
    if (s.rules !== null) writeFileSync(join(dir, 'alert_rules.yml'), s.rules);
    writeFileSync(config, yamlOf(s, self, dir));
  };
  write(setup);
  let daemon;
  try {
    daemon = await startDaemon(bin, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${self}`, '--web.enable-lifecycle', '--log.level=warn'], `http://${self}/-/ready`);
  } catch (err) {
    cleanup();
    throw err;
  }
  const d = daemon;
  const url = `http://${self}`;
  return {
    url,
    configure: async (s) => {
      write(s);
      const status = await post(`${url}/-/reload`);
      if (status !== 200) throw new Error(`Prometheus reload answered ${status}: ${d.output().slice(-400)}`);
    },
    scraped: (jobs) =>
      until(`Prometheus scraped ${jobs.join(', ')}`, async () => {
        const body = await getJson(`${url}/api/v1/targets?state=active`);
        const targets = (body?.data?.activeTargets ?? []) as { labels?: { job?: string }; health?: string }[];
        return jobs.every((j) => {
          const mine = targets.filter((t) => t.labels?.job === j);
          return mine.length > 0 && mine.every((t) => t.health === 'up' || t.health === 'down');
        });
      }),
    stop: async () => {
      await d.stop();
      cleanup();
    },
  };
}

/** GET a loopback URL's JSON (undefined when none). */
export function getJson(url: string): Promise<any> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => {
        try {
          resolve(JSON.parse(b));
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

