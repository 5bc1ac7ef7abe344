/**
 * Pure helpers of the PostgreSQL store: session ids, its summary (the file
 * store's), a redactor for the store URL's secrets (the masker for showing the
 * URL is the redactor module's `maskUrl`).
 */
import { createRedactor, urlSecrets, type Redactor } from '../secrets/redactor.js';

/** Same ids as the file store. */
export { newSessionId } from './ids.js';


/** The row `list` shows for one session: the same summary as the file store. */
export { summarize } from './summary.js';

/** A redactor for the store URL's secrets, layered over the caller's redactor. */
export function storeRedactor(url: string, redact?: Redactor): Redactor {
  const own = createRedactor({ DEPLOY_WIZARD_STORE: url }, urlSecrets(url));
  return redact ? (text: string) => own(redact(text)) : own;
}
