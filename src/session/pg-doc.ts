/**
 * Pure helpers of the PostgreSQL store: a new session document, its summary,
 * store-URL redaction, and the replay of an event log (what the tests hold the
 * stored document against).
 */
import { applyChange, type Change } from './changes.js';
import type { Session } from './schema.js';
import { createRedactor, redactDeep, type Redactor } from '../secrets/redactor.js';

/** Same ids as the file store. */
export { newSessionId } from './ids.js';


/** The row `list` shows for one session: the same summary as the file store. */
export { summarize } from './summary.js';

/** `postgres://user:***@host:port/db` (never the password, whatever the URL looks like). */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // Passwords can also hide in the query string (?password=...).
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, '***');
    return decodeURIComponent(u.toString()).replace(/:\*\*\*@/, ':***@');
  } catch {
    return createRedactor({ DEPLOY_WIZARD_STORE: url })(url).replace(/:[^:@/]*@/, ':***@');
  }
}

/** A redactor for the store URL's secrets, layered over the caller's redactor. */
export function storeRedactor(url: string, redact?: Redactor): Redactor {
  let extra: string[] = [];
  try {
    const u = new URL(url);
    extra = [u.password, decodeURIComponent(u.password), ...[...u.searchParams.entries()].filter(([k]) => /pass|secret|key|token/i.test(k)).map(([, v]) => v)];
  } catch {
    /* the URL redactor below still masks user:pw@ */
  }
  const own = createRedactor({ DEPLOY_WIZARD_STORE: url }, extra.filter(Boolean));
  return redact ? (text: string) => own(redact(text)) : own;
}

/** One stored event of the log, as replayed. */
export interface LoggedChange {
  revision: number;
  who: string;
  at: string;
  change: Change | { type: 'session.create'; doc: Session };
}

/** Replay an event log from its `session.create` event, in revision order. */
export function replayLog(events: LoggedChange[], redact?: Redactor): Session {
  const sorted = [...events].sort((a, b) => a.revision - b.revision);
  const first = sorted[0];
  if (!first || first.change.type !== 'session.create') throw new Error('event log does not start with session.create');
  let doc = first.change.doc;
  for (const e of sorted.slice(1)) {
    const next = applyChange(doc, e.change as Change, { who: e.who, at: e.at });
    doc = redact ? redactDeep(next, redact) : next;
  }
  return doc;
}
