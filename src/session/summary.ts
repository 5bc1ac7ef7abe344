/**
 * Summaries of sessions for `list`, `resume` without an id, and the UI's
 * resume picker. Pure.
 */
import type { Session } from './schema.js';
import type { SessionSummary } from './store.js';
import { sessionProgress } from '../verdict/items.js';
import { displayPath } from '../display-path.js';
import { currentCompletion } from './signoff.js';
import { byCodeUnit } from '../order.js';

export { percentDone, progressFields, progressFigures, progressText } from '../verdict/items.js';
/** The previous session for comparisons: one rule, in previous.ts (re-exported for older imports). */

/**
 * The row `list` and the resume picker show for one session (file and team
 * stores alike). Progress is the verdict core's: items the checklist still
 * has, a failed item counted apart, never as progress.
 */
export function summarize(session: Session): SessionSummary {
  return {
    id: session.id,
    environment: session.environment,
    operators: [...session.operators],
    ...sessionProgress(session),
    status: session.status,
    ...(currentCompletion(session)?.status ? { outcome: currentCompletion(session)!.status } : {}),
    ...(currentCompletion(session)?.overrideReason ? { overridden: true } : {}),
    updatedAt: session.updatedAt,
    createdAt: session.createdAt,
  };
}

/** The status a person reads in `list`: a completed session's deployment status (SUCCESS, FAILED, ROLLED BACK), else the session's. */
export function statusWord(r: Pick<SessionSummary, 'status' | 'outcome' | 'overridden'>): string {
  if (r.status !== 'completed' || !r.outcome) return r.status;
  return r.overridden ? `${r.outcome} (override)` : r.outcome;
}

/** `30m ago`, `5h ago`, `2d ago`: formatRelative's words in the fewest cells, for a narrow terminal. */
export function compactRelative(text: string): string {
  return text.replace(/^(\d+) (min|h|days?) ago$/, (_, n: string, unit: string) => `${n}${unit[0]} ago`);
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
 * What the resume picker and a bare `resume` say, once, about session files
 * they could not read (they offer only readable ones): which file, why, and
 * where to see it. Undefined when every file was read.
 */
export function unreadableNotice(rows: SessionSummary[]): string | undefined {
  const bad = rows.filter((r) => r.status === 'corrupt');
  if (!bad.length) return undefined;
  const one = bad.length === 1;
  const files = bad.map((r) => `${r.file ? displayPath(r.file) : r.id} (${r.problem ?? 'unreadable'})`).join(', ');
  return `${bad.length} session file${one ? '' : 's'} could not be read: ${files}; deploy-wizard list shows ${one ? 'it' : 'them'}`;
}

/** The environments sessions were started for (a file that could not be read names none: its '?' is not an environment). */
export function environmentsOf(rows: SessionSummary[]): string[] {
  return rows.filter((r) => r.status !== 'corrupt').map((r) => r.environment);
}

/** Sessions that can be resumed (active, readable), newest first. */
export function unfinished(rows: SessionSummary[]): SessionSummary[] {
  return rows.filter((r) => r.status === 'active').sort((a, b) => byCodeUnit(b.updatedAt, a.updatedAt));
}

