/**
 * Reading a variables file (--env-file, --config): the file edge of the config
 * module. A missing, unreadable, binary, oversized or non-regular path (a
 * folder, a FIFO, /dev/zero) is one UserError naming the flag and the path.
 */
import { UserError } from '../errors.js';
import { describeRefusal, INPUT_CAPS, InputFileError, readInputFile } from '../input-file.js';

/** The text of a variables file (BOM dropped). */
export async function readText(path: string, flag: string, what: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readInputFile(path, INPUT_CAPS.variables);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    if (err.refusal === 'directory' || err.refusal === 'not-regular') throw new UserError(`${flag} ${path}: ${describeRefusal(err)}, expected a ${what} file`);
    if (err.refusal === 'too-large') throw new UserError(`${flag} ${path}: ${describeRefusal(err)}; a ${what} file is a few KB (check the path)`);
    throw new UserError(`${flag} ${path}: ${describeRefusal(err)} (check the path)`);
  }
  if (buf.includes(0)) throw new UserError(`${flag} ${path}: looks binary, expected a ${what} file`);
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}
