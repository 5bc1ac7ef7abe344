/**
 * The one set of secret shapes. The redactor masks every match in everything
 * the tool prints, stores or reports; the secrets-scan probe reports each match
 * as a finding (file:line and rule, never the value). A shape added here is
 * masked and scanned alike.
 *
 * Every pattern starts at a fixed literal (AC, SK, AKIA, "://", a header name,
 * an assignment operator) and uses bounded repetition, so scanning stays
 * linear even on a minified one-line file.
 */

export const MASK = '***';

/** Variable names that hold secrets: PASSWORD, TOKEN, SECRET, KEY, DSN, DB_PWD, *_PASSPHRASE (and kin). */
const SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|PASS$|_PWD$|TOKEN|SECRET|KEY|DSN|CREDENTIAL|AUTH/i;

/** Masking by name: does this variable hold a secret? (`PWD`, the shell's folder, does not.) */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** One secret shape. */
export interface SecretShape {
  /** The rule a scanner finding names, from the match. */
  rule: (m: RegExpMatchArray) => string;
  /** A global pattern. */
  pattern: RegExp;
  /** The group holding the secret part: a placeholder there (`${VAR}`, `changeme`) is no finding. */
  valueGroup: number;
  /** What the redactor puts in place of a match (the groups as `String.replace` passes them). */
  mask: (match: string, ...groups: string[]) => string;
  /**
   * Only for masking output, not for scanning a repository: `DB_PASSWORD=…` in
   * an example env file is the app's documentation, not a leak.
   */
  maskOnly?: boolean;
  /** Extra check on the match and the text before it (the scanner and redactor both ask). */
  accept?: (m: RegExpMatchArray, before: string) => boolean;
}

