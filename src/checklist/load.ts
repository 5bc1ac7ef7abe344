/**
 * Read and parse a checklist file: the I/O edge in front of the pure parser.
 */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { parseChecklist } from './parse.js';
import type { ParseResult } from './types.js';

const HINT = 'pass a Markdown checklist with --checklist FILE';

/**
 * Unreadable, empty or non-Markdown files throw a UserError naming the file.
 * A readable text file always yields a ParseResult (its problems inside).
 */
export async function loadChecklist(path: string): Promise<ParseResult> {
  const bytes = await readBytes(path);
  const text = decodeText(bytes, path);
  return parseChecklist(text, path);
}

async function readBytes(path: string): Promise<Buffer> {
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

/** UTF-8 text, or a UserError for empty and binary files. Exported for tests. */
export function decodeText(bytes: Uint8Array, path: string): string {
  if (bytes.length === 0) throw new UserError(`checklist ${path} is empty: ${HINT}`);
  if (bytes.includes(0)) throw new UserError(`checklist ${path} is a binary file, not Markdown: ${HINT}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`checklist ${path} is not UTF-8 text (binary or another encoding): save it as UTF-8 Markdown or ${HINT}`);
  }
  if (!text.trim()) throw new UserError(`checklist ${path} is empty (only whitespace): ${HINT}`);
  // A UTF-8 byte order mark is legal but would end up in the first heading.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
