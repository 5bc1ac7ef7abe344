/**
 * The store URL's password never shows: one masker (src/secrets/), used by
 * the quit hint, the store's errors and `migrate`; the hint names the store
 * without its secret (masked, or "$DEPLOY_WIZARD_STORE", or the --config file).
 */
import { describe, expect, it } from 'vitest';
import { resumeCommand, savedExitMessage } from '../../src/cli/commands/wizard.js';
import { resolveGlobals } from '../../src/cli/globals.js';
import { maskUrl } from '../../src/secrets/redactor.js';
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
