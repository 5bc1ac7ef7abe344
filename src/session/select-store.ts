/**
 * Which session store a command uses: the PostgreSQL store when `--store`
 * (or DEPLOY_WIZARD_STORE) is a postgres:// URL, the JSON file store otherwise.
 * Both are imported lazily so commands that never touch a store stay fast.
 */
import { UserError } from '../errors.js';
import type { Redactor } from '../secrets/redactor.js';
import type { SessionStore } from './store.js';
import { maskUrl } from '../secrets/redactor.js';

const PG_URL = /^postgres(ql)?:\/\//i;

/** Check a postgres:// URL's shape; throws a UserError with the password masked. */
export function checkStoreUrl(store: string): URL {
  const shown = maskUrl(store);
  let u: URL;
  try {
    u = new URL(store);
  } catch {
    throw new UserError(`--store ${shown} is not a valid URL; use postgres://user:…@host:port/database`);
  }
  if (!PG_URL.test(store)) {
    throw new UserError(`--store ${shown} is not supported; team mode needs postgres://user:…@host:port/database (leave --store out for the JSON files)`);
  }
  if (!u.hostname) throw new UserError(`--store ${shown} has no host; use postgres://user:…@host:port/database`);
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

/** Where the store URL came from: `--store`, DEPLOY_WIZARD_STORE, or the `--config` file's "store". */
export type StoreSource = 'flag' | 'env' | 'config';

/** A word as a shell reads it back (single-quoted unless plain). */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * What a command must add to reach the same store again, for hints like
 * "Resume with: deploy-wizard resume ID --store …": nothing for the JSON files;
 * `--store "$DEPLOY_WIZARD_STORE"` when that is where the URL came from (no
 * secret, copy-pastable); `--config FILE` when the config file holds it; else
 * the URL with its password and secret query values masked (see storeSecretMasked).
 */
export function storeArg(store: string | undefined, env: NodeJS.ProcessEnv = process.env, source?: { from?: StoreSource; config?: string; shown?: (file: string) => string }): string {
  const url = store?.trim();
  if (!url) return '';
  if (source?.from === 'config' && source.config) return ` --config ${shellWord((source.shown ?? ((f) => f))(source.config))}`;
  if (source?.from === 'env' || env.DEPLOY_WIZARD_STORE?.trim() === url) return ' --store "$DEPLOY_WIZARD_STORE"';
  return ` --store ${shellWord(maskUrl(url))}`;
}

/** True when storeArg had to mask a secret of the URL (the hint then says how to give it). */
export function storeSecretMasked(store: string | undefined, env: NodeJS.ProcessEnv = process.env, from?: StoreSource): boolean {
  const url = store?.trim();
  if (!url || from === 'config' || from === 'env' || env.DEPLOY_WIZARD_STORE?.trim() === url) return false;
  return maskUrl(url) !== url;
}

/**
 * The `--config` file's `"store"` (the team store URL kept out of the command
 * line and the shell's history), when no --store or DEPLOY_WIZARD_STORE gave one.
 * An unreadable or malformed file is left to loadVars, which reports it once.
 */
export async function withConfigStore<G extends { store?: string; storeFrom?: StoreSource; config?: string }>(globals: G): Promise<G> {
  if (globals.store || !globals.config) return globals;
  const { readText } = await import('../config/source-file.js');
  let doc: unknown;
  try {
    doc = JSON.parse(await readText(globals.config, '--config', 'JSON'));
  } catch {
    return globals;
  }
  const v = (doc as { store?: unknown } | null)?.store;
  if (v === undefined) return globals;
  if (typeof v !== 'string' || !v.trim()) throw new UserError(`--config ${globals.config}: "store" must be the team store URL as a string, e.g. "postgres://user:…@host:5432/db"`);
  return { ...globals, store: v.trim(), storeFrom: 'config' };
}

/** Where sessions are, in words: the team store (password masked) or the sessions folder. */
export function storePlace(globals: { sessionsDir: string; store?: string }, shownDir: string): string {
  const url = globals.store?.trim();
  return url ? `the team store ${maskUrl(url)}` : shownDir;
}

