/**
 * The store URL's password never shows: one masker (src/secrets/), used by
 * the quit hint, the store's errors and `migrate`; the hint names the store
 * without its secret (masked, or "$DEPLOY_WIZARD_STORE", or the --config file).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeCommand, savedExitMessage } from '../../src/cli/commands/wizard.js';
import { resolveGlobals } from '../../src/cli/globals.js';
import { maskedArgv, maskUrl } from '../../src/secrets/redactor.js';
import { until } from './helpers.js';
import { storeArg } from '../../src/session/select-store.js';

const withQuery = 'postgres://ada@127.0.0.1:5432/dw?password=hunter22&sslmode=require';
const withUserInfo = 'postgres://ada:s3cr%40t-9@127.0.0.1:5432/dw';

describe('the store URL in the quit hint', () => {
  it('a ?password=… given with --store is masked after a clean quit, and --store is still named', () => {
    const g = { ...resolveGlobals({}), store: withQuery, storeFrom: 'flag' as const };
    const text = savedExitMessage('production-1', g, {});
    expect(text).not.toContain('hunter22');
    expect(text).toContain('--store');
    expect(text).toContain('password=***');
    expect(text).toContain('sslmode=require');
  });

  it('a user:password@ given with --store is masked, in every spelling', () => {
    const g = { ...resolveGlobals({}), store: withUserInfo, storeFrom: 'flag' as const };
    const text = resumeCommand('production-1', g, {});
    expect(text).not.toMatch(/s3cr|%40t-9/);
    expect(text).toContain('postgres://ada:***@127.0.0.1:5432/dw');
  });

  it('from DEPLOY_WIZARD_STORE the hint says --store "$DEPLOY_WIZARD_STORE" (never left out, never the URL)', () => {
    const g = { ...resolveGlobals({}), store: withQuery, storeFrom: 'env' as const };
    const hint = resumeCommand('production-1', g, { DEPLOY_WIZARD_STORE: withQuery });
    expect(hint).toBe('deploy-wizard resume production-1 --store "$DEPLOY_WIZARD_STORE"');
    expect(storeArg(withQuery, { DEPLOY_WIZARD_STORE: withQuery })).toBe(' --store "$DEPLOY_WIZARD_STORE"');
  });

  it('from the --config file the hint names the file, not the URL', () => {
    const g = { ...resolveGlobals({ config: '/tmp/team.json' }), store: withUserInfo, storeFrom: 'config' as const };
    const hint = resumeCommand('production-1', g, {});
    expect(hint).toBe('deploy-wizard resume production-1 --config /tmp/team.json');
  });
});

describe('one store-URL masker', () => {
  it('masks the password, secret-named query values and unparseable text', () => {
    expect(maskUrl('postgres://alice:s3cr%40t@db.local:5433/app')).toBe('postgres://alice:***@db.local:5433/app');
    expect(maskUrl('postgres://db.local/app?password=hunter22&sslpassword=x2y3z4&application_name=dw')).toBe('postgres://db.local/app?password=***&sslpassword=***&application_name=dw');
    expect(maskUrl('postgres://alice:hunter22@[bad')).not.toContain('hunter22');
    expect(maskUrl('postgres://alice@db.local/app')).toBe('postgres://alice@db.local/app');
  });
});

describe('the store password in the process title', () => {
  it('masks --store URL and --store=URL; leaves other command lines alone', () => {
    expect(maskedArgv(['list', '--store', withQuery])).toEqual(['list', '--store', 'postgres://ada@127.0.0.1:5432/dw?password=***&sslmode=require']);
    expect(maskedArgv(['list', `--store=${withUserInfo}`])).toEqual(['list', '--store=postgres://ada:***@127.0.0.1:5432/dw']);
    expect(maskedArgv(['list', '--store', 'postgres://ada@127.0.0.1/dw'])).toBeUndefined();
    expect(maskedArgv(['check', '--section', 'Health'])).toBeUndefined();
  });

  it('/proc/<pid>/cmdline of the running built CLI shows the URL masked once it runs', async () => {
    // A store that accepts and never answers: the command stays alive while the test reads its command line.
    const held: Socket[] = [];
    const server = createServer((c) => void held.push(c));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const url = `postgres://dw:Pw-in-argv-81@127.0.0.1:${port}/dw?password=Query-pw-82`;
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'dist', 'deploy-wizard.js'), 'list', '--store', url], { stdio: 'ignore' });
    try {
      let cmdline = '';
      await until(() => {
        try {
          cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'latin1');
        } catch {
          return false;
        }
        return cmdline.includes('***');
      }, 20_000, 'the process title to be masked');
      const shown = cmdline.replace(/\0+/g, ' ').trim();
      expect(shown).toBe(`deploy-wizard list --store postgres://dw:***@127.0.0.1:${port}/dw?password=***`);
      expect(cmdline).not.toMatch(/Pw-in-argv-81|Query-pw-82/);
    } finally {
      child.kill();
      for (const c of held) c.destroy();
      server.close();
    }
  });
});
