/**
 * A staging deployment of Django-Twilio-Call played on loopback, every fact
 * taken from the app's source (hmesfin/django-twilio-call):
 *
 * - HTTPS with its own CA on 127.0.0.1 (the public address, `DOMAIN`), plain
 *   HTTP redirecting to it (settings/production.py SECURE_SSL_REDIRECT);
 * - the app's URLs (django_twilio_call/urls.py, urls/health_urls.py): health
 *   endpoints answering the JSON of django_twilio_call/health.py, webhooks
 *   under /webhooks/ that check X-Twilio-Signature and a fresh Timestamp the
 *   way django_twilio_call/security.py WebhookValidator does (403 otherwise),
 *   the API root under /api/v1/ behind the ingress rate limit (k8s/base/ingress.yaml:
 *   100 per minute), WhiteNoise static files, the admin login;
 * - the headers SecurityMiddleware + SecurityHeadersMiddleware set with the
 *   production settings, Django's plain 404 and its 400 for a Host outside
 *   ALLOWED_HOSTS;
 * - Prometheus: the error-rate queries answered from the script of `faults`
 *   (django_prometheus metric names); everything else from a real Prometheus
 *   2.42 scraping what docker/prometheus.yml scrapes: the app's
 *   /observability/metrics/ (job django-twilio-call), itself, a node exporter
 *   stand-in, the real Redis and PostgreSQL exporters (jobs redis, postgres),
 *   with the app's rule file (rule_files: alert_rules.yml) loaded;
 * - a real Alertmanager 0.25 with a receiver that has an integration;
 * - Grafana's API played on loopback with the app's dashboards
 *   (observability/dashboards/grafana_dashboards.json);
 * - GitHub's REST API played on loopback (GITHUB_API_URL) for the release
 *   commit: the CI jobs of .github/workflows/ci.yml, the pull request's
 *   reviews, Dependabot and code-scanning alerts;
 * - a real OCI registry (docker-registry 2.8) holding the release image;
 * - a private PostgreSQL and Redis on ::1 (internal services: not on the
 *   public address), Redis configured as docker/redis.conf (maxmemory 256mb,
 *   allkeys-lru, appendonly yes, save points), the app's least-privilege role;
 * - a Celery worker on the broker (db 1, as .env.production.example), reachable
 *   the way the checklist asks (the broker's control channel), with the production
 *   overlay's concurrency (8, thread pool: docker/entrypoint.sh --pool=threads) and
 *   k8s/base/celery.yaml's queues;
 * - a staging database next to the production one, migrated by the release
 *   (django_migrations holds django_twilio_call 0001_initial and 0002);
 * - the Twilio REST API played on loopback (TWILIO_API_BASE): the account and
 *   the number with its voice and status webhooks at the app;
 * - PostgreSQL archiving WAL (archive_mode on: the app's postgresql.conf sets none,
 *   a production database must), its cache warm; Redis hit ratio from real lookups;
 * - the admin login setting the session cookie the way the settings say (CSRF in
 *   the session: CSRF_USE_SESSIONS, SESSION_COOKIE_SECURE/HTTPONLY/SAMESITE Strict)
 *   and refusing a POST without a CSRF token, WhiteNoise's compressed static files,
 *   the API refusing an unauthenticated request (DRF IsAuthenticated: 401);
 * - the fake kubectl of test/fixtures/bin with its fake cluster (the app's
 *   manifests, test/fixtures/kubectl-cluster.mjs), an SMTP listener, an env file
 *   in the layout of the app's .env.production.example.
 *
 * `faults` switches one thing at a time, as a broken release would.
 */
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { makeTestCa, type TestCa } from '../helpers/certs.js';
import { freePort, startPostgres, startRedis } from '../helpers/servers.js';
import { startFakeWorker, type FakeWorker } from '../helpers/celery-worker.js';
import { startPrometheus, getJson, type PrometheusSetup, type RealPrometheus } from '../helpers/prometheus-server.js';
import { startPostgresExporter, startRedisExporter, type Exporter } from '../helpers/exporters.js';
import { NULL_CONFIG, ROUTED_CONFIG, startAlertmanager } from '../helpers/alertmanager.js';
import { startGrafana, type GrafanaState } from '../helpers/grafana-api.js';
import { healthyGithub, startGithub, type GithubState } from '../helpers/github-api.js';
import { startRegistry } from '../helpers/oci-registry.js';
import { until } from '../helpers/daemon.js';
import { request as httpRequest } from 'node:http';

