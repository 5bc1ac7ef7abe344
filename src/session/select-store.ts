/**
 * Which session store a command uses: the PostgreSQL store when `--store`
 * (or DEPLOY_WIZARD_STORE) is a postgres:// URL, the JSON file store otherwise.
 * Both are imported lazily so commands that never touch a store stay fast.
 */
import { UserError } from '../errors.js';
import type { Redactor } from '../secrets/redactor.js';
import type { SessionStore } from './store.js';
import { redactStoreUrl } from './pg-doc.js';

const PG_URL = /^postgres(ql)?:\/\//i;

/** Check a postgres:// URL's shape; throws a UserError with the password masked. */
export function checkStoreUrl(store: string): URL {
  const shown = redactStoreUrl(store);
  let u: URL;
  try {
    u = new URL(store);
  } catch {
    throw new UserError(`--store ${shown} is not a valid URL; use postgres://user:password@host:port/database`);
  }
  if (!PG_URL.test(store)) {
    throw new UserError(`--store ${shown} is not supported; team mode needs postgres://user:password@host:port/database (leave --store out for the JSON files)`);
  }
  if (!u.hostname) throw new UserError(`--store ${shown} has no host; use postgres://user:password@host:port/database`);
  return u;
}

/**
 * Open the store the options ask for. In team mode this connects and migrates
 * at once, so a bad URL or an unreachable database is one redacted line here,
 * not a surprise halfway through the wizard.
 */
export async function openStore(globals: { sessionsDir: string; store?: string }, redact?: Redactor): Promise<SessionStore> {
  const store = globals.store?.trim();
  if (store) {
    checkStoreUrl(store);
    const { createPgStore } = await import('./pg-store.js');
    const pg = createPgStore(store, { redact, journalDir: globals.sessionsDir });
    try {
      await pg.ready();
    } catch (err) {
      await pg.end().catch(() => {});
      throw err;
    }
    return pg;
  }
  const { createFileStore } = await import('./file-store.js');
  return createFileStore(globals.sessionsDir, { redact });
}

/**
 * What a command must add to reach the same store again, for hints like
 * "Resume with: deploy-wizard resume ID --store …": nothing for the JSON files;
 * `--store "$DEPLOY_WIZARD_STORE"` when that is where the URL came from (no
 * secret, copy-pastable); else the URL with its password masked.
 */
export function storeArg(store: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = store?.trim();
  if (!url) return '';
  if (env.DEPLOY_WIZARD_STORE?.trim() === url) return ' --store "$DEPLOY_WIZARD_STORE"';
  return ` --store ${redactStoreUrl(url)}`;
}

/** Where sessions are, in words: the team store (password masked) or the sessions folder. */
export function storePlace(globals: { sessionsDir: string; store?: string }, shownDir: string): string {
  const url = globals.store?.trim();
  return url ? `the team store ${redactStoreUrl(url)}` : shownDir;
}

