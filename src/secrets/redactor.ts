/**
 * Redaction in one place. Everything a probe returns, and everything a session,
 * report, log or error message shows, passes through a redactor built from the
 * resolved variables: values of secret variables (and their URL-encoded and
 * base64 forms), and every secret shape of ./patterns.ts (credentials in URLs,
 * Twilio SIDs/tokens, AWS keys, Authorization headers, private keys…), the same
 * shapes the secrets-scan probe looks for.
 */
import type { Vars } from '../config/vars.js';
import { safeDecode } from '../text/lines.js';
import { isPemBodyLine, isSecretName, MASK, PEM_BODY_LINE, PRIVATE_KEY_BLOCK, PRIVATE_KEY_CLOSES, PRIVATE_KEY_OPENS, PUBLIC_BLOCK, SECRET_SHAPES, URL_PASSWORD, type SecretShape } from './patterns.js';

export { isSecretName, MASK } from './patterns.js';

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
function secretForms(value: string): string[] {
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
function secretValues(vars: Vars): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(vars)) {
    if (!value) continue;
    if (isSecretName(name) && value.length >= 4 && !NOT_A_SECRET.test(value)) values.add(value);
    for (const m of value.matchAll(URL_PASSWORD)) {
      const pw = safeDecode(m[3]);
      if (pw.length >= 3) values.add(pw);
      if (m[3].length >= 3) values.add(m[3]);
    }
  }
  return [...values];
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
  const mask = (text: string) => {
    let out = known ? text.replace(known, MASK) : text;
    out = out.replace(PRIVATE_KEY_BLOCK, `[private key ${MASK}]`);
    out = out.replace(PEM_BODY_LINE, (m, nl: string, line: string) => (isPemBodyLine(line) ? `${nl}${MASK}` : m));
    for (const shape of SECRET_SHAPES) out = maskShape(out, shape);
    return out;
  };
  return (text: string) => {
    if (!text) return text;
    // Public blocks (SSH signatures, public keys) pass whole; only the text around them is masked.
    if (!text.includes('-----BEGIN ')) return mask(text);
    let out = '';
    let last = 0;
    for (const m of text.matchAll(PUBLIC_BLOCK)) {
      out += mask(text.slice(last, m.index)) + m[0];
      last = m.index! + m[0].length;
    }
    return out + mask(text.slice(last));
  };
}

/**
 * Redact text kept as a list of lines (a probe's evidence, output tails): a
 * private key block spread over several lines is masked whole, every line from
 * its BEGIN to its END (or to the last line), the line count kept.
 */
function redactLines(lines: readonly string[], redact: Redactor): string[] {
  let inKey = false;
  return lines.map((line) => {
    if (!inKey && PRIVATE_KEY_OPENS.test(line)) {
      const opens = line.search(PRIVATE_KEY_OPENS);
      inKey = !PRIVATE_KEY_CLOSES.test(line.slice(opens));
      return redact(line.slice(0, opens)) + `[private key ${MASK}]`;
    }
    if (inKey) {
      if (PRIVATE_KEY_CLOSES.test(line)) inKey = false;
      return MASK;
    }
    return redact(line);
  });
}

/** Mask every match of one shape (asking its `accept`, when it has one, with the text before the match). */
function maskShape(text: string, shape: SecretShape): string {
  return text.replace(shape.pattern, (...args: unknown[]) => {
    const whole = args[args.length - 1] as string;
    const offset = args[args.length - 2] as number;
    const groups = args.slice(1, -2) as string[];
    const match = args[0] as string;
    if (shape.accept) {
      const m = [match, ...groups] as unknown as RegExpMatchArray;
      m.index = offset;
      if (!shape.accept(m, whole.slice(0, offset))) return match;
    }
    return shape.mask(match, ...groups);
  });
}

/** Redact every string inside a JSON-like value (for results, sessions and reports). */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) {
    // A list of lines: a key block across them is masked whole.
    if (value.length > 1 && value.every((v) => typeof v === 'string')) return redactLines(value as string[], redact) as T;
    return value.map((v) => redactDeep(v, redact)) as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}

/**
 * A connection URL (the team store's `postgres://…`) as it may be shown: the
 * password and every secret-named query parameter (`?password=`,
 * `sslpassword=`…) masked; text that is not a URL is masked by the shapes
 * above and any `user:pw@` left. The one store-URL masker: hints, errors,
 * `migrate` and the process title all ask it.
 */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The URL as a variable's value: its user:pw@ password is found (URL_PASSWORD) and masked wherever it occurs.
    return createRedactor({ STORE_URL: url })(url).replace(/:[^:@/]*@/, `:${MASK}@`);
  }
  // Rebuilt by hand: URL's own serialisation percent-encodes the mask in the query.
  const auth = u.username ? `${u.username}${u.password ? `:${MASK}` : ''}@` : u.password ? `:${MASK}@` : '';
  const query = [...u.searchParams.entries()].map(([k, v]) => `${encodeURIComponent(k)}=${isSecretName(k) ? MASK : encodeURIComponent(v)}`).join('&');
  const host = u.host;
  const path = u.pathname === '/' && !url.replace(/[?#].*$/, '').endsWith('/') ? '' : u.pathname;
  return `${u.protocol}//${auth}${host}${path}${query ? `?${query}` : ''}${u.hash ? '#…' : ''}`;
}

/** The secret strings a connection URL carries (its password, raw and decoded; secret-named query values), for createRedactor's `extra`. */
export function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.password, safeDecode(u.password), ...[...u.searchParams.entries()].filter(([k]) => isSecretName(k)).map(([, v]) => v)].filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * The command line as `ps` may show it: the URL of every `--store URL` /
 * `--store=URL` masked (maskUrl); undefined when nothing needed masking.
 */
export function maskedArgv(argv: readonly string[]): string[] | undefined {
  let changed = false;
  const out = argv.map((a, i) => {
    let shown = a;
    if (argv[i - 1] === '--store') shown = maskUrl(a);
    else if (a.startsWith('--store=')) shown = `--store=${maskUrl(a.slice('--store='.length))}`;
    if (shown !== a) changed = true;
    return shown;
  });
  return changed ? out : undefined;
}
