/**
 * Redaction in one place. Everything a probe returns, and everything a session,
 * report, log or error message shows, passes through a redactor built from the
 * resolved variables: values of secret variables (and their URL-encoded and
 * base64 forms), credentials inside URLs, Twilio SIDs/tokens and private keys.
 */
import type { Vars } from './types.js';

export const MASK = '***';

/** Variable names that hold secrets: PASSWORD, TOKEN, SECRET, KEY, DSN (and kin). */
const SECRET_NAME = /PASSWORD|PASSWD|PASS$|TOKEN|SECRET|KEY|DSN|CREDENTIAL|AUTH/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A password inside a URL-like value, e.g. redis://:pw@host or postgres://u:pw@host. */
const URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:/@]*):([^\s@/]+)@/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** Twilio account/API key SIDs and 32-hex auth tokens. */
const TWILIO_SID = /\b(AC|SK)[0-9a-fA-F]{32}\b/g;
const HEX32_NEAR_TOKEN = /\b(auth[_-]?token|token|secret)(["'\s:=]+)[0-9a-fA-F]{32}\b/gi;
/** `Authorization: Basic …` / `Bearer …` headers, as printed by curl -v and friends. */
const AUTH_HEADER = /\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(basic|bearer|token)\s+[A-Za-z0-9+/=._~-]+/gi;
/** `DB_PASSWORD=value` as printed by `env` or a config dump (a ${VAR} reference is kept). */
const SECRET_ASSIGNMENT = /\b([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|_KEY|DSN|CREDENTIALS?))(\s*[=:]\s*)(?!\$\{)(["']?)([^\s"']+)\3/g;
/** A long token as the only user-info of a URL: https://ghp_xxx@host. */
const URL_TOKEN_USER = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)([A-Za-z0-9_\-.~%]{20,})@/gi;

/**
 * Base64 text that encodes `value` when it sits at any byte offset inside a
 * longer buffer (as in `Authorization: Basic base64(user:secret)`): the
 * characters fully determined by the value's own bytes, at each of the three
 * alignments. The first and last partial quanta depend on neighbouring bytes
 * and are dropped.
 */
function embeddedBase64(value: string, alphabet: 'base64' | 'base64url'): string[] {
  const out: string[] = [];
  for (let shift = 0; shift <= 2; shift++) {
    const b = Buffer.from('x'.repeat(shift) + value).toString(alphabet).replace(/=+$/, '');
    const start = Math.ceil((shift * 4) / 3);
    const body = b.slice(start, -2);
    if (body.length >= 6) out.push(body);
  }
  return out;
}

/** Every spelling of a secret that output may carry. */
export function secretForms(value: string): string[] {
  const out = new Set<string>([value]);
  out.add(encodeURIComponent(value));
  // application/x-www-form-urlencoded and RFC 3986 user-info spellings.
  out.add(encodeURIComponent(value).replace(/%20/g, '+'));
  out.add(new URLSearchParams({ v: value }).toString().slice(2));
  out.add(JSON.stringify(value).slice(1, -1));
  out.add(Buffer.from(value).toString('base64'));
  out.add(Buffer.from(value).toString('base64').replace(/=+$/, ''));
  out.add(Buffer.from(value).toString('base64url'));
  for (const body of [...embeddedBase64(value, 'base64'), ...embeddedBase64(value, 'base64url')]) out.add(body);
  return [...out].filter((f) => f.length >= 4);
}

/**
 * Flag-like values of secret-looking names (`TWILIO_WEBHOOK_AUTH=True`) are not
 * secrets, and masking them would blank every "true" in every output.
 */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|none|null|enabled|disabled)$/i;

/** The secret strings known from the variables: secret-named values and URL passwords. */
export function secretValues(vars: Vars): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(vars)) {
    if (!value) continue;
    if (isSecretName(name) && value.length >= 4 && !NOT_A_SECRET.test(value)) values.add(value);
    for (const m of value.matchAll(URL_CREDENTIALS)) {
      const pw = safeDecode(m[3]);
      if (pw.length >= 3) values.add(pw);
      if (m[3].length >= 3) values.add(m[3]);
    }
  }
  return [...values];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export type Redactor = (text: string) => string;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Build a redactor for these variables (plus any extra secret strings). */
export function createRedactor(vars: Vars = {}, extra: string[] = []): Redactor {
  const all = [...secretValues(vars), ...extra.filter((s) => s.length >= 4)].flatMap(secretForms);
  // Longest first so a value is masked whole before any of its parts.
  const unique = [...new Set(all)].sort((a, b) => b.length - a.length);
  const known = unique.length ? new RegExp(unique.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text: string) => {
    if (!text) return text;
    let out = known ? text.replace(known, MASK) : text;
    out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
    out = out.replace(URL_TOKEN_USER, (_m, scheme: string) => `${scheme}${MASK}@`);
    out = out.replace(AUTH_HEADER, (_m, name: string, sep: string, type: string) => `${name}${sep}${type} ${MASK}`);
    out = out.replace(SECRET_ASSIGNMENT, (_m, name: string, sep: string, q: string) => `${name}${sep}${q}${MASK}${q}`);
    out = out.replace(PRIVATE_KEY, `[private key ${MASK}]`);
    out = out.replace(TWILIO_SID, (m) => `${m.slice(0, 2)}${MASK}${m.slice(-4)}`);
    out = out.replace(HEX32_NEAR_TOKEN, (_m, label: string, sep: string) => `${label}${sep}${MASK}`);
    return out;
  };
}

/** Redact every string inside a JSON-like value (for results, sessions and reports). */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
