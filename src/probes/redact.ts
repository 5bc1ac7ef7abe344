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
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]+)@/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** Twilio account/API key SIDs and 32-hex auth tokens. */
const TWILIO_SID = /\b(AC|SK)[0-9a-fA-F]{32}\b/g;
const HEX32_NEAR_TOKEN = /\b(auth[_-]?token|token|secret)(["'\s:=]+)[0-9a-fA-F]{32}\b/gi;

function forms(value: string): string[] {
  const out = new Set<string>([value]);
  out.add(encodeURIComponent(value));
  out.add(Buffer.from(value).toString('base64'));
  out.add(Buffer.from(value).toString('base64url'));
  // base64 of the value at each alignment inside a longer text ("user:" + value).
  for (let shift = 1; shift <= 2; shift++) {
    const b = Buffer.from('x'.repeat(shift) + value).toString('base64');
    // Drop the leading chars that encode the padding bytes and the last, partial quantum.
    const start = Math.ceil((shift * 4) / 3);
    const body = b.replace(/=+$/, '').slice(start, -2);
    if (body.length >= 8) out.add(body);
  }
  return [...out].filter((f) => f.length >= 4);
}

/** The secret strings known from the variables: secret-named values and URL passwords. */
export function secretValues(vars: Vars): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(vars)) {
    if (!value) continue;
    if (isSecretName(name) && value.length >= 4) values.add(value);
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
  const all = [...secretValues(vars), ...extra.filter((s) => s.length >= 4)].flatMap(forms);
  // Longest first so a value is masked whole before any of its parts.
  const unique = [...new Set(all)].sort((a, b) => b.length - a.length);
  const known = unique.length ? new RegExp(unique.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text: string) => {
    if (!text) return text;
    let out = known ? text.replace(known, MASK) : text;
    out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
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