interface Faults {
  /** TWILIO_WEBHOOK_VALIDATE off: forged signatures accepted. */
  webhookValidationOff: boolean;
  /** DEBUG = True: the technical 404 page. */
  debug: boolean;
  /** No Strict-Transport-Security header. */
  noHsts: boolean;
  /** 5xx share of requests, as Prometheus reports it. */
  errorRate: number;
  /** Requests over the error rate's 5m window (0: no traffic, the rate is NaN). */
  requests: number;
  /** The HTTPS certificate has expired. */
  expiredCert: boolean;
  /** The Twilio number's voice URL still points at an old host. */
  staleVoiceUrl: boolean;
  /** The session cookie without Secure (SESSION_COOKIE_SECURE off). */
  insecureCookie: boolean;
  /** Static files served uncompressed (WhiteNoise without its compressed storage). */
  uncompressedStatic: boolean;
  /** 5xx answers counted over the rollout window. */
  rollout5xx: number;
}

const HEALTHY: Faults = { webhookValidationOff: false, debug: false, noHsts: false, errorRate: 0.004, requests: 412, expiredCert: false, staleVoiceUrl: false, insecureCookie: false, uncompressedStatic: false, rollout5xx: 0 };

export interface Staging {
  envFile: string;
  /** NODE_EXTRA_CA_CERTS for the CLI: the staging CA. */
  caFile: string;
  faults: Faults;
  /** Secret values of the env file (passwords, auth token, SECRET_KEY): none may appear in any output. */
  secrets: string[];
  /** Back to healthy: faults off, Redis policy and DB role restored, worker up, rate window reset. */
  heal: () => Promise<void>;
  setRedisPolicy: (policy: string) => Promise<void>;
  setRoleSuperuser: (on: boolean) => Promise<void>;
  stopWorker: () => Promise<void>;
  /** Serve the expired certificate (or the good one again). */
  setCertExpired: (on: boolean) => void;
  /** Stop the Redis exporter; resolves once Prometheus has seen its target down. */
  stopRedisExporter: () => Promise<void>;
  /** Reload Prometheus without its rule file; resolves once no rule is loaded. */
  removeAlertRules: () => Promise<void>;
  /** Route every alert to a receiver with no integration (Alertmanager reloaded). */
  nullReceiver: () => Promise<void>;
  /** Delete the release image from the registry (its tag with it). */
  deleteImage: () => Promise<void>;
  /** GitHub's record of the release commit, edited in place by a test (heal restores it). */
  github: GithubState;
  /** Grafana's state, edited in place by a test (heal restores it). */
  grafana: GrafanaState;
  /** Faults of the fake cluster behind kubectl (test/fixtures/kubectl-cluster.mjs): no-limits, rollout-stuck, literal-secret, sa-admin, unapplied-migration… */
  setKubeFaults: (faults: string[]) => void;
  /** Restart the Celery worker with another concurrency or queues (heal brings the production ones back). */
  reconfigureWorker: (o: { concurrency?: number; queues?: string[] }) => Promise<void>;
  /** Remove a migration's row from django_migrations of the staging or the production database (heal puts it back). */
  unapplyMigration: (db: 'staging' | 'production', app: string, name: string) => Promise<void>;
  /** WAL archiving failing (archive_command fails) or back to succeeding; resolves once the archiver has tried. */
  setArchivingFails: (on: boolean) => Promise<void>;
  stop: () => Promise<void>;
}

/** The app's dashboard titles: django_twilio_call/observability/dashboards/grafana_dashboards.json. */
const APP_DASHBOARDS = ['Call Center Operations Dashboard', 'Application Performance Dashboard', 'Celery Task Monitoring', 'Twilio Integration Monitoring'];
const REPO = 'hmesfin/django-twilio-call';
const RELEASE_SHA = '9c1f4b2e8d7a6c5b4a3f2e1d0c9b8a7f6e5d4c3b';
const IMAGE_TAG = 'v1.0.0';
const GITHUB_TOKEN = 'ghp_' + 'StagingToken0123456789abcdefghijklmno'.slice(0, 36);
const GRAFANA_TOKEN = 'glsa_stagingGrafanaServiceAccount0123_4f5e6d7c';
/** The app's alert rules as a team would write its rule_files: alert_rules.yml (the file is not in the app's repository). */
const ALERT_RULES = [
  'groups:',
  '- name: django-twilio-call',
  '  rules:',
  '  - alert: HighErrorRate',
  '    expr: sum(rate(django_http_responses_total_by_status_total{status=~"5.."}[5m])) / sum(rate(django_http_responses_total_by_status_total[5m])) > 0.05',
  '    for: 5m',
  '  - alert: ExporterDown',
  '    expr: up{job=~"redis|postgres|node"} == 0',
  '    for: 2m',
  '',
].join('\n');

