/** How every message names a file: as the person typed it, relative to the working folder when inside it. */
import { isAbsolute, relative } from 'node:path';

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
