/**
 * prometheus-targets, prometheus-rules and alertmanager against the real
 * servers (Debian's Prometheus 2.42 and Alertmanager 0.25), Prometheus
 * scraping the real Redis and PostgreSQL exporters pointed at the suite's
 * Redis and PostgreSQL: the jobs docker/prometheus.yml of the app scrapes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { probe as targets } from '../../src/probes/prometheus-targets.js';
import { probe as rules } from '../../src/probes/prometheus-rules.js';
import { probe as alertmanager, receiverIntegrations } from '../../src/probes/alertmanager.js';
import { params as targetsParams } from '../../src/probes/kinds/prometheus-targets.js';
import { params as rulesParams } from '../../src/probes/kinds/prometheus-rules.js';
import { params as amParams } from '../../src/probes/kinds/alertmanager.js';
import { startPrometheus, getJson, type PrometheusSetup, type RealPrometheus } from '../helpers/prometheus-server.js';
import { startPostgresExporter, startRedisExporter, type Exporter } from '../helpers/exporters.js';
import { NULL_CONFIG, ROUTED_CONFIG, startAlertmanager, type RealAlertmanager } from '../helpers/alertmanager.js';
import { until } from '../helpers/daemon.js';
import { closedPort, ctxFor } from './helpers/local.js';

const RULES = [
  'groups:',
  '- name: django-twilio-call',
  '  rules:',
  '  - alert: HighErrorRate',
  '    expr: sum(rate(django_http_responses_total_by_status_total{status=~"5.."}[5m])) / sum(rate(django_http_responses_total_by_status_total[5m])) > 0.05',
  '    for: 5m',
  '  - alert: ExporterDown',
  '    expr: up{job=~"redis|postgres"} == 0',
  '    for: 1m',
  '',
].join('\n');
/** One rule Prometheus cannot evaluate: `on()` matches every job's series to one series (duplicate series on the left). */
const BROKEN_RULES = RULES + ['- name: broken', '  rules:', '  - alert: Ambiguous', '    expr: count by (job) (up) / on() count(up) > 0', ''].join('\n');

let prom: RealPrometheus;
let node: Server;
let redisExporter: Exporter;
let pgExporter: Exporter;
let setup: PrometheusSetup;
let routed: RealAlertmanager;
let blackhole: RealAlertmanager;

beforeAll(async () => {
  const { pg, redis } = inject('servers');
  // A node exporter stand-in: Prometheus text format on /metrics.
  node = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# TYPE node_load1 gauge\nnode_load1 0.25\n'));
  await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
  [redisExporter, pgExporter, routed, blackhole] = await Promise.all([
    startRedisExporter(redis),
    startPostgresExporter(pg),
    startAlertmanager(ROUTED_CONFIG),
    startAlertmanager(NULL_CONFIG),
  ]);
  const dead = await closedPort();
  setup = {
    jobs: [
      { name: 'redis', targets: [redisExporter.target] },
      { name: 'postgres', targets: [pgExporter.target] },
      { name: 'node', targets: [`127.0.0.1:${(node.address() as { port: number }).port}`] },
      { name: 'blackbox', targets: [`127.0.0.1:${dead}`] },
    ],
    rules: RULES,
  };
  prom = await startPrometheus(setup);
  await prom.scraped(['redis', 'postgres', 'node', 'blackbox']);
}, 60_000);

afterAll(async () => {
  await Promise.all([prom?.stop(), redisExporter?.stop(), pgExporter?.stop(), routed?.stop(), blackhole?.stop()]);
  node?.close();
});

const t = (raw: Record<string, string>) => targets(targetsParams.parse(raw), ctxFor(5000));
const r = (raw: Record<string, string>) => rules(rulesParams.parse(raw), ctxFor(5000));
const am = (raw: Record<string, string>) => alertmanager(amParams.parse(raw), ctxFor(5000));

