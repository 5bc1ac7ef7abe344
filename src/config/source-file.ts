/**
 * Reading a variables file (--env-file, --config): the file edge of the config
 * module. A missing, unreadable, binary or folder path is one UserError naming
 * the flag and the path.
 */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';

/** The text of a variables file (BOM dropped). */
export async function readText(path: string, flag: string, what: string): Promise<string> {
  let buf: Buffer;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UserError(`${flag} ${path}: is a directory, expected a ${what} file`);
    buf = await readFile(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
    throw new UserError(`${flag} ${path}: ${why} (check the path)`);
  }
  if (buf.includes(0)) throw new UserError(`${flag} ${path}: looks binary, expected a ${what} file`);
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}
