/**
 * Reading a file the user named as input (--config, --env-file, --checklist, a
 * session lock): the one place that makes sure it is a regular file of a sane
 * size before reading it. A FIFO would block the read forever (and an open for
 * reading blocks until a writer comes), /dev/zero and /dev/urandom never end,
 * a folder cannot be read: each is refused with a reason the caller words as
 * one line. The file is opened non-blocking, so even a FIFO swapped in after a
 * look at the path cannot hang the open; then the open file itself is checked.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a path is not a readable input file. */
export type InputRefusal = 'not-found' | 'directory' | 'not-regular' | 'too-large' | 'denied' | 'io';

export class InputFileError extends Error {
  constructor(
    readonly path: string,
    readonly refusal: InputRefusal,
    /** The file's size when it was too large; the errno code of an I/O error. */
    readonly detail: { size?: number; maxBytes?: number; code?: string } = {},
  ) {
    super(`${path}: ${describeRefusal({ refusal, detail } as InputFileError)}`);
  }
}

/** The refusal in words: "is a directory", "is larger than 1 MB (3.2 MB)"… */
export function describeRefusal(err: Pick<InputFileError, 'refusal' | 'detail'>): string {
  switch (err.refusal) {
    case 'not-found':
      return 'file not found';
    case 'directory':
      return 'is a directory, not a file';
    case 'not-regular':
      return 'is not a regular file (a device, FIFO or socket)';
    case 'too-large':
      return `is larger than ${megabytes(err.detail.maxBytes ?? 0)}${err.detail.size !== undefined ? ` (${megabytes(err.detail.size)})` : ''}`;
    case 'denied':
      return 'permission denied';
    case 'io':
      return `cannot be read (${err.detail.code ?? 'I/O error'})`;
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function refusalOf(err: unknown): InputRefusal {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not-found';
  if (code === 'EISDIR') return 'directory';
  if (code === 'EACCES' || code === 'EPERM') return 'denied';
  return 'io';
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes` long; an
 * InputFileError for anything else (never a hang, never more than `maxBytes`
 * read, even when the file grows while it is read).
 */
export async function readInputFile(path: string, maxBytes: number): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputFileError(path, refusalOf(err), { code: (err as NodeJS.ErrnoException)?.code });
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new InputFileError(path, 'directory');
    if (!st.isFile()) throw new InputFileError(path, 'not-regular');
    if (st.size > maxBytes) throw new InputFileError(path, 'too-large', { size: st.size, maxBytes });
    // Read to the end, but never past the cap (a file may grow while it is read).
    const chunks: Buffer[] = [];
    let total = 0;
    let want = Math.min(st.size, maxBytes) + 1;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(want, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new InputFileError(path, 'too-large', { maxBytes });
      want = 64 * 1024;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(path, refusalOf(err), { code: (err as NodeJS.ErrnoException)?.code });
  } finally {
    await fh.close().catch(() => {});
  }
}

/** readInputFile for callers that read synchronously (the signing setup): the same rules, the same refusals. */
export function readInputFileSync(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputFileError(path, refusalOf(err), { code: (err as NodeJS.ErrnoException)?.code });
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputFileError(path, 'directory');
    if (!st.isFile()) throw new InputFileError(path, 'not-regular');
    if (st.size > maxBytes) throw new InputFileError(path, 'too-large', { size: st.size, maxBytes });
    const buf = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, total, Math.min(64 * 1024, maxBytes + 1 - total), total);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new InputFileError(path, 'too-large', { maxBytes });
    }
    return buf.subarray(0, total);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(path, refusalOf(err), { code: (err as NodeJS.ErrnoException)?.code });
  } finally {
    closeSync(fd);
  }
}

/** Caps for the files the tool reads as input. */
export const INPUT_CAPS = {
  /** --config, --env-file: a few hundred variables fit in a few KB. */
  variables: 1024 * 1024,
  /** A checklist: the shipped one is ~40 KB. */
  checklist: 8 * 1024 * 1024,
  /** A session lock: one line of JSON. */
  lock: 64 * 1024,
  /** allowed_signers, an SSH key file: a team's keys fit in a few KB. */
  keys: 1024 * 1024,
} as const;
