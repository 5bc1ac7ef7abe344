/**
 * Atomic, durable file replacement: a unique temp file in the same folder,
 * write, fsync, rename over the target, fsync the folder. A crash at any
 * moment leaves either the old or the new file, never a mix; a failed write
 * removes the temp and leaves the old file untouched.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The file operations a write goes through; tests inject failing ones (ENOSPC, EACCES). */
export interface WriteOps {
  /** Write every byte of `data` to the open temp file. */
  write(fh: FileHandle, data: string | Buffer): Promise<void>;
  /** Move the finished temp file over the target. */
  rename(from: string, to: string): Promise<void>;
}

export const defaultWriteOps: WriteOps = {
  write: async (fh, data) => {
    await fh.writeFile(data);
  },
  rename: (from, to) => rename(from, to),
};

/** `<file>.<pid>.<rand>.tmp`: unique per writer, and the pid tells a leftover's owner. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Pattern of temp files left by writers of `file` (capture 1 = pid). */
export function tempPattern(fileBase: string): RegExp {
  return new RegExp(`^${fileBase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** fsync a folder so a rename in it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Replace `file` with `data` atomically and durably (mode 0600). Rejects with
 * the underlying error after removing the temp file; `file` is unchanged then.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, ops: WriteOps = defaultWriteOps): Promise<void> {
  const tmp = tempPathFor(file);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx', 0o600);
    // The umask could have narrowed the mode; a session file is the owner's alone either way.
    await fh.chmod(0o600);
    await ops.write(fh, data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await ops.rename(tmp, file);
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await syncDir(dirname(file));
}
