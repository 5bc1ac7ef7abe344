/**
 * Probe annotations: `<!-- probe: KIND key=value key="quoted value" key='x' -->`
 * and `<!-- id: custom-id -->`. A small tokenizer (shell-like quoting) turns the
 * comment body into a kind and raw string parameters; schema checks live in
 * the probe registry (src/probes/registry.ts), which the parser is handed.
 */
import { clip } from '../text/escape.js';
import { splitWords as splitInto, wordText } from './words.js';

/** What an annotation comment said, before schema validation. */
type Annotation =
  | { type: 'probe'; kind: string; params: Record<string, string>; raw: string }
  /** A rollback criterion watched over a window: a probe plus window keys (src/checklist/window.ts). */
  | { type: 'watch'; kind: string; params: Record<string, string>; raw: string }
  | { type: 'id'; id: string }
  /** Why an item stays with a person (`<!-- manual: needs a person: … -->`), shown in the wizard and the report. */
  | { type: 'manual'; reason: string };

/** A comment body that is not an annotation yields `null`; a malformed one an error message. */
export type AnnotationParse = { ok: true; annotation: Annotation } | { ok: false; message: string } | null;

/** `probe:`, `watch:`, `id:` or `manual:` right after `<!--` marks an annotation; other comments are left alone. */
const MARKER = /^\s*(probe|watch|id|manual)\s*:/i;

/**
 * How much of its item a probe proves: the runner-level key `evidence=partial`
 * marks a probe that judges only part of what the item says (the item still
 * asks a person); `evidence=full` (the default) is a probe that proves it.
 */
export const EVIDENCE_VALUES = ['full', 'partial'] as const;

/** Ids users may set: readable, path-like, no spaces. */
const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** Is this comment body (text between `<!--` and `-->`) meant as an annotation? */
export function isAnnotationBody(body: string): boolean {
  return MARKER.test(body);
}

/**
 * Split `a=1 b="two words" c='x' d=pre"fix"` into words the way a shell would:
 * quotes group, `\"` and `\\` escape inside double quotes (other backslashes
 * stay, so regular expressions like `"\d+"` survive), single quotes are literal.
 * The splitter itself is src/checklist/words.ts, shared with the command probe.
 */
export function splitWords(text: string): { ok: true; words: string[] } | { ok: false; message: string } {
  const split = splitInto(text, { backslash: 'annotation' });
  if (!split.ok) return { ok: false, message: `unterminated ${split.problem} in annotation` };
  return { ok: true, words: split.words.map(wordText) };
}

/** Parse a comment body. Returns null when the comment is not an annotation. */
export function parseAnnotation(body: string): AnnotationParse {
  const m = MARKER.exec(body);
  if (!m) return null;
  const rest = body.slice(m[0].length).trim();
  if (m[1].toLowerCase() === 'manual') {
    // Free text, not key=value: the reason as written, one line.
    const reason = rest.replace(/\s+/g, ' ').trim();
    if (!reason) return { ok: false, message: 'manual annotation without a reason, e.g. <!-- manual: needs a person: who was told -->' };
    return { ok: true, annotation: { type: 'manual', reason } };
  }
  const split = splitWords(rest);
  if (!split.ok) return split;
  const words = split.words;
  if (m[1].toLowerCase() === 'id') {
    if (words.length !== 1) return { ok: false, message: 'id annotation takes one id, e.g. <!-- id: db-backup -->' };
    return checkId(words[0]);
  }
  const type = m[1].toLowerCase() === 'watch' ? 'watch' : 'probe';
  const kind = words[0];
  if (!kind || kind.includes('=')) return { ok: false, message: `${type} annotation without a kind, e.g. <!-- ${type}: http url=... -->` };
  // No prototype: `__proto__=1` or `constructor=x` are keys like any other (the schema check calls them unknown).
  const params: Record<string, string> = Object.create(null);
  for (const word of words.slice(1)) {
    const eq = word.indexOf('=');
    if (eq <= 0) return { ok: false, message: `expected key=value in ${clip(kind)} probe, got "${clip(word)}"` };
    const key = word.slice(0, eq);
    if (Object.hasOwn(params, key)) return { ok: false, message: `parameter "${clip(key)}" given twice` };
    params[key] = word.slice(eq + 1);
  }
  return { ok: true, annotation: { type, kind, params, raw: rest } };
}

/** An explicit id must look like an id (no spaces, starts alphanumeric). */
export function checkId(id: string): AnnotationParse {
  if (!ID_SHAPE.test(id)) return { ok: false, message: `bad id "${clip(id)}": use letters, digits, ".", "_", "-" or "/"` };
  return { ok: true, annotation: { type: 'id', id } };
}

/** A comment found in some source text, with the offset of its `<!--`. */
export interface FoundComment {
  offset: number;
  /** Text between `<!--` and `-->` (or to the end when unterminated). */
  body: string;
  terminated: boolean;
}

/** Every `<!-- ... -->` in `text`, in order; the last may be unterminated. */
export function findComments(text: string): FoundComment[] {
  const out: FoundComment[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('<!--', from);
    if (start < 0) return out;
    const end = text.indexOf('-->', start + 4);
    if (end < 0) {
      out.push({ offset: start, body: text.slice(start + 4), terminated: false });
      return out;
    }
    out.push({ offset: start, body: text.slice(start + 4, end), terminated: true });
    from = end + 3;
  }
}
