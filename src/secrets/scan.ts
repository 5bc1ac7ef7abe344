/**
 * The pure half of the secrets-scan probe: the shapes of ./patterns.ts (the
 * redactor's own) found line by line, obvious placeholders left out, and a
 * small glob matcher for `exclude`. Findings carry a line and a rule, never
 * the matched value.
 */
import { isPlaceholder, PRIVATE_KEY_BEGIN, SECRET_SHAPES } from './patterns.js';
import { byCodeUnit } from '../order.js';

export { isPlaceholder } from './patterns.js';

/** One suspected secret: where it is and what it looks like. The value itself is never kept. */
export interface Finding {
  line: number;
  kind: string;
}

/** The shapes a repository scan looks for (the redactor masks these and a few more). */
const SCAN_SHAPES = SECRET_SHAPES.filter((s) => !s.maskOnly);

/**
 * Findings in one file's text, in line order; one per rule per line.
 * `allowed(value)`: a found value the allowlist lets through (never kept).
 */
export function scanText(text: string, allowed: (value: string) => boolean = () => false): Finding[] {
  const found = new Map<string, Finding>();
  const add = (line: number, kind: string) => found.set(`${line}\0${kind}`, { line, kind });
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const shape of SCAN_SHAPES) {
      for (const m of line.matchAll(shape.pattern)) {
        if (shape.accept && !shape.accept(m, line.slice(0, m.index ?? 0))) continue;
        const value = m[shape.valueGroup] ?? '';
        if (!isPlaceholder(value) && !allowed(value)) add(i + 1, shape.rule(m));
      }
    }
  });
  for (const m of text.matchAll(PRIVATE_KEY_BEGIN)) {
    const start = m.index ?? 0;
    // A real key block has a base64 body right after the marker; "-----BEGIN PRIVATE KEY-----\n..." in docs does not.
    // Escaped newlines (a literal backslash-n inside a JSON or env string) count as line breaks.
    const body = text.slice(start + m[0].length, start + m[0].length + 400).replace(/\\[nr]/g, '\n');
    if (/(^|["'\s])[A-Za-z0-9+/]{40,}/.test(body) && !allowed(m[0])) add(lineOf(text, start), `${m[1]}private key block`.replace(/^./, (c) => c.toUpperCase()));
  }
  return [...found.values()].sort((a, b) => a.line - b.line || byCodeUnit(a.kind, b.kind));
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
