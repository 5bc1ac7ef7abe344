/**
 * The report's edge: writing a report file atomically next to the session
 * (the previous session for comparison is found through the session store:
 * session/previous.ts). Everything else in src/report is pure.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../session/atomic-write.js';
import type { Checklist } from '../checklist/types.js';
import type { Vars } from '../config/vars.js';
import type { Session } from '../session/schema.js';
import { renderMarkdown } from './markdown.js';

/**
 * Write a report file, creating its folder: the one atomic writer
 * (session/atomic-write.ts: temp, fsync, rename, mode 0600, since a report
 * holds what the session holds), so a reader never sees half a report.
 */
export async function writeTextAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
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
