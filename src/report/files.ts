/**
 * The report's edge: writing a report file atomically next to the session
 * (the previous session for comparison is found through the session store:
 * session/summary.ts). Everything else in src/report is pure.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../session/atomic-write.js';
import type { Checklist } from '../checklist/types.js';
import type { Vars } from '../config/vars.js';
import type { Session } from '../session/schema.js';
import { inspectSessionFile } from '../session/session-file.js';
import { isSuccessfulSession, storedBaseline, type StoredBaseline } from '../session/baseline.js';
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
 * Sessions of the same environment created before `of`, newest first, read
 * from `<dir>/*.json`. Unreadable or foreign files are passed over: a
 * comparison is a bonus, not a requirement.
 */
async function earlierSessions(dir: string, of: Pick<Session, 'id' | 'environment' | 'createdAt'>): Promise<Session[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const earlier: Session[] = [];
  for (const name of names) {
    // The session reader: links and damaged files are passed over, never followed or copied.
    const d = await inspectSessionFile(join(dir, name)).catch(() => undefined);
    if (!d?.ok) continue;
    const s = d.session;
    if (s.id !== of.id && s.environment === of.environment && s.createdAt < of.createdAt) earlier.push(s);
  }
  return earlier.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/**
 * The baseline a session (or a watch) of an environment compares against: the
 * stored one of the last SUCCESS session of that environment before `of`.
 */
export async function findBaselineSession(dir: string, of: Pick<Session, 'id' | 'environment' | 'createdAt'>): Promise<{ session: Session; baseline: StoredBaseline } | undefined> {
  for (const session of await earlierSessions(dir, of)) {
    if (!isSuccessfulSession(session)) continue;
    const baseline = storedBaseline(session);
    if (baseline) return { session, baseline };
  }
  return undefined;
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
