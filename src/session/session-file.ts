/**
 * One session document on disk: the lowdb adapter (validated reads, atomic
 * durable writes) and the diagnosis of damaged files. A damaged file is never
 * rewritten: its bytes are copied aside and the read fails with one line
 * naming the file, what is wrong and what to do.
 */
import { constants } from 'node:fs';
import { lstat, open, readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { jsonErrorWhere, UserError } from '../errors.js';
import { SessionSchema, type Session } from './schema.js';
import { migrate, MigrationError } from './migrate.js';
import { defaultWriteOps, writeFileAtomic, type WriteOps } from '../atomic-write.js';

import { displayPath } from '../display-path.js';

export { displayPath };

export type Diagnosis =
  /** `idFrom`: the id inside the file when it differed from the file's name (the name wins). */
  | { ok: true; session: Session; migratedFrom?: number; idFrom?: string }
  /** `damaged` false: readable but not openable by this version (kept as is, not copied). */
  | { ok: false; problem: string; damaged: boolean };

function zodProblem(issues: { path: PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  const where = first?.path.length ? first.path.map(String).join('.') : 'document';
  const more = issues.length > 1 ? ` and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''}` : '';
  return `does not match the session schema (${where}: ${first?.message ?? 'invalid'}${more})`;
}

/** Decide what a file's bytes hold: a valid (possibly migrated) session, or what is wrong. */
export function diagnose(bytes: Buffer): Diagnosis {
  const bad = (problem: string): Diagnosis => ({ ok: false, problem, damaged: true });
  if (bytes.length === 0) return bad('is empty (0 bytes)');
  if (bytes.every((b) => b === 0)) return bad(`is filled with NUL bytes (${bytes.length} bytes; damaged by a crash or disk fault)`);
  if (bytes.includes(0)) return bad('contains NUL bytes (damaged by a crash or disk fault)');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) return bad('is empty (only whitespace)');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // The parser stopping at the very end of the text means the text was cut short.
    const at = /at position (\d+)/.exec(msg);
    const atEnd = at ? Number(at[1]) >= text.trimEnd().length : false;
    const truncated = atEnd || /end of JSON|Unterminated|Unexpected end/i.test(msg);
    if (truncated) return bad('is not valid JSON (truncated?)');
    // Say where, not what the parser saw: its message quotes file content.
    return bad(`is not valid JSON (${jsonErrorWhere(text, err)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad('is not a session document (expected a JSON object)');
  let migrated: { doc: Record<string, unknown>; from: number };
  try {
    migrated = migrate(raw as Record<string, unknown>);
  } catch (err) {
    if (err instanceof MigrationError) {
      const future = /newer deploy-wizard/.test(err.message);
      return { ok: false, problem: err.message, damaged: !future };
    }
    throw err;
  }
  const parsed = SessionSchema.safeParse(migrated.doc);
  if (!parsed.success) return bad(zodProblem(parsed.error.issues));
  return { ok: true, session: parsed.data, migratedFrom: migrated.from < parsed.data.schemaVersion ? migrated.from : undefined };
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Copy a damaged file's bytes to `<file>.corrupt-<time>` (reusing an existing
 * identical copy, so reading twice does not pile up copies). The original stays.
 */
async function keepAside(file: string, bytes: Buffer, ops: WriteOps = defaultWriteOps): Promise<string> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.corrupt-`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const other = await readFile(join(dir, name)).catch(() => undefined);
    if (other && other.equals(bytes)) return join(dir, name);
  }
  let aside = join(dir, prefix + stamp());
  for (let n = 2; await readFile(aside).then(() => true, () => false); n++) aside = join(dir, `${prefix}${stamp()}-${n}`);
  await writeFileAtomic(aside, bytes, ops);
  return aside;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
};

/**
 * A failed save as one line: which file, why, and what is on disk now: "the
 * previous version is intact" only when there is a previous version.
 */
function saveError(file: string, err: unknown, previousOnDisk: boolean): UserError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = (code && REASONS[code]) ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
  const disk = previousOnDisk ? 'the previous version is intact' : 'no version of it is on disk yet';
  return new UserError(`could not save ${displayPath(file)}: ${why}${code ? ` (${code})` : ''}; ${disk}; free space or fix permissions`);
}

