/**
 * Atomic, durable file replacement: a unique temp file in the same folder,
 * write, fsync, rename over the target, fsync the folder. A crash at any
 * moment leaves either the old or the new file, never a mix; a failed write
 * removes the temp and leaves the old file untouched. The one atomic writer:
 * sessions, reports, the team journal and the caches of parses and compiled
 * code all write through it. A leaf module: it imports nothing of src/.
 *
 * Not the `write-file-atomic` package: it neither fsyncs the folder after the
 * rename (a power cut can lose the rename) nor lets a test inject a failing
 * write (ENOSPC, EACCES) at the step it names; both are the point here.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
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
function tempPathFor(file: string): string {
  return join(dirname(file), `${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Pattern of temp files left by writers of `file` (capture 1 = pid). */
export function tempPattern(fileBase: string): RegExp {
  return new RegExp(`^${fileBase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** fsync a folder so a rename in it survives a power cut. */
async function syncDir(dir: string): Promise<void> {
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

/**
 * The same, synchronously, for writers that cannot wait (the team journal on a
 * change, the caches at start-up). `durable: false` skips both fsyncs: for a
 * cache, whose reader checks what it reads, a power cut may lose the new file
 * but never leaves half of it under the name.
 */
export function writeFileAtomicSync(file: string, data: string | Buffer, opts: { durable?: boolean } = {}): void {
  const durable = opts.durable !== false;
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    fchmodSync(fd, 0o600);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* never made, or already moved */
    }
    throw err;
  }
  if (durable) syncDirSync(dirname(file));
}

function syncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
