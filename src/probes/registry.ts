/**
 * Every probe kind: its parameter schema (used by the checklist validator) and
 * a lazy loader for its implementation (so a kind's library loads only when
 * one of its probes runs).
 */
import * as z from 'zod';
import type { Probe } from './types.js';
import * as schemas from './schemas.js';
import { clip } from '../checklist/annotations.js';

export interface KindInfo {
  /** Schema of the parameters after ${VAR} substitution. */
  params: z.ZodObject<any>;
  /** Extra keys allowed by prefix, e.g. `json.status` for http. */
  dynamicKeys?: RegExp;
  /**
   * Parameters whose ${VARS} the probe substitutes itself, after splitting, one
   * argument each (`command`'s cmd); the runner only checks they are set.
   */
  ownVars?: readonly string[];
  /** One line for `validate` and docs. */
  summary: string;
  load: () => Promise<Probe<any>>;
}

/**
 * Kinds by name. No prototype: a kind named `constructor` or `__proto__` in a
 * checklist must look up nothing, not Object.prototype's members.
 */
export const KINDS: Record<string, KindInfo> = Object.assign(Object.create(null) as Record<string, KindInfo>, {
  http: { params: schemas.http, dynamicKeys: /^(json|header)\.[^\s=]+$/, summary: 'HTTP(S) request: status, JSON field, body text, header, latency', load: () => import('./http.js').then((m) => m.probe) },
  tls: { params: schemas.tls, summary: 'TLS certificate: trusted chain, hostname, days to expiry, protocol', load: () => import('./tls.js').then((m) => m.probe) },
  dns: { params: schemas.dns, summary: 'DNS name resolves (to an expected address or CNAME)', load: () => import('./dns.js').then((m) => m.probe) },
  tcp: { params: schemas.tcp, summary: 'TCP port open, or must not be reachable', load: () => import('./tcp.js').then((m) => m.probe) },
  postgres: { params: schemas.postgres, summary: 'PostgreSQL: connect, version, connections, role privileges, statement_timeout', load: () => import('./postgres.js').then((m) => m.probe) },
  redis: { params: schemas.redis, summary: 'Redis: PING, persistence, maxmemory and policy, version', load: () => import('./redis.js').then((m) => m.probe) },
  celery: { params: schemas.celery, summary: 'Celery workers answer ping over the broker (kombu Redis control channel)', load: () => import('./celery.js').then((m) => m.probe) },
  command: { params: schemas.command, dynamicKeys: /^json\.[^\s=]+$/, ownVars: ['cmd'], summary: 'Run a command (no shell): exit code, output match, JSON output', load: () => import('./command.js').then((m) => m.probe) },
  twilio: { params: schemas.twilio, summary: 'Twilio account active, number provisioned with voice, webhook URLs', load: () => import('./twilio.js').then((m) => m.probe) },
  'webhook-signature': { params: schemas.webhookSignature, summary: 'Forged X-Twilio-Signature rejected, signed request accepted', load: () => import('./webhook-signature.js').then((m) => m.probe) },
  security: { params: schemas.security, summary: 'Security headers, HTTP→HTTPS redirect, DEBUG page absent, bogus Host rejected', load: () => import('./security.js').then((m) => m.probe) },
  'rate-limit': { params: schemas.rateLimit, summary: 'A bounded burst is answered with 429 (or 503)', load: () => import('./rate-limit.js').then((m) => m.probe) },
  baseline: { params: schemas.baseline, summary: 'N timed requests, p50/p95 against a stored baseline', load: () => import('./baseline.js').then((m) => m.probe) },
  prometheus: { params: schemas.prometheus, summary: 'PromQL instant query against a threshold', load: () => import('./prometheus.js').then((m) => m.probe) },
  'secrets-scan': { params: schemas.secretsScan, summary: 'Tracked files free of Twilio SIDs/tokens, private keys, passwords in URLs', load: () => import('./secrets-scan.js').then((m) => m.probe) },
});

/** Keys every annotation may carry, handled by the runner rather than the probe. */
export const COMMON_KEYS = ['timeout', 'id', 'label'] as const;

export interface ParamIssue {
  key?: string;
  message: string;
}

const hasVar = (v: unknown) => typeof v === 'string' && v.includes('${');

/** `.partial()` builds (and zod later compiles) a new schema on every call: build it once per kind. */
const partials = new WeakMap<z.ZodObject<any>, z.ZodObject<any>>();
function partialOf(schema: z.ZodObject<any>): z.ZodObject<any> {
  let p = partials.get(schema);
  if (!p) partials.set(schema, (p = schema.partial()));
  return p;
}

/**
 * Validate raw annotation parameters for a kind. With `resolved: false`
 * (checklist validation), values still holding ${VARS} are accepted as they
 * are and checked again after substitution at run time.
 */
export function checkParams(
  kind: string,
  raw: Record<string, string>,
  resolved: boolean,
): { ok: true; params: Record<string, unknown> } | { ok: false; issues: ParamIssue[] } {
  const info = KINDS[kind];
  if (!info) return { ok: false, issues: [{ message: `unknown probe kind "${clip(kind)}" (known: ${Object.keys(KINDS).join(', ')})` }] };
  const shape = info.params.shape as Record<string, z.ZodType>;
  const issues: ParamIssue[] = [];
  // No prototype: `__proto__=1` must be an unknown key here, not a prototype assignment.
  const fixed: Record<string, unknown> = Object.create(null);
  const dynamic: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    if ((COMMON_KEYS as readonly string[]).includes(key)) continue;
    if (Object.hasOwn(shape, key)) fixed[key] = value;
    else if (info.dynamicKeys?.test(key)) dynamic[key] = value;
    else issues.push({ key, message: `unknown parameter "${clip(key)}" for ${kind} probe (known: ${Object.keys(shape).join(', ')})` });
  }
  // Before substitution, a ${VAR} value stands in for any valid value: check presence only.
  const schema = resolved ? info.params : partialOf(info.params);
  const toCheck = resolved ? fixed : Object.fromEntries(Object.entries(fixed).filter(([, v]) => !hasVar(v)));
  const parsed = schema.safeParse(toCheck);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const missing = issue.code === 'invalid_type' && !Object.hasOwn(fixed, key);
      issues.push({ key, message: missing ? `missing parameter "${key}" for ${kind} probe` : `parameter "${key}": ${issue.message}` });
    }
  }
  if (!resolved) {
    for (const [key, s] of Object.entries(shape)) {
      if (!Object.hasOwn(fixed, key) && !s.safeParse(undefined).success) issues.push({ key, message: `missing parameter "${key}" for ${kind} probe` });
    }
  }
  if (issues.length) return { ok: false, issues };
  const params = resolved && parsed.success ? { ...(parsed.data as object), ...dynamic } : { ...fixed, ...dynamic };
  return { ok: true, params };
}
