/**
 * The report's edge: writing a report file atomically next to the session
 * (the previous session for comparison is found through the session store:
 * session/previous.ts). Everything else in src/report is pure.
 */
import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import type { Checklist } from '../checklist/types.js';
import type { Vars } from '../config/vars.js';
import type { Session } from '../session/schema.js';
import { renderMarkdown } from './markdown.js';

/**
 * Write a report file, creating its folder: the one atomic writer
 * (atomic-write.ts: temp, fsync, rename, mode 0600, since a report
 * holds what the session holds), so a reader never sees half a report.
 */
export async function writeTextAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
}

/**
 * Write a document the user asked for with `--out FILE` (check, report).
 * A regular file (or a new one) goes through the atomic writer. A device or
 * FIFO that already exists (/dev/stdout, /dev/null, a named pipe) is written
 * in place: a rename would replace the device node with a plain file and call
 * that "written". Every byte's write is checked: /dev/full rejects with ENOSPC,
 * a FIFO nobody reads with ENXIO (never a hang).
 */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  const st = await stat(file).catch(() => undefined);
  if (!st || st.isFile() || st.isDirectory()) return writeTextAtomic(file, text);
  if (st.isFIFO()) {
    // Opening a FIFO for writing blocks until a reader comes: find out without waiting.
    const probe = await open(file, constants.O_WRONLY | constants.O_NONBLOCK);
    await probe.close();
  }
  const fh = await open(file, constants.O_WRONLY);
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

/** The Markdown report's path for a session: `<sessionsDir>/<id>.md`. */
export function reportPath(dir: string, sessionId: string): string {
  return join(dir, `${basename(sessionId)}.md`);
}

/**
 * Write the Markdown report of `session` to `<dir>/<id>.md` and return the
 * path. This is what the wizard injects into the sign-off screen (which does
 * no file I/O itself).
 */
export async function writeReport(dir: string, session: Session, checklist: Checklist, opts: { vars?: Vars; previous?: Session } = {}): Promise<string> {
  const { previous } = opts;
  const file = reportPath(dir, session.id);
  await writeTextAtomic(file, renderMarkdown(session, checklist, { previous, vars: opts.vars }));
  return file;
}
