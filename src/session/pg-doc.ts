/**
 * Pure helpers of the PostgreSQL store: session ids, its summary (the file
 * store's), store-URL redaction.
 */
import { createRedactor, type Redactor } from '../secrets/redactor.js';

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
