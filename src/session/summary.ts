/**
 * Summaries of sessions for `list`, `resume` without an id, and the UI's
 * resume picker. Pure except findLatestUnfinished, which asks the store.
 */
import type { Session } from './schema.js';
import type { SessionStore, SessionSummary } from './store.js';

/** Progress counts items the checklist still has; removed items are not counted. */
export function summarize(session: Session): SessionSummary {
  const records = Object.values(session.items);
  return {
    id: session.id,
    environment: session.environment,
    operators: [...session.operators],
    done: records.filter((r) => r.state !== 'pending').length,
    total: records.length,
    status: session.status,
    updatedAt: session.updatedAt,
  };
}

/** Whole percent done, 0 for an empty checklist. */
export function percentDone(s: Pick<SessionSummary, 'done' | 'total'>): number {
  return s.total ? Math.floor((s.done / s.total) * 100) : 0;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (or the date when older than a month). */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now.getTime() - t) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d < 31) return `${d} day${d === 1 ? '' : 's'} ago`;
  return iso.slice(0, 10);
}

/**
 * One line for a resume picker:
 * `production-20261126-1402-k3v9 · alice · 12/175 (6%) · active · 5 min ago`.
 */
export function describeSummary(s: SessionSummary, now: Date = new Date()): string {
  if (s.status === 'corrupt') return `${s.id} · corrupt: ${s.problem ?? 'unreadable'}`;
  const who = s.operators.join(', ') || '-';
  return `${s.id} · ${s.environment} · ${who} · ${s.done}/${s.total} (${percentDone(s)}%) · ${s.status} · ${formatRelative(s.updatedAt, now)}`;
}

/** Sessions that can be resumed (active, readable), newest first. */
export function unfinished(rows: SessionSummary[]): SessionSummary[] {
  return rows.filter((r) => r.status === 'active').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The most recently updated unfinished session, for `resume` without an id. */
export async function findLatestUnfinished(store: Pick<SessionStore, 'list'>): Promise<SessionSummary | undefined> {
  return unfinished(await store.list())[0];
}