/** A name read backwards from an assignment operator: `TWILIO_AUTH_TOKEN = "…"`. */
const NAME_BEFORE = /([A-Za-z0-9_.-]{1,64})["']?[ \t]{0,8}$/;
const scheme = '(?<![a-zA-Z0-9+.-])([a-zA-Z][a-zA-Z0-9+.-]{0,31}:\\/\\/)';

/** A password inside a URL: groups scheme, user, password. */
export const URL_PASSWORD = new RegExp(`${scheme}([^\\s:/@]{0,256}):([^\\s@/]{1,256})@`, 'g');

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    // Twilio account and API key SIDs: AC / SK + 32 hex.
    rule: (m) => (m[1] === 'AC' ? 'Twilio Account SID' : 'Twilio API key SID'),
    pattern: /\b(AC|SK)([0-9a-fA-F]{32})\b/g,
    valueGroup: 2,
    mask: (m) => `${m.slice(0, 2)}${MASK}${m.slice(-4)}`,
  },
  {
    // AWS access key IDs (long-lived AKIA…, temporary ASIA…).
    rule: () => 'AWS access key ID',
    pattern: /\b(AKIA|ASIA)([0-9A-Z]{16})\b/g,
    valueGroup: 2,
    mask: (_m, prefix) => `${prefix}${MASK}`,
  },
  {
    // A password inside a URL: redis://:pw@host, postgres://u:pw@host.
    rule: () => 'password in URL',
    pattern: URL_PASSWORD,
    valueGroup: 3,
    mask: (_m, s, user) => `${s}${user}:${MASK}@`,
  },
  {
    // A token as the whole user part of a URL: https://ghp_xxx@github.com/….
    rule: () => 'token in URL user part',
    pattern: new RegExp(`${scheme}([A-Za-z0-9_\\-.~%]{20,256})@`, 'g'),
    valueGroup: 2,
    mask: (_m, s) => `${s}${MASK}@`,
  },
  {
    // GitHub tokens: classic (ghp_), OAuth (gho_), user-to-server (ghu_), server (ghs_), refresh (ghr_), fine-grained (github_pat_).
    rule: (m) => `GitHub token (${m[1]})`,
    pattern: /\b(gh[pousr]_|github_pat_)([A-Za-z0-9_]{30,255})\b/g,
    valueGroup: 2,
    mask: (_m, prefix) => `${prefix}${MASK}`,
  },
  {
    // Slack tokens (bot, user, app, refresh, config): xoxb-…, xoxp-…, xapp-….
    rule: () => 'Slack token',
    pattern: /\b(xox[abeoprs]-|xapp-)([A-Za-z0-9-]{10,255})/g,
    valueGroup: 2,
    mask: (_m, prefix) => `${prefix}${MASK}`,
  },
  {
    // A JSON Web Token: header.payload.signature, each base64url, header and payload JSON objects ("eyJ" = '{"').
    rule: () => 'JSON Web Token',
    pattern: /\b(eyJ[A-Za-z0-9_-]{6,2048})\.(eyJ[A-Za-z0-9_-]{2,8192})\.([A-Za-z0-9_-]{8,2048})/g,
    valueGroup: 3,
    mask: () => `eyJ${MASK}`,
  },
  {
    // Incoming-webhook URLs whose path is the credential: Slack (hooks.slack.com/services/…, /workflows/…), Discord.
    rule: (m) => `webhook URL (${m[1]})`,
    pattern: /\b(hooks\.slack\.com\/(?:services|workflows|triggers)\/|(?:discord|discordapp)\.com\/api\/webhooks\/)([A-Za-z0-9_\/-]{8,512})/g,
    valueGroup: 2,
    mask: (_m, where) => `${where}${MASK}`,
  },
  {
    // `Authorization: Basic …` / `Bearer …`, as printed by curl -v and friends.
    rule: () => 'credentials in an Authorization header',
    pattern: /\b(authorization|proxy-authorization)(["']?\s{0,8}[:=]\s{0,8}["']?)(basic|bearer|token)\s{1,8}([A-Za-z0-9+/=._~-]{8,2048})/gi,
    valueGroup: 4,
    mask: (_m, name, sep, type) => `${name}${sep}${type} ${MASK}`,
  },
  {
    // `= "hex32"`, `: 'hex32'`, `=> hex32` after a name with token/secret in it (read backwards).
    rule: (m) => `32-hex value assigned to ${m.groups?.name ?? 'a secret'}`,
    pattern: /(=>|=|:)([ \t]{0,8}["']?)([0-9a-fA-F]{32})(?![0-9a-zA-Z])/g,
    valueGroup: 3,
    mask: (_m, op, sep) => `${op}${sep}${MASK}`,
    accept: (m, before) => {
      const name = NAME_BEFORE.exec(before.slice(-80))?.[1];
      if (!name || !/token|secret/i.test(name)) return false;
      m.groups = { ...(m.groups ?? {}), name };
      return true;
    },
  },
  {
    // `auth_token 0123…` with only spaces or quotes between (log lines, CLI output).
    rule: (m) => `32-hex value assigned to ${m[1]}`,
    pattern: /\b(auth[_-]?token|token|secret)(["'\s:=]{1,8})([0-9a-fA-F]{32})\b/gi,
    valueGroup: 3,
    mask: (_m, label, sep) => `${label}${sep}${MASK}`,
  },
  {
    // `DB_PASSWORD=value`, `MYSQL_PWD: value` as printed by `env` or a config dump (a ${VAR} reference is kept).
    rule: (m) => `value of ${m[1]}`,
    pattern: /\b([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|PASSPHRASE|_PWD|TOKEN|SECRET|_KEY|DSN|CREDENTIALS?))(\s*[=:]\s*)(?!\$\{)(["']?)([^\s"']+)\3/g,
    valueGroup: 4,
    mask: (_m, name, sep, q) => `${name}${sep}${q}${MASK}${q}`,
    maskOnly: true,
  },
];

/** The start of a private key block; the scanner also wants a base64 body after it. */
export const PRIVATE_KEY_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/g;
/** A whole private key block (to its END line, or to the end of the text), for masking. */
export const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
/** The line that opens a private key block, and the one that closes it (for text kept as a list of lines). */
export const PRIVATE_KEY_OPENS = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
export const PRIVATE_KEY_CLOSES = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;
/**
 * A PEM body line on its own (64 base64 characters, the width PEM writes),
 * with upper and lower case letters and digits: what is left of a key whose
 * BEGIN line went by in another chunk of output. Masking only (a public
 * certificate in a repository is no leak).
 */
export const PEM_BODY_LINE = /(^|\n)([A-Za-z0-9+/]{64})(?=\r?\n|$)/g;

/** Does a 64-character base64 line look like key material (mixed case and digits, not a hex digest)? */
export function isPemBodyLine(line: string): boolean {
  return /[a-z]/.test(line) && /[A-Z]/.test(line) && /[0-9]/.test(line) && /[g-zG-Z+/]/.test(line);
}

/**
 * Armored blocks that are public by design and must never be masked, however
 * PEM masking is widened: SSH signatures (a sign-off's proof, checked by
 * `deploy-wizard verify`) and public keys. Masking one would destroy the proof
 * and hide nothing.
 */
export const PUBLIC_BLOCK = /-----BEGIN (SSH SIGNATURE|(?:OPENSSH |SSH2 |RSA |EC )?PUBLIC KEY)-----[\s\S]*?-----END \1-----/g;

/** Values that are clearly stand-ins, as found in docs and example env files. */
const PLACEHOLDER =
  /\$\{|^\$[A-Za-z_]\w*$|^%\(.+\)s$|^<.*>$|^\{.*\}$|^\[.*\]$|^(your|my|the|some)[-_]|changeme|change[-_]me|example|placeholder|dummy|sample|redacted|^(password|passwd|pass|pwd|secret|token|user|username|xxx+|\*+|\.+)$/i;

/**
 * True for obvious placeholders: `${VAR}`, `your-…`, `changeme`, `<token>`,
 * low-variety runs such as `xxxxxxxx` or `00000000` (ACxxxx…, AKIAXXXX…), and
 * counting runs such as `0123456789abcdef0123…` (the usual dummy hex token).
 */
export function isPlaceholder(value: string): boolean {
  if (PLACEHOLDER.test(value)) return true;
  const v = value.toLowerCase();
  return new Set(v).size <= 2 || isCountingRun(v);
}

const HEX_DIGITS = '0123456789abcdef';

/** Every character is the hex digit after the one before it (wrapping f → 0). */
function isCountingRun(v: string): boolean {
  if (v.length < 8) return false;
  for (let i = 1; i < v.length; i++) {
    const prev = HEX_DIGITS.indexOf(v[i - 1]);
    if (prev === -1 || v[i] !== HEX_DIGITS[(prev + 1) % 16]) return false;
  }
  return true;
}