/** Why a path is not read as a session: it must be a regular file, not a link to one. */
type Refusal = { refused: string };

/**
 * The bytes of a session file, read without following a symbolic link
 * (O_NOFOLLOW: a link planted in sessions/ to /etc/passwd or another user's
 * file is refused, never read or copied aside) and without blocking on a FIFO
 * or device (O_NONBLOCK, then only a regular file is read). Undefined when the
 * file does not exist.
 */
async function readSessionBytes(file: string): Promise<Buffer | Refusal | undefined> {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') return { refused: 'is a symbolic link; a session must be a regular file (replace the link with the file itself)' };
    throw new UserError(`cannot read ${displayPath(file)}: ${REASONS[code ?? ''] ?? (err as Error).message.split('\n')[0]}`);
  }
  try {
    if (!(await fh.stat()).isFile()) return { refused: 'is not a regular file; a session must be a regular file' };
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** The session id a file stands for: its name without `.json`. */
function sessionIdOf(file: string): string {
  return basename(file).replace(/\.json$/, '');
}

/**
 * The file name is the id: a session copied or renamed to `new-id.json` is
 * session `new-id` everywhere (list, resume, report, the quit hint). The id
 * inside the file is corrected on load (and on the next save).
 */
function nameIsId(d: Diagnosis, file: string): Diagnosis {
  const id = sessionIdOf(file);
  if (!d.ok || d.session.id === id) return d;
  return { ...d, session: { ...d.session, id }, idFrom: d.session.id };
}

/** The lowdb adapter for one session file. */
export class SessionFileAdapter implements Adapter<Session> {
  /** Set by read() when the document was migrated from an older version. */
  migratedFrom?: number;
  /** Set by read() when the id inside the file was not its name (the name won). */
  idFrom?: string;

  constructor(
    readonly file: string,
    private readonly ops: WriteOps = defaultWriteOps,
  ) {}

  /**
   * The bytes read by the last read() when the document was migrated: the old
   * version's file, kept beside the new one before the first write.
   */
  migratedBytes?: Buffer;

  /**
   * The one read path: the file's bytes (never through a link, never a FIFO)
   * and what they hold, without side effects; undefined when the file does not
   * exist. `list` asks this; read() adds what a damaged file needs.
   */
  async inspect(): Promise<Diagnosis | undefined> {
    return (await this.readAndDiagnose())?.d;
  }

  private async readAndDiagnose(): Promise<{ d: Diagnosis; bytes?: Buffer } | undefined> {
    const read = await readSessionBytes(this.file);
    if (read === undefined) return undefined;
    // Refused files are not damaged: they are left exactly where they are, and never copied.
    if ('refused' in read) return { d: { ok: false, problem: read.refused, damaged: false } };
    return { d: nameIsId(diagnose(read), this.file), bytes: read };
  }

  /** Validated (and migrated) document, null when the file does not exist. */
  async read(): Promise<Session | null> {
    const got = await this.readAndDiagnose();
    if (got === undefined) return null;
    const { d, bytes } = got;
    if (d.ok) {
      this.migratedFrom = d.migratedFrom;
      this.migratedBytes = d.migratedFrom !== undefined ? bytes : undefined;
      this.idFrom = d.idFrom;
      return d.session;
    }
    const name = displayPath(this.file);
    if (!d.damaged || !bytes) throw new UserError(`${name} ${d.problem}; the file was left unchanged`);
    const aside = await keepAside(this.file, bytes, this.ops).catch(() => undefined);
    throw new UserError(
      aside
        ? `${name} ${d.problem}; it was kept as ${displayPath(aside)}; start a new session or restore it`
        : `${name} ${d.problem}; it was left in place (a copy could not be made); start a new session or restore it`,
    );
  }

  /** Atomic, durable, mode 0600; failures become a UserError naming the file. */
  async write(data: Session): Promise<void> {
    try {
      await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n', this.ops);
    } catch (err) {
      const previous = await lstat(this.file).then(
        (s) => s.isFile(),
        () => false,
      );
      throw saveError(this.file, err, previous);
    }
  }
}
