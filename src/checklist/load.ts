/**
 * Read and parse a checklist file: the I/O edge in front of the pure parser.
 */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { parseChecklist } from './parse.js';
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
  const hint = checklistHint(origin);
  const bytes = await readBytes(path, hint);
  const text = decodeText(bytes, path, hint);
  return parseChecklist(text, path, validateProbe);
}

async function readBytes(path: string, HINT: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UserError(`checklist ${path} is a directory: ${HINT}`);
    if (!info.isFile()) throw new UserError(`checklist ${path} is not a regular file: ${HINT}`);
    return await readFile(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`checklist ${path} not found: check the path or ${HINT}`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`checklist ${path} cannot be read (permission denied): fix its permissions or ${HINT}`);
    if (code === 'EISDIR') throw new UserError(`checklist ${path} is a directory: ${HINT}`);
    throw new UserError(`checklist ${path} cannot be read (${code ?? 'I/O error'}): ${HINT}`);
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