describe('prometheus-targets against a real Prometheus', () => {
  it('passes when each named job has targets, all up (the real exporters, scraped)', async () => {
    const out = await t({ url: prom.url, jobs: 'redis,postgres,node' });
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('3 jobs scraped, 3 targets up');
    expect(out.evidence).toContain('job redis: 1/1 up');
    expect(out.metrics).toEqual({ targets_up: 3 });
  });

  it('fails naming a job that has no target: Prometheus does not scrape it', async () => {
    const out = await t({ url: prom.url, jobs: 'redis, celery' });
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('no target for job celery (Prometheus does not scrape it)');
  });

  it('fails naming a job whose target is down, with the scrape error', async () => {
    const out = await t({ url: prom.url, jobs: 'postgres,blackbox' });
    expect(out.status).toBe('fail');
    expect(out.summary).toMatch(/^targets down: blackbox \(1 of 1 down: .*connection refused\)$/);
  });

  it('without jobs: every active target counts (one down fails)', async () => {
    const out = await t({ url: prom.url });
    expect(out.status).toBe('fail');
    expect(out.summary).toMatch(/^targets down: blackbox/);
  });
});

describe('alertmanager against a real Alertmanager', () => {
  it('passes a single instance whose receiver has a webhook', async () => {
    const out = await am({ url: routed.url, receiver: 'ops' });
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('Alertmanager up, cluster disabled, receiver ops (webhook)');
    expect(out.evidence.join('\n')).toMatch(/version 0\.25/);
  });

  it('fails a receiver that is not configured', async () => {
    const out = await am({ url: routed.url, receiver: 'pagerduty-oncall' });
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('receiver pagerduty-oncall not configured');
  });

  it('fails when no receiver has an integration: every alert is dropped', async () => {
    const out = await am({ url: blackhole.url });
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('no receiver has an integration (blackhole drop every alert)');
  });

  it('reads the integrations from the configuration as Alertmanager prints it', () => {
    const printed = 'global:\n  resolve_timeout: 5m\nroute:\n  receiver: ops\nreceivers:\n- name: ops\n  webhook_configs:\n  - url: http://x\n  email_configs:\n  - to: a@b\n- name: "null"\ntemplates: []\n';
    expect([...receiverIntegrations(printed)!]).toEqual([['ops', ['webhook', 'email']], ['null', []]]);
    expect(receiverIntegrations('route:\n  receiver: x\n')).toBeUndefined();
  });
});

// Last: these reload the Prometheus config.
describe('prometheus-rules against a real Prometheus', () => {
  it('passes with the named group and alerts loaded and evaluating', async () => {
    const out = await r({ url: prom.url, groups: 'django-twilio-call', alerts: 'HighErrorRate,ExporterDown', min_rules: '2' });
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('2 alerting rules loaded in 1 group, none failing');
  });

  it('fails naming an alert and a group that are not loaded', async () => {
    const out = await r({ url: prom.url, groups: 'celery', alerts: 'CeleryQueueBacklog' });
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('rule group celery not loaded; alert CeleryQueueBacklog not loaded');
  });

  it('fails a rule Prometheus cannot evaluate, with its error', async () => {
    await prom.configure({ ...setup, rules: BROKEN_RULES });
    await until('the broken rule evaluated', async () => {
      const body = await getJson(`${prom.url}/api/v1/rules?type=alert`);
      return (body?.data?.groups ?? []).some((g: any) => g.rules.some((x: any) => x.name === 'Ambiguous' && x.health === 'err'));
    });
    const out = await r({ url: prom.url });
    expect(out.status).toBe('fail');
    expect(out.summary).toMatch(/^1 rule failing to evaluate: Ambiguous \(.+\)$/);
  });

  it('fails when Prometheus has no alerting rules at all', async () => {
    await prom.configure({ ...setup, rules: null });
    await until('no rule groups', async () => ((await getJson(`${prom.url}/api/v1/rules`))?.data?.groups ?? [1]).length === 0);
    const out = await r({ url: prom.url });
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('no alerting rules loaded');
    expect(out.metrics).toEqual({ alert_rules: 0, rules_failing: 0 });
  });
});
