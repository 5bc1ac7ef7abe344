/**
 * Parameter schemas of every probe kind: the contract between checklists
 * (docs/checklist-format.md) and probe implementations. Values arrive as
 * strings; ${VARS} are substituted before these schemas parse them at run time.
 */
import * as z from 'zod';
import { bool, duration, int, posInt, statusList, str, url } from './params.js';

/** http: one request. Dynamic keys: `json.<path>=value`, `header.<name>=value|present`. */
export const http = z.object({
  url,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']).default('GET'),
  status: statusList.default('200-299'),
  /** Body must contain this text. */
  contains: str.optional(),
  /** Body must not contain this text. */
  absent: str.optional(),
  /** Fail when the response takes longer (ms). */
  max_ms: duration.optional(),
  /** Follow redirects (off by default: a redirect is an answer). */
  follow: bool.default(false),
  /** Extra CA certificate file (PEM) to trust, e.g. a staging CA. */
  ca: str.optional(),
});

export const tls = z.object({
  host: str,
  port: int.default(443),
  /** SNI / hostname to verify; defaults to host. */
  servername: str.optional(),
  /** Warn when the certificate expires within this many days; fail when expired. */
  min_days: int.default(14),
  min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  ca: str.optional(),
});

export const dns = z.object({
  name: str,
  type: z.enum(['A', 'AAAA', 'CNAME', 'ANY']).default('A'),
  /** Expected address or CNAME target (comma-separated: any of them). */
  expect: str.optional(),
  /** Resolver to ask, `host:port`; the system resolver when left out. */
  server: str.optional(),
});

export const tcp = z.object({
  host: str,
  port: int,
  /** `open` (default) or `closed`: an internal service must not be reachable. */
  expect: z.enum(['open', 'closed']).default('open'),
});

export const postgres = z.object({
  /** postgres://user:pass@host:port/db; or the parts below (the app's DB_* variables). */
  url: url.optional(),
  host: str.optional(),
  port: int.optional(),
  database: str.optional(),
  user: str.optional(),
  password: z.string().optional(),
  /** Fail when the role is SUPERUSER, CREATEROLE or CREATEDB. */
  least_privilege: bool.default(false),
  /** Warn when connections in use exceed this % of max_connections. */
  max_connections_pct: int.optional(),
  /** Check statement_timeout: 0 on the server side is inconclusive (the app may set it from its client). */
  statement_timeout: bool.default(false),
  /** Minimum server major version. */
  min_version: int.optional(),
  /** A table that must exist and have rows (e.g. django_migrations). */
  table: str.optional(),
  ssl: bool.default(false),
});

export const redis = z.object({
  /** redis://[:password@]host:port/db (the app's REDIS_URL). */
  url,
  /** Fail unless RDB snapshots or AOF are on. */
  persistence: bool.default(false),
  /** Fail unless maxmemory is set (non-zero). */
  maxmemory: bool.default(false),
  /** Expected maxmemory-policy, e.g. allkeys-lru. */
  policy: str.optional(),
  min_version: str.optional(),
});

/** celery: ping workers over the broker's control channel (kombu's Redis transport). */
export const celery = z.object({
  /** Broker URL, redis://[:password@]host:port/db (the app's CELERY_BROKER_URL). */
  url,
  /** Pass as soon as this many workers replied; fail when fewer did by the deadline. */
  min_workers: posInt.default(1),
  /** Celery's control_exchange setting (default celery → exchange celery.pidbox). */
  exchange: str.default('celery'),
});

/** command: argv split like a shell would (quotes), but run without a shell. Dynamic keys: `json.<path>=value`. */
export const command = z.object({
  cmd: str,
  exit: int.default(0),
  /** Regular expression stdout must match. */
  stdout: str.optional(),
  /** Regular expression stdout must not match. */
  not_stdout: str.optional(),
  stderr: str.optional(),
  cwd: str.optional(),
});

export const twilio = z.object({
  account_sid: str,
  auth_token: str,
  /** A phone number (E.164) that must be provisioned on the account with voice. */
  number: str.optional(),
  /** The number's voice_url / status_callback must start with this (the app's webhook base). */
  webhook_base: str.optional(),
  /** API base; the TWILIO_API_BASE variable or https://api.twilio.com. */
  api_base: url.optional(),
});

export const webhookSignature = z.object({
  /** The app's Twilio webhook URL, e.g. ${TWILIO_WEBHOOK_BASE_URL}/webhooks/voice/. */
  url,
  auth_token: str,
  /** Status the app must answer a forged signature with. */
  forged_status: statusList.default('403'),
  /** Status that counts as accepting the signed request. */
  signed_status: statusList.default('200-299'),
});

export const security = z.object({
  url,
  /** Check HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy. */
  headers: bool.default(true),
  /** Check that http:// redirects to https://. */
  redirect: bool.default(false),
  /** Port of the http:// twin for the redirect check (the app's HTTP_PORT). */
  http_port: int.default(80),
  /** Check a 404 does not show the Django DEBUG page. */
  debug: bool.default(true),
  /** Check a request with a bogus Host header is rejected (ALLOWED_HOSTS). */
  bogus_host: bool.default(false),
  ca: str.optional(),
});

export const rateLimit = z.object({
  url,
  /** Requests in the burst (bounded to 500). */
  burst: posInt.max(500).default(50),
  expect: statusList.default('429,503'),
  method: z.enum(['GET', 'POST']).default('GET'),
});

export const baseline = z.object({
  url,
  requests: posInt.max(200).default(10),
  /** Stored baseline p50 in ms; or a JSON file with {"p50": ms, "p95": ms}. */
  baseline_ms: duration.optional(),
  baseline_file: str.optional(),
  /** Rollback criterion: fail when p50 rose more than this % over the baseline. */
  max_increase_pct: int.default(50),
});

export const prometheus = z.object({
  /** Prometheus base URL, e.g. http://prometheus:9090. */
  url,
  query: str,
  /** Fail when the value is above this (e.g. 0.05 error rate). */
  max: z.coerce.number().optional(),
  /** Fail when the value is below this. */
  min: z.coerce.number().optional(),
  /** What the value is, for the summary (e.g. `error rate`). */
  name: z.string().optional(),
  /**
   * PromQL counting the requests the value is about (e.g. over the same 5m):
   * fewer than `min_traffic` → inconclusive, not a pass (a rate over no traffic).
   */
  traffic: z.string().optional(),
  /** Requests needed for a verdict when `traffic` is set. */
  min_traffic: z.coerce.number().nonnegative('must be 0 or more').default(1),
});

export const secretsScan = z.object({
  /** Repository folder to scan (git ls-files). */
  path: str.default('.'),
  /** Comma-separated globs to leave out, e.g. docs/examples/**. */
  exclude: z.string().optional(),
  /**
   * Allowlist file (JSON, gitleaks-style paths/regexes/stopwords), relative to
   * `path`; `.deploy-wizard-secrets-allow.json` is read when present.
   */
  allowlist: z.string().optional(),
  /** Findings in test fixtures (tests/, fixtures/, factories, mocks) do not fail the scan; they are counted. */
  fixtures: bool.default(true),
});
