/**
 * `deploy-wizard migrate --store URL`: the once-per-release DBA step of team
 * mode. It creates or upgrades the store schema, so the role the wizard runs
 * with needs only DML rights (README "Team mode: database rights").
 */
import { UserError } from '../../errors.js';
import { checkStoreUrl } from '../../session/select-store.js';
import { maskUrl } from '../../secrets/redactor.js';
import type { GlobalOptions } from '../globals.js';

export async function run(_opts: Record<string, any>, globals: GlobalOptions, _args: string[]): Promise<number> {
  const url = globals.store?.trim();
  if (!url) throw new UserError('migrate needs a team store: pass --store postgres://user:…@host:port/database (or set DEPLOY_WIZARD_STORE)');
  checkStoreUrl(url);
  const { createPgStore } = await import('../../session/pg-store.js');
  const store = createPgStore(url, { journalDir: globals.sessionsDir });
  try {
    const { from, to, applied } = await store.migrate();
    const where = maskUrl(url);
    process.stdout.write(
      applied.length
        ? `Migrated the team store ${where} from version ${from} to ${to} (applied ${applied.join(', ')}).\n`
        : `The team store ${where} is up to date (version ${to}); nothing to do.\n`,
    );
    return 0;
  } finally {
    await store.end();
  }
}
