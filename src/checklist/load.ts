/**
 * Read and parse a checklist file: the I/O edge in front of the pure parser,
 * and the cache of parse results the wizard's first frame reads (issue 16).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomicSync } from '../atomic-write.js';
import { describeRefusal, INPUT_CAPS, InputFileError, readInputFile } from '../input-file.js';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { UserError } from '../errors.js';
import type { ParseResult, ProbeValidator } from './types.js';

/** How the checklist's path was chosen: the default (nothing passed), --checklist, or a command's FILE argument. */
export type ChecklistOrigin = 'default' | 'flag' | { argumentOf: string };

/** What to do about an unusable checklist, for the way its path was chosen (never "pass --checklist" to someone who did). */
export function checklistHint(origin: ChecklistOrigin = 'default'): string {
  if (origin === 'default') return 'pass a Markdown checklist with --checklist FILE';
  if (origin === 'flag') return 'give --checklist a Markdown checklist file';
  return `give ${origin.argumentOf} a Markdown checklist file`;
}

/**
 * Unreadable, empty or non-Markdown files throw a UserError naming the file.
 * A readable text file always yields a ParseResult (its problems inside).
 */
export async function loadChecklist(path: string, validateProbe: ProbeValidator, origin: ChecklistOrigin = 'default'): Promise<ParseResult> {
  const text = await readChecklistText(path, origin);
  // The parser (and markdown-it) load with the first parse, not with this module.
  const { parseChecklist } = await import('./parse.js');
  return parseChecklist(text, path, validateProbe);
}

/** Where parse results are kept, and the build that made them (a new build never reads an older one's). */
export interface ParseCache {
  dir: string;
  build: string;
}

/**
 * loadChecklist through a cache of parse results: a file per build, Node
 * version, path and content (sha256), holding the ParseResult as V8 serialized
 * it (undefined and every other value round-trip exactly). A hit skips the
 * parser, markdown-it and the probe kinds' schemas (`validator` is only asked
 * on a miss); the file is read anyway, so an edit or a move is a miss, never
 * a stale model. Only a checklist without problems is kept. A cache that
 * cannot be read or written only means a parse.
 */
export async function loadChecklistCached(path: string, validator: () => Promise<ProbeValidator>, cache: ParseCache | undefined, origin: ChecklistOrigin = 'default'): Promise<ParseResult> {
  const text = await readChecklistText(path, origin);
  const hash = createHash('sha256').update(text).digest('hex');
  const file = cache && join(cache.dir, parseCacheFileName(cache.build, path, hash));
  if (file) {
    const hit = readParseCache(file, path, hash);
    if (hit) return hit;
  }
  const [{ parseChecklist }, validateProbe] = await Promise.all([import('./parse.js'), validator()]);
  const result = parseChecklist(text, path, validateProbe);
  if (cache && file && result.problems.length === 0 && result.checklist.hash === hash) writeParseCache(cache, file, path, result);
  return result;
}

/** `checklist-<build>-<node>-<sha256 of path and content>.v8`. */
export function parseCacheFileName(build: string, path: string, contentHash: string, version = process.version): string {
  const key = createHash('sha256').update(path).update('\0').update(contentHash).digest('hex').slice(0, 32);
  return `checklist-${build}-${version}-${key}.v8`;
}

function readParseCache(file: string, path: string, hash: string): ParseResult | undefined {
  try {
    const stored = deserialize(readFileSync(file)) as { path?: unknown; result?: ParseResult };
    const result = stored.result;
    // The name is a hash: the document says again what it was made from.
    if (stored.path !== path || result?.checklist?.hash !== hash || result.checklist.file !== path || !Array.isArray(result.problems)) return undefined;
    return result;
  } catch {
    return undefined; // none yet, or unreadable: parse
  }
}

/** Through the atomic writer (owner-only; a cache: not fsynced); files of other builds are dropped. */
function writeParseCache(cache: ParseCache, file: string, path: string, result: ParseResult): void {
  try {
    mkdirSync(cache.dir, { recursive: true });
    writeFileAtomicSync(file, serialize({ path, result }), { durable: false });
    for (const f of readdirSync(cache.dir)) if (f.startsWith('checklist-') && !f.startsWith(`checklist-${cache.build}-`)) rmSync(join(cache.dir, f), { force: true });
  } catch {
    /* an unwritable cache folder: the next start parses again */
  }
}

/** The checklist file's text (readBytes + decodeText: every bad file is a UserError naming it, with what to do for how it was named). */
async function readChecklistText(path: string, origin: ChecklistOrigin = 'default'): Promise<string> {
  const hint = checklistHint(origin);
  return decodeText(await readBytes(path, hint), path, hint);
}

async function readBytes(path: string, HINT: string): Promise<Buffer> {
  try {
    return await readInputFile(path, INPUT_CAPS.checklist);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    switch (err.refusal) {
      case 'not-found':
        throw new UserError(`checklist ${path} not found: check the path or ${HINT}`);
      case 'denied':
        throw new UserError(`checklist ${path} cannot be read (permission denied): fix its permissions or ${HINT}`);
      case 'directory':
        throw new UserError(`checklist ${path} is a directory: ${HINT}`);
      case 'not-regular':
        throw new UserError(`checklist ${path} is not a regular file: ${HINT}`);
      default:
        throw new UserError(`checklist ${path} ${describeRefusal(err)}: ${HINT}`);
    }
  }
}

/**
 * The file's text: UTF-8 (a byte order mark dropped), or UTF-16 with or
 * without a byte order mark (Windows editors save "Unicode" so); a UserError
 * for empty, binary and other files. Exported for tests.
 */
export function decodeText(bytes: Uint8Array, path: string, HINT = checklistHint()): string {
  if (bytes.length === 0) throw new UserError(`checklist ${path} is empty: ${HINT}`);
  const utf16 = utf16Of(bytes);
  if (!utf16 && bytes.includes(0)) throw new UserError(`checklist ${path} is a binary file, not Markdown: ${HINT}`);
  let text: string;
  try {
    text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(bytes);
  } catch {
    const what = utf16 ? `not valid ${utf16.toUpperCase()} text` : 'not UTF-8 text (binary or another encoding)';
    throw new UserError(`checklist ${path} is ${what}: save it as UTF-8 Markdown or ${HINT}`);
  }
  // The decoder drops a byte order mark it expects; a UTF-8 one it keeps would end up in the first heading.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (utf16 && text.includes('\0')) throw new UserError(`checklist ${path} is a binary file, not Markdown: ${HINT}`);
  if (!text.trim()) throw new UserError(`checklist ${path} is empty (only whitespace): ${HINT}`);
  return text;
}

/**
 * UTF-16 by its byte order mark, or without one by its shape: Markdown is
 * mostly ASCII, so every other byte is zero, always at the same parity.
 */
function utf16Of(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes.length % 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = bytes.length / 2;
  // Most pairs hold an ASCII character; a few zeros at the other parity are characters like U+4E00 (or NULs, refused after decoding).
  if (oddZeros >= pairs / 2 && evenZeros <= pairs / 16) return 'utf-16le';
  if (evenZeros >= pairs / 2 && oddZeros <= pairs / 16) return 'utf-16be';
  return undefined;
}
