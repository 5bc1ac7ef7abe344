/** Options every command understands, resolved once by the CLI. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GlobalOptions {
  /** Absolute path of the checklist to use. */
  checklist: string;
  /** Whether --checklist was passed (else the shipped checklist): decides what an error about it advises. */
  checklistGiven?: boolean;
  /** Absolute path of the sessions directory (created on first write). */
  sessionsDir: string;
  envFile?: string;
  config?: string;
  /** Team-mode store URL (postgres://...), from --store, DEPLOY_WIZARD_STORE or the --config file's "store". */
  store?: string;
  /** Where `store` came from (the quit hint names the same place, never the password). */
  storeFrom?: 'flag' | 'env' | 'config';
  /** --allowed-signers FILE (absolute), when given. */
  allowedSigners?: string;
  /** Whether to colour output: false under NO_COLOR or a non-TTY stdout. */
  color: boolean;
}

/** The checklist shipped with the package, found from the bundle or from src/. */
export function shippedChecklistPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'checklists', 'django-twilio-call.md');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return resolve('checklists', 'django-twilio-call.md');
}

export function resolveGlobals(raw: Record<string, unknown>): GlobalOptions {
  const noColor = 'NO_COLOR' in process.env && process.env.NO_COLOR !== '';
  return {
    checklist: resolve(typeof raw.checklist === 'string' ? raw.checklist : shippedChecklistPath()),
    checklistGiven: typeof raw.checklist === 'string',
    sessionsDir: resolve(typeof raw.sessionsDir === 'string' ? raw.sessionsDir : 'sessions'),
    // DEPLOY_WIZARD_ENV_FILE as well: under `npx` on Node 20, npm's own Node reads
    // a --env-file it finds anywhere in argv and exits 9 before we run if it is missing.
    envFile: typeof raw.envFile === 'string' ? resolve(raw.envFile) : process.env.DEPLOY_WIZARD_ENV_FILE ? resolve(process.env.DEPLOY_WIZARD_ENV_FILE) : undefined,
    config: typeof raw.config === 'string' ? resolve(raw.config) : undefined,
    store: typeof raw.store === 'string' ? raw.store : process.env.DEPLOY_WIZARD_STORE || undefined,
    storeFrom: typeof raw.store === 'string' ? 'flag' : process.env.DEPLOY_WIZARD_STORE ? 'env' : undefined,
    allowedSigners: typeof raw.allowedSigners === 'string' ? resolve(raw.allowedSigners) : undefined,
    color: !noColor && Boolean(process.stdout.isTTY),
  };
}