/** Prometheus queries the stand-in answers itself (the app's traffic over the rollout window, the nodes' CPU and memory): nothing real produces them here. */
const SCRIPTED_QUERIES = new Set([
  'sum(increase(django_http_responses_total_by_status_total{status=~"5.."}[15m]))',
  'sum(increase(django_http_responses_total_by_status_total[15m]))',
  '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))',
  '1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)',
]);
const APP_ROLE = 'callcenter_user';
const APP_DB = 'callcenter_prod';
const STAGING_DB = 'callcenter_staging';
/** The release's migrations as `migrate` records them (django_twilio_call/migrations/: 0002 and the 0001_initial it depends on). */
const MIGRATED =
  "INSERT INTO django_migrations (app, name, applied) VALUES ('contenttypes','0001_initial',now()), ('auth','0001_initial',now()), ('django_twilio_call','0001_initial',now()), ('django_twilio_call','0002_optimize_database_indexes',now())";
/** The workers' configuration: k8s/overlays/production/kustomization.yaml (CELERY_WORKER_CONCURRENCY=8), k8s/base/celery.yaml (CELERY_WORKER_QUEUES). */
const WORKER_CONFIG = { concurrency: 8, pool: 'threads' as const, queues: ['celery', 'twilio', 'high_priority'] };
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const ACCOUNT_SID = 'AC' + 'a1'.repeat(16);
const PHONE = '+15005550006';
const WORKER = 'celery@celery-worker-5c4b3a291-fghij';

/**
 * Response headers: django.middleware.security.SecurityMiddleware +
 * django_twilio_call.security.SecurityHeadersMiddleware with the production
 * settings, and on top the ones the app's ingress adds itself
 * (k8s/base/ingress.yaml server-snippet `add_header`): nginx does not replace
 * the upstream's, so a client sees each of those twice.
 */
function securityHeaders(faults: Faults): Record<string, string | string[]> {
  const django: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'x-xss-protection': '1; mode=block',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'content-security-policy': "default-src 'self'; frame-ancestors 'none';",
    'permissions-policy': 'geolocation=(), microphone=(self), camera=(), payment=(), usb=()',
    ...(faults.noHsts ? {} : { 'strict-transport-security': 'max-age=31536000; includeSubDomains; preload' }),
  };
  const ingress: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'x-xss-protection': '1; mode=block',
    ...(faults.noHsts ? {} : { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }),
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
  const out: Record<string, string | string[]> = { ...django };
  for (const [k, v] of Object.entries(ingress)) out[k] = out[k] ? [String(out[k]), v] : v;
  return out;
}

/** The app's signature (WebhookValidator._calculate_signature): HMAC-SHA1 of URL + sorted key+value, base64. */
function appSignature(url: string, params: URLSearchParams): string {
  let data = url;
  for (const [k, v] of [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) data += k + v;
  return createHmac('sha1', AUTH_TOKEN).update(data).digest('base64');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => resolve(body));
  });
}

const DJANGO_404 = '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';
const DEBUG_404 = (path: string) =>
  `<!DOCTYPE html><html lang="en"><head><title>Page not found at ${path}</title></head><body><div id="summary"><h1>Page not found <span>(404)</span></h1></div><div id="info"><p>Using the URLconf defined in <code>callcenter.urls</code>, Django tried these URL patterns, in this order:</p><ol><li>api/v1/</li><li>webhooks/</li><li>health/</li></ol></div><div id="explanation"><p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p></div></body></html>`;

