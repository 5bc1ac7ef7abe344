/**
 * The report's edges: writing a report file atomically next to the session,
 * and finding the previous session of the same environment for comparison.
 * Everything else in src/report is pure.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Checklist } from '../checklist/types.js';
import type { Vars } from '../probes/types.js';
import { SessionSchema, type Session } from '../session/schema.js';
import { renderMarkdown } from './markdown.js';

/**
 * Replace `file` with `text` atomically (temp file in the same folder, fsync,
 * rename): a reader never sees half a report, and a failed write leaves the
 * old file as it was.
 */
export async function writeTextAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
    await fh.close();
    await rename(tmp, file);
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** The Markdown report's path for a session: `<sessionsDir>/<id>.md`. */
export function reportPath(dir: string, sessionId: string): string {
  return join(dir, `${basename(sessionId)}.md`);
}

/**
 * The latest session of the same environment created before this one (a
 * completed one when there is any), read from `<dir>/*.json`. Unreadable or
 * foreign files are passed over: a comparison is a bonus, not a requirement.
 */
export async function findPreviousSession(dir: string, session: Session): Promise<Session | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return undefined;
  }
  const earlier: Session[] = [];
  for (const name of names) {
    try {
      const parsed = SessionSchema.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (!parsed.success) continue;
      const s = parsed.data;
      if (s.id !== session.id && s.environment === session.environment && s.createdAt < session.createdAt) earlier.push(s);
    } catch {
      continue;
    }
  }
  earlier.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return earlier.find((s) => s.status === 'completed') ?? earlier[0];
}

/**
 * Write the Markdown report of `session` to `<dir>/<id>.md` and return the
 * path. This is what the wizard injects into the sign-off screen (which does
 * no file I/O itself).
 */
export async function writeReport(dir: string, session: Session, checklist: Checklist, opts: { vars?: Vars } = {}): Promise<string> {
  const previous = await findPreviousSession(dir, session);
  const file = reportPath(dir, session.id);
  await writeTextAtomic(file, renderMarkdown(session, checklist, { previous, vars: opts.vars }), 0o600);
  return file;
}
