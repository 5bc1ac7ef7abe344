/**
 * The one "previous session" rule, asked through the session store (the JSON
 * files or the team's PostgreSQL alike): the newest session of the same
 * environment, created before this one, that completed with a SUCCESS status
 * and holds the figure asked for. The report's (and the banner's)
 * response-time comparison asks for response times; a new session's (or a
 * watch's) baseline asks for a stored baseline. A release that failed or was
 * rolled back is no yardstick for the next one, and a session without the
 * figure has nothing to compare with, so both pass over such sessions.
 * Unreadable sessions are passed over too: a comparison is a bonus, never a
 * requirement, so a store that cannot list answers "none".
 */
import type { Session } from './schema.js';
import type { SessionStore } from './store.js';
import { isSuccessfulSession, storedBaseline, type StoredBaseline } from './baseline.js';
import { responseMs } from '../verdict/rollback.js';

/** Who is asking: a session, or a watch of an environment (any id, and now as createdAt). */
export type Asker = Pick<Session, 'id' | 'environment' | 'createdAt'>;

/** The previous session by the rule above, with the figure `figure` found in it. */
async function previousSession<T>(
  store: Pick<SessionStore, 'list' | 'read'>,
  of: Asker,
  figure: (session: Session) => T | undefined,
): Promise<{ session: Session; figure: T } | undefined> {
  const rows = await store.list().catch(() => []);
  const candidates = rows
    .filter((r) => r.status === 'completed' && r.id !== of.id && r.environment === of.environment && r.createdAt !== undefined && r.createdAt < of.createdAt)
    .sort((a, b) => (a.createdAt! < b.createdAt! ? 1 : a.createdAt! > b.createdAt! ? -1 : 0));
  for (const row of candidates) {
    const session = await store.read(row.id).catch(() => undefined);
    if (!session || !isSuccessfulSession(session)) continue;
    const found = figure(session);
    if (found !== undefined) return { session, figure: found };
  }
  return undefined;
}

/** Whether a session measured any response time (a baseline p50 or an http latency), the figure the comparison needs. */
function hasResponseTime(session: Session): true | undefined {
  return Object.values(session.items).some((rec) => rec.probes.some((r) => responseMs(r) !== undefined)) || undefined;
}

/** The session the report and the banner compare response times with. */
export async function findPreviousSession(store: Pick<SessionStore, 'list' | 'read'>, of: Asker): Promise<Session | undefined> {
  return (await previousSession(store, of, hasResponseTime))?.session;
}

/** The baseline a new session (or a watch) of an environment takes, unless one is given. */
export async function findBaselineSession(store: Pick<SessionStore, 'list' | 'read'>, of: Asker): Promise<{ session: Session; baseline: StoredBaseline } | undefined> {
  const found = await previousSession(store, of, storedBaseline);
  return found && { session: found.session, baseline: found.figure };
}