function listen(server: Server | ReturnType<typeof createTcpServer>, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

export async function startStaging(): Promise<Staging> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-staging-'));
  // PostgreSQL runs as an unprivileged user when we are root: it must reach its folder.
  chmodSync(dir, 0o755);
  const cleanups: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const faults: Faults = { ...HEALTHY };
    const ca: TestCa = makeTestCa();
    cleanups.push(() => ca.cleanup());
    const good = ca.leaf('staging', 'IP:127.0.0.1,DNS:localhost', 30);
    const expired = ca.leaf('staging-expired', 'IP:127.0.0.1,DNS:localhost', -1);

    // Internal services on ::1 only: the public address 127.0.0.1 does not expose them.
    const pgDir = join(dir, 'pg');
    mkdirSync(pgDir);
    // WAL archiving on; its command through ALTER SYSTEM (the command line would outrank it), so a fault can change it.
    const pgServer = await startPostgres(pgDir, '-c listen_addresses=::1 -c archive_mode=on');
    cleanups.push(() => pgServer.stop());
    const admin = new pg.Client({ host: '::1', port: pgServer.facts.port, user: pgServer.facts.user, password: pgServer.facts.password, database: 'postgres' });
    await admin.connect();
    cleanups.push(() => admin.end());
    const appPassword = 'app-' + Math.random().toString(36).slice(2, 14);
    await admin.query("ALTER SYSTEM SET archive_command = 'true'");
    await admin.query('SELECT pg_reload_conf()');
    await admin.query(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${appPassword}'`);
    await admin.query(`CREATE DATABASE ${APP_DB}`);
    const appDbAdmin = new pg.Client({ host: '::1', port: pgServer.facts.port, user: pgServer.facts.user, password: pgServer.facts.password, database: APP_DB });
    await appDbAdmin.connect();
    await appDbAdmin.query('CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL)');
    await appDbAdmin.query(MIGRATED);
    await appDbAdmin.query(`GRANT SELECT ON django_migrations TO ${APP_ROLE}`);
    // The staging database, migrated by the release before production (the same role reads it here).
    await admin.query(`CREATE DATABASE ${STAGING_DB}`);
    const stagingDbAdmin = new pg.Client({ host: '::1', port: pgServer.facts.port, user: pgServer.facts.user, password: pgServer.facts.password, database: STAGING_DB });
    await stagingDbAdmin.connect();
    cleanups.push(() => stagingDbAdmin.end());
    await stagingDbAdmin.query('CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL)');
    await stagingDbAdmin.query(MIGRATED);
    await stagingDbAdmin.query(`GRANT SELECT ON django_migrations TO ${APP_ROLE}`);
    const prodDbAdmin = new pg.Client({ host: '::1', port: pgServer.facts.port, user: pgServer.facts.user, password: pgServer.facts.password, database: APP_DB });
    // A database in use: its buffer cache warm (the cache hit ratio needs blocks to judge).
    for (let i = 0; i < 40; i++) await appDbAdmin.query('SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid');
    await appDbAdmin.end();
    await prodDbAdmin.connect();
    cleanups.push(() => prodDbAdmin.end());
    const migrationsDb = { staging: stagingDbAdmin, production: prodDbAdmin };
    /** Put back every migration row a fault removed. */
    const remigrate = async () => {
      for (const c of Object.values(migrationsDb)) {
        await c.query('DELETE FROM django_migrations');
        await c.query(MIGRATED);
      }
    };
    const archiver = async () => (await admin.query('SELECT archived_count::int AS ok, failed_count::int AS failed, (last_failed_time IS NULL OR last_archived_time > last_failed_time) AS fine FROM pg_stat_archiver')).rows[0] as { ok: number; failed: number; fine: boolean };
    /** Write and switch WAL segments until the archiver has answered as `done` says (it takes a new command on its reload signal). */
    const archiveUntil = async (done: (a: { ok: number; failed: number; fine: boolean }) => boolean) => {
      await admin.query('CREATE TABLE IF NOT EXISTS dw_wal (x int)');
      for (let i = 0; i < 200; i++) {
        await admin.query('INSERT INTO dw_wal SELECT generate_series(1, 10)');
        await admin.query('SELECT pg_switch_wal()');
        await new Promise((r) => setTimeout(r, 100));
        if (done(await archiver())) return;
      }
      throw new Error('the archiver did not answer within 20 s');
    };
    const archived = (await archiver()).ok;
    await archiveUntil((a) => a.ok > archived);
    const setArchivingFails = async (on: boolean) => {
      await admin.query(`ALTER SYSTEM SET archive_command = '${on ? 'false' : 'true'}'`);
      await admin.query('SELECT pg_reload_conf()');
      const before = await archiver();
      await archiveUntil((a) => (on ? a.failed > before.failed : a.fine && a.ok > before.ok));
    };
    let archivingFails = false;

    const redisDir = join(dir, 'redis');
    mkdirSync(redisDir);
    // docker/redis.conf: save 900 1 / 300 10 / 60 10000, maxmemory 256mb, allkeys-lru, appendonly yes.
    const redis = await startRedis(redisDir, ['--bind', '::1', '--save', '900 1 300 10 60 10000', '--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru', '--appendonly', 'yes']);
    cleanups.push(() => redis.stop());
    const redisAdmin = new Redis({ host: '::1', port: redis.facts.port, password: redis.facts.password, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redisAdmin.connect();
    cleanups.push(() => redisAdmin.disconnect());
    // A cache in use: the app's lookups hit (the keyspace hit ratio needs lookups to judge).
    await redisAdmin.set(':1:django.contrib.sessions.cache_warm', '1');
    for (let i = 0; i < 300; i++) await redisAdmin.get(':1:django.contrib.sessions.cache_warm');
    let worker: FakeWorker | undefined;
    let workerReconfigured = false;
    const startWorker = async (o: { concurrency?: number; queues?: string[] } = {}) => {
      worker ??= await startFakeWorker({ host: '::1', port: redis.facts.port, password: redis.facts.password, db: 1, hostname: WORKER, ...WORKER_CONFIG, ...o });
    };
    const stopWorker = async () => {
      await worker?.stop();
      worker = undefined;
    };
    await startWorker();
    cleanups.push(stopWorker);

    // The web app.
    let apiHits: number[] = [];
    const seenWebhooks = new Set<string>();
    const app = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', `https://${req.headers.host}`);
      const send = (status: number, body: string, type: string, extra: Record<string, string | string[]> = {}) => {
        res.writeHead(status, { 'content-type': type, ...securityHeaders(faults), ...extra });
        res.end(body);
      };
      const json = (status: number, body: unknown) => send(status, JSON.stringify(body), 'application/json');
      // ALLOWED_HOSTS from the env file: DisallowedHost → 400.
      if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(String(req.headers.host))) return send(400, '<h1>Bad Request (400)</h1>', 'text/html');
      const path = url.pathname;
      const now = new Date().toISOString();
      if (req.method === 'GET' && path === '/health/') return json(200, { status: 'healthy', timestamp: now });
      if (req.method === 'GET' && path === '/health/ready/') return json(200, { status: 'ready', timestamp: now });
      if (req.method === 'GET' && path === '/health/live/') return json(200, { status: 'alive', timestamp: now, uptime_seconds: 3542 });
      if (path === '/api/v1/') {
        const t = Date.now();
        apiHits = apiHits.filter((h) => t - h < 60_000);
        apiHits.push(t);
        if (apiHits.length > 100) return send(429, '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>', 'text/html');
        return json(401, { detail: 'Authentication credentials were not provided.' });
      }
      if (path.startsWith('/webhooks/') && ['/webhooks/voice/', '/webhooks/status/', '/webhooks/recording/', '/webhooks/ivr/', '/webhooks/queue/wait/'].includes(path)) {
        if (req.method !== 'POST') return send(405, '', 'text/html; charset=utf-8', { allow: 'POST, OPTIONS' });
        const form = new URLSearchParams(await readBody(req));
        if (!faults.webhookValidationOff) {
          const sig = String(req.headers['x-twilio-signature'] ?? '');
          if (!sig || sig !== appSignature(url.toString(), form)) return send(403, 'Invalid signature', 'text/html; charset=utf-8');
          const ts = Number(form.get('Timestamp'));
          const key = `${form.get('CallSid')}:${form.get('CallStatus')}:${form.get('Timestamp')}`;
          if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 300 || seenWebhooks.has(key)) return send(403, 'Invalid signature', 'text/html; charset=utf-8');
          seenWebhooks.add(key);
        }
        return send(200, '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Thank you for calling. Goodbye!</Say></Response>', 'text/xml');
      }
      // The app's metrics (docker/prometheus.yml: metrics_path /observability/metrics/), in Prometheus text format.
      if (req.method === 'GET' && path === '/observability/metrics/') {
        // celery_workers_online: observability/monitoring/celery_monitoring.py's gauge, one series per worker.
        const celery = '# TYPE celery_workers_online gauge\ncelery_workers_online{worker_name="celery@celery-worker-5c4b3a291-fghij"} 1\n';
        return send(200, `# TYPE django_http_responses_total_by_status_total counter\ndjango_http_responses_total_by_status_total{status="200"} 412\n${celery}`, 'text/plain; version=0.0.4; charset=utf-8');
      }
      if (req.method === 'GET' && path === '/static/admin/css/base.css') {
        // WhiteNoise with CompressedManifestStaticFilesStorage serves the .gz it stored for a client that accepts gzip.
        const css = 'html { line-height: 1.15; }\n';
        if (!faults.uncompressedStatic && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
          res.writeHead(200, { 'content-type': 'text/css', 'content-encoding': 'gzip', vary: 'Accept-Encoding', ...securityHeaders(faults) });
          return res.end(gzipSync(css));
        }
        return send(200, css, 'text/css');
      }
      if (path === '/admin/login/') {
        // CSRF_USE_SESSIONS: the token lives in the session, so the login form sets the session cookie (no csrftoken cookie).
        const cookie = `sessionid=${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}; expires=Tue, 08 Dec 2026 01:00:00 GMT; HttpOnly; Max-Age=3600; Path=/; SameSite=Strict${faults.insecureCookie ? '' : '; Secure'}`;
        if (req.method === 'POST') {
          await readBody(req);
          return send(403, '<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p>', 'text/html; charset=utf-8');
        }
        return send(200, '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>', 'text/html; charset=utf-8', { 'set-cookie': cookie });
      }
      if (req.method === 'GET' && path === '/api/v1/calls/') {
        // DRF, IsAuthenticated with the JWT authentication first: 401 and its challenge.
        return send(401, JSON.stringify({ detail: 'Authentication credentials were not provided.' }), 'application/json', { 'www-authenticate': 'Bearer realm="api"' });
      }
      return faults.debug ? send(404, DEBUG_404(path), 'text/html; charset=utf-8') : send(404, DJANGO_404, 'text/html; charset=utf-8');
    };
    const https = createHttpsServer({ key: good.key, cert: good.cert }, (req, res) => void app(req, res));
    const httpsPort = await listen(https);
    cleanups.push(() => new Promise((r) => https.close(r)));
    const useCert = () => https.setSecureContext(faults.expiredCert ? { key: expired.key, cert: expired.cert } : { key: good.key, cert: good.cert });
    const http = createHttpServer((req, res) => {
      res.writeHead(301, { location: `https://127.0.0.1:${httpsPort}${req.url}` });
      res.end();
    });
    const httpPort = await listen(http);
    cleanups.push(() => new Promise((r) => http.close(r)));

    // The monitoring the app's docker/prometheus.yml and docker-compose.monitoring.yml describe.
    const pgFacts = { ...pgServer.facts, host: '::1', database: 'postgres' };
    const redisFacts = { ...redis.facts, host: '::1' };
    let redisExporter: Exporter | undefined = await startRedisExporter(redisFacts);
    const redisExporterPort = Number(redisExporter.target.split(':')[1]);
    cleanups.push(() => redisExporter?.stop());
    const pgExporter = await startPostgresExporter(pgFacts);
    cleanups.push(() => pgExporter.stop());
    const nodeExporter = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# TYPE node_load1 gauge\nnode_load1 0.31\n'));
    const nodePort = await listen(nodeExporter);
    cleanups.push(() => new Promise((r) => nodeExporter.close(r)));
    // Prometheus scrapes the app inside the deployment (docker/prometheus.yml: app:8000, plain HTTP), not through the public TLS.
    const internalApp = createHttpServer((req, res) => void app(req, res));
    const internalPort = await listen(internalApp);
    cleanups.push(() => new Promise((r) => internalApp.close(r)));
    const promSetup: PrometheusSetup = {
      jobs: [
        { name: 'django-twilio-call', targets: [`127.0.0.1:${internalPort}`], metricsPath: '/observability/metrics/' },
        { name: 'node', targets: [`127.0.0.1:${nodePort}`] },
        { name: 'redis', targets: [redisExporter.target] },
        { name: 'postgres', targets: [pgExporter.target] },
      ],
      rules: ALERT_RULES,
    };
    const realProm: RealPrometheus = await startPrometheus(promSetup);
    cleanups.push(() => realProm.stop());
    const targetHealth = async (job: string) => ((await getJson(`${realProm.url}/api/v1/targets?state=active`))?.data?.activeTargets ?? []).filter((t: any) => t.labels?.job === job).map((t: any) => t.health).join(',');
    await until('Prometheus scraped every job up', async () => {
      for (const j of ['prometheus', 'django-twilio-call', 'node', 'redis', 'postgres']) if ((await targetHealth(j)) !== 'up') return false;
      return true;
    });
    const alertmanager = await startAlertmanager(ROUTED_CONFIG);
    cleanups.push(() => alertmanager.stop());
    const grafana = await startGrafana({ token: GRAFANA_TOKEN, database: 'ok', dashboards: [] });
    cleanups.push(() => grafana.stop());
    // The release commit was also pushed on develop: ci.yml's deploy-staging job ("Deploy to Staging") ran on it.
    const stagingGithub = () => {
      const state = healthyGithub(REPO, RELEASE_SHA, GITHUB_TOKEN);
      state.checkRuns.push({ name: 'Deploy to Staging', status: 'completed', conclusion: 'success' });
      return state;
    };
    const github = await startGithub(stagingGithub());
    cleanups.push(() => github.stop());
    const registry = await startRegistry();
    cleanups.push(() => registry.stop());
    let imageDigest: string | undefined = await registry.push(REPO, IMAGE_TAG);
    const healthyGrafana = () => Object.assign(grafana.state, { database: 'ok', dashboards: APP_DASHBOARDS.map((title) => ({ title, folder: 'Django Twilio Call' })) });
    healthyGrafana();

    // Prometheus as the probes see it: the error-rate queries scripted by `faults`, the rest the real one's answers.
    const prometheus = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://prometheus');
      const q = url.searchParams.get('query') ?? '';
      const errorRate = /django_http_responses_total_by_status_total\{status=~"5\.\."\}/.test(q);
      const traffic = q === 'sum(increase(django_http_responses_total_by_status_total[5m]))';
      // The app's traffic over the rollout window and the nodes' CPU and memory: scripted too (no real traffic or node here).
      const scripted = SCRIPTED_QUERIES.has(q);
      if (url.pathname !== '/api/v1/query' || (!errorRate && !traffic && !scripted)) {
        const upstream = httpRequest(`${realProm.url}${req.url}`, { method: req.method, headers: { accept: String(req.headers.accept ?? '*/*') } }, (up) => {
          res.writeHead(up.statusCode ?? 502, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
          up.pipe(res);
        });
        upstream.on('error', () => res.writeHead(502).end());
        return req.pipe(upstream);
      }
      res.setHeader('content-type', 'application/json');
      const t = Date.now() / 1000;
      const vector = (value: number, metric: Record<string, string> = {}) => [{ metric, value: [t, String(value)] }];
      let result: unknown[];
      if (q === 'sum(increase(django_http_responses_total_by_status_total{status=~"5.."}[15m]))') result = vector(faults.rollout5xx);
      else if (q === 'sum(increase(django_http_responses_total_by_status_total[15m]))') result = vector(faults.requests * 3);
      else if (q === '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))') result = vector(0.34);
      else if (q === '1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)') result = vector(0.61);
      else result = errorRate ? (faults.requests ? vector(faults.errorRate) : vector(NaN)) : vector(faults.requests);
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
    const promPort = await listen(prometheus);
    cleanups.push(() => new Promise((r) => prometheus.close(r)));

    // The Twilio REST API (2010-04-01) for this account, on loopback: never the real one.
    const twilio = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://twilio');
      res.setHeader('content-type', 'application/json');
      const auth = 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
      if (req.headers.authorization !== auth) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
      }
      if (url.pathname === `/2010-04-01/Accounts/${ACCOUNT_SID}.json`) {
        return res.end(JSON.stringify({ sid: ACCOUNT_SID, friendly_name: 'Call center (staging)', status: 'active', type: 'Full' }));
      }
      if (url.pathname === `/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers.json`) {
        const base = `https://127.0.0.1:${httpsPort}`;
        const numbers = [
          {
            phone_number: PHONE,
            capabilities: { voice: true, sms: true, mms: false, fax: false },
            voice_url: faults.staleVoiceUrl ? 'https://abc123.ngrok.io/webhooks/voice/' : `${base}/webhooks/voice/`,
            status_callback: `${base}/webhooks/status/`,
          },
        ].filter((n) => !url.searchParams.get('PhoneNumber') || n.phone_number === url.searchParams.get('PhoneNumber'));
        return res.end(JSON.stringify({ incoming_phone_numbers: numbers, page: 0, page_size: 50 }));
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
    });
    const twilioPort = await listen(twilio);
    cleanups.push(() => new Promise((r) => twilio.close(r)));

    const smtp = createTcpServer((s) => {
      s.on('error', () => {});
      s.end('220 smtp.staging.test ESMTP\r\n');
    });
    const smtpPort = await listen(smtp);
    cleanups.push(() => new Promise((r) => smtp.close(r)));

    // The app's repository to scan for secrets: a clean checkout.
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'README.md'), '# django-twilio-call\n');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', 'README.md'], { cwd: repo });

    const flowerPort = await freePort();
    const broker = (db: number) => `redis://:${encodeURIComponent(redis.facts.password)}@[::1]:${redis.facts.port}/${db}`;
    // The layout of the app's .env.production.example, values for this staging.
    const kubeState = join(dir, 'kube-faults');
    writeFileSync(kubeState, '');
    const envFile = join(dir, '.env.production');
    writeFileSync(
      envFile,
      [
        '# Production Environment Variables for Django-Twilio-Call (staging on loopback)',
        'ENVIRONMENT=production',
        'DEBUG=False',
        `SECRET_KEY=${'s3cr3t-'.repeat(8)}`,
        'ENCRYPTION_KEY=c3RhZ2luZy1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyE=',
        'DOMAIN=127.0.0.1',
        'ALLOWED_HOSTS=127.0.0.1,localhost',
        `CSRF_TRUSTED_ORIGINS=https://127.0.0.1:${httpsPort}`,
        `CORS_ALLOWED_ORIGINS=https://127.0.0.1:${httpsPort}`,
        `DB_NAME=${APP_DB}`,
        `DB_USER=${APP_ROLE}`,
        `DB_PASSWORD=${appPassword}`,
        'DB_HOST=::1',
        `DB_PORT=${pgServer.facts.port}`,
        `REDIS_URL=${broker(0)}`,
        `CELERY_BROKER_URL=${broker(1)}`,
        `CELERY_RESULT_BACKEND=${broker(2)}`,
        `TWILIO_ACCOUNT_SID=${ACCOUNT_SID}`,
        `TWILIO_AUTH_TOKEN=${AUTH_TOKEN}`,
        `TWILIO_PHONE_NUMBER=${PHONE}`,
        `TWILIO_WEBHOOK_BASE_URL=https://127.0.0.1:${httpsPort}`,
        'TWILIO_WEBHOOK_VALIDATE=True',
        'DEFAULT_QUEUE=support',
        'EMAIL_HOST=127.0.0.1',
        `EMAIL_PORT=${smtpPort}`,
        'EMAIL_USE_TLS=True',
        'PROMETHEUS_PORT=9090',
        `FLOWER_PORT=${flowerPort}`,
        `HTTP_PORT=${httpPort}`,
        `HTTPS_PORT=${httpsPort}`,
        `REDIS_PORT=${redis.facts.port}`,
        'VERSION=1.0.0',
        '# Not in the app: deploy-wizard variables (docs/checklist-format.md)',
        `STAGING_DATABASE_URL=postgres://${APP_ROLE}:${encodeURIComponent(appPassword)}@[::1]:${pgServer.facts.port}/${STAGING_DB}`,
        `PROMETHEUS_URL=http://127.0.0.1:${promPort}`,
        'BASELINE_P50_MS=250',
        `APP_REPO_DIR=${repo}`,
        // The Twilio API is an outside address: the probes ask the loopback one above instead.
        `TWILIO_API_BASE=http://127.0.0.1:${twilioPort}`,
        `ALERTMANAGER_URL=${alertmanager.url}`,
        `GRAFANA_URL=${grafana.url}`,
        `GRAFANA_TOKEN=${GRAFANA_TOKEN}`,
        // GitHub is an outside address too: its API played on loopback.
        `GITHUB_API_URL=${github.url}`,
        `GITHUB_REPOSITORY=${REPO}`,
        `GITHUB_TOKEN=${GITHUB_TOKEN}`,
        `RELEASE_SHA=${RELEASE_SHA}`,
        `REGISTRY_URL=${registry.url}`,
        `IMAGE_NAME=${REPO}`,
        `IMAGE_TAG=${IMAGE_TAG}`,
        // The fake kubectl's cluster reads its faults here (test/fixtures/kubectl-cluster.mjs).
        `FAKE_KUBECTL_STATE=${kubeState}`,
        '',
      ].join('\n'),
    );

    let rulesRemoved = false;
    let receiverNulled = false;
    const staging: Staging = {
      envFile,
      caFile: ca.caFile,
      faults,
      secrets: [appPassword, redis.facts.password, encodeURIComponent(redis.facts.password), AUTH_TOKEN, 's3cr3t-'.repeat(8), GITHUB_TOKEN, GRAFANA_TOKEN],
      github: github.state,
      grafana: grafana.state,
      heal: async () => {
        Object.assign(faults, HEALTHY);
        useCert();
        apiHits = [];
        await staging.setRedisPolicy('allkeys-lru');
        await staging.setRoleSuperuser(false);
        if (workerReconfigured) {
          await stopWorker();
          workerReconfigured = false;
        }
        await startWorker();
        await remigrate();
        Object.assign(github.state, stagingGithub());
        healthyGrafana();
        if (!imageDigest) imageDigest = await registry.push(REPO, IMAGE_TAG);
        if (rulesRemoved) {
          await realProm.configure(promSetup);
          await until('the alert rules loaded again', async () => ((await getJson(`${realProm.url}/api/v1/rules`))?.data?.groups ?? []).length > 0);
          rulesRemoved = false;
        }
        if (receiverNulled) {
          await alertmanager.reconfigure(ROUTED_CONFIG);
          receiverNulled = false;
        }
        if (!redisExporter) {
          redisExporter = await startRedisExporter(redisFacts, redisExporterPort);
          await until('Prometheus sees the Redis exporter up', async () => (await targetHealth('redis')) === 'up');
        }
        staging.setKubeFaults([]);
        if (archivingFails) await staging.setArchivingFails(false);
      },
      stopRedisExporter: async () => {
        await redisExporter?.stop();
        redisExporter = undefined;
        await until('Prometheus sees the Redis exporter down', async () => (await targetHealth('redis')) === 'down');
      },
      removeAlertRules: async () => {
        rulesRemoved = true;
        await realProm.configure({ ...promSetup, rules: null });
        await until('no alert rules loaded', async () => ((await getJson(`${realProm.url}/api/v1/rules`))?.data?.groups ?? [1]).length === 0);
      },
      nullReceiver: async () => {
        receiverNulled = true;
        await alertmanager.reconfigure(NULL_CONFIG);
      },
      deleteImage: async () => {
        if (imageDigest) await registry.remove(REPO, imageDigest);
        imageDigest = undefined;
      },
      setRedisPolicy: async (policy) => {
        await redisAdmin.config('SET', 'maxmemory-policy', policy);
      },
      setRoleSuperuser: async (on) => {
        await admin.query(`ALTER ROLE ${APP_ROLE} ${on ? 'SUPERUSER' : 'NOSUPERUSER'}`);
      },
      stopWorker,
      reconfigureWorker: async (o) => {
        await stopWorker();
        workerReconfigured = true;
        await startWorker(o);
      },
      unapplyMigration: async (db, app, name) => {
        await migrationsDb[db].query('DELETE FROM django_migrations WHERE app = $1 AND name = $2', [app, name]);
      },
      setCertExpired: (on) => {
        faults.expiredCert = on;
        useCert();
      },
      setKubeFaults: (list) => writeFileSync(kubeState, list.join(',')),
      setArchivingFails: async (on) => {
        await setArchivingFails(on);
        archivingFails = on;
      },
      stop,
    };
    return staging;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The shipped checklist's items proved by a notification in the session's record (test/e2e-app/notified.test.ts walks them). */
export const NOTIFIED_ITEMS = [
  'Deployment completion communicated',
  'Stakeholders notified',
  'Alert operations team',
  'Notify stakeholders',
  'Inform support team',
  'Communicate ETA for resolution',
  'Stakeholders notified of completion',
];
