/**
 * The pure half of the secrets-scan probe: which shapes count as a secret,
 * which values are obvious placeholders, and a small glob matcher for
 * `exclude`. Findings carry a line and a kind, never the matched value.
 */

/** One suspected secret: where it is and what it looks like. The value itself is never kept. */
export interface Finding {
  line: number;
  kind: string;
}

/** A candidate on one line: what it looks like and the part that must not be a placeholder. */
interface Candidate {
  kind: string;
  value: string;
}

/*
 * Every pattern starts at a fixed literal (AC, SK, AKIA, "://", an assignment
 * operator) and uses bounded repetition, so scanning stays linear even on a
 * minified one-line file: an unanchored `[A-Za-z_]*token` would backtrack
 * quadratically there.
 */
const SID = /\b(AC|SK)([0-9a-fA-F]{32})\b/g;
const AWS_KEY = /\bAKIA([0-9A-Z]{16})\b/g;
const URL_PASSWORD = /\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}:\/\/[^\s:/@'"`<>]{0,256}:([^\s@/'"`<>]{1,256})@/g;
/** `= "hex32"`, `: 'hex32'`, `=> hex32`: the name before the operator is read backwards. */
const HEX32_ASSIGNED = /(=>|=|:)[ \t]{0,8}["']?([0-9a-fA-F]{32})(?![0-9a-zA-Z])/g;
const NAME_BEFORE = /([A-Za-z0-9_.-]{1,64})["']?[ \t]{0,8}$/;

function lineCandidates(line: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of line.matchAll(SID)) out.push({ kind: m[1] === 'AC' ? 'Twilio Account SID' : 'Twilio API key SID', value: m[2] });
  for (const m of line.matchAll(HEX32_ASSIGNED)) {
    const at = m.index ?? 0;
    const name = NAME_BEFORE.exec(line.slice(Math.max(0, at - 80), at))?.[1];
    if (name && /token|secret/i.test(name)) out.push({ kind: `32-hex value assigned to ${name}`, value: m[2] });
  }
  for (const m of line.matchAll(URL_PASSWORD)) out.push({ kind: 'password in URL', value: m[1] });
  for (const m of line.matchAll(AWS_KEY)) out.push({ kind: 'AWS access key ID', value: m[1] });
  return out;
}

const PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/g;

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

/** Findings in one file's text, in line order; one per kind per line. */
export function scanText(text: string): Finding[] {
  const found = new Map<string, Finding>();
  const add = (line: number, kind: string) => found.set(`${line}\0${kind}`, { line, kind });
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const c of lineCandidates(line)) if (!isPlaceholder(c.value)) add(i + 1, c.kind);
  });
  for (const m of text.matchAll(PRIVATE_KEY)) {
    const start = m.index ?? 0;
    // A real key block has a base64 body right after the marker; "-----BEGIN PRIVATE KEY-----\n..." in docs does not.
    // Escaped newlines (a literal backslash-n inside a JSON or env string) count as line breaks.
    const body = text.slice(start + m[0].length, start + m[0].length + 400).replace(/\\[nr]/g, '\n');
    if (/(^|["'\s])[A-Za-z0-9+/]{40,}/.test(body)) add(lineOf(text, start), `${m[1]}private key block`.replace(/^./, (c) => c.toUpperCase()));
  }
  return [...found.values()].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A glob as a regular expression over `/`-separated paths: `**` spans folders,
 * `*` and `?` stay within one, `{a,b}` alternates. node's path.matchesGlob
 * exists on Node 20.17+ but prints an ExperimentalWarning there, which would
 * land in the middle of the wizard's screen.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end === -1) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Build the `exclude` matcher from comma-separated globs. A glob without a
 * slash also matches a file's base name (`*.md`); a plain folder excludes
 * everything under it (`docs/examples`).
 */
export function excludeMatcher(exclude: string | undefined): (file: string) => boolean {
  const globs = (exclude ?? '').split(',').map((g) => g.trim().replace(/^\.\//, '').replace(/\/+$/, '')).filter(Boolean);
  if (!globs.length) return () => false;
  const tests = globs.map((g) => {
    const re = globToRegExp(g);
    const under = globToRegExp(`${g}/**`);
    const baseOnly = !g.includes('/');
    return (file: string) => re.test(file) || under.test(file) || (baseOnly && re.test(file.slice(file.lastIndexOf('/') + 1)));
  });
  return (file) => tests.some((t) => t(file));
}
