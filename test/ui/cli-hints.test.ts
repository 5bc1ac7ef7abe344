/** What the CLI says on the way out and on a typo: the resume command names where the session lives; `strat` gets "did you mean". */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeCommand, savedExitMessage, unsavedExitMessage } from '../../src/cli/commands/wizard.js';
import { resolveGlobals, shippedChecklistPath } from '../../src/cli/globals.js';

const root = join(import.meta.dirname, '..', '..');

describe('the resume hint', () => {
  it('is the bare command with the defaults', () => {
    expect(resumeCommand('production-1', resolveGlobals({}), {})).toBe('deploy-wizard resume production-1');
    expect(resumeCommand('production-1', resolveGlobals({ checklist: shippedChecklistPath(), sessionsDir: './sessions' }), {})).toBe('deploy-wizard resume production-1');
  });

  it('names a non-default --sessions-dir and --checklist, and a --store with its password masked', () => {
    const g = resolveGlobals({ sessionsDir: 'tmp/my sessions', checklist: 'release.md', store: 'postgres://dw:s3cret-pw@127.0.0.1:5433/dw' });
    const hint = resumeCommand('staging-2', g, {});
    expect(hint).toBe("deploy-wizard resume staging-2 --checklist release.md --sessions-dir 'tmp/my sessions' --store 'postgres://dw:***@127.0.0.1:5433/dw'");
    expect(hint).not.toContain('s3cret-pw');
    // A store that came from DEPLOY_WIZARD_STORE is found there again, and the hint says so (issue 23: it used to leave --store out).
    expect(resumeCommand('s', { ...g, store: 'postgres://x@127.0.0.1/dw' }, { DEPLOY_WIZARD_STORE: 'postgres://x@127.0.0.1/dw' })).toMatch(/ --store "\$DEPLOY_WIZARD_STORE"$/);
  });
});

describe('the resume hint keeps the variables', () => {
  it('names the --env-file, --config and --allowed-signers the session was opened with (following it used to resume with every variable unset)', () => {
    const g = resolveGlobals({ checklist: 'release.md', envFile: '.env.staging', config: 'team config.json', allowedSigners: 'keys/allowed_signers' });
    expect(resumeCommand('staging-3', g, {})).toBe("deploy-wizard resume staging-3 --checklist release.md --env-file .env.staging --config 'team config.json' --allowed-signers keys/allowed_signers");
  });

  it('leaves out an env file that DEPLOY_WIZARD_ENV_FILE gave (it is found there again), and names a --config holding the store once', () => {
    const env = { DEPLOY_WIZARD_ENV_FILE: '.env.staging' };
    expect(resumeCommand('s', { ...resolveGlobals({}), envFile: resolveGlobals({ envFile: '.env.staging' }).envFile }, env)).toBe('deploy-wizard resume s');
    const g = { ...resolveGlobals({ config: 'team.json' }), store: 'postgres://x@127.0.0.1/dw', storeFrom: 'config' as const };
    expect(resumeCommand('s', g, {})).toBe('deploy-wizard resume s --config team.json');
  });
});

describe('the last words after a quit', () => {
  it('put the resume command on a line of its own, whole, so it can be copied (at 80 columns it used to break mid-id)', () => {
    const id = 'production-20261201-0140-k3v9';
    const lines = savedExitMessage(id, resolveGlobals({}), {}).split('\n');
    expect(lines).toEqual(['', `Saved session ${id}. Resume with:`, `deploy-wizard resume ${id}`, '']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });
});

describe('the rescue line after a failed save (issue 23.10)', () => {
  it('names a non-default --checklist and --sessions-dir, with and without a rescue copy', () => {
    const g = resolveGlobals({ sessionsDir: 'tmp/team sessions', checklist: 'release.md' });
    const copy = unsavedExitMessage('staging-2', { count: 2, reason: 'ENOSPC: no space left on device', kept: true, copy: '/tmp/staging-2.rescue.json' }, g, {});
    expect(copy.split('\n')[1]).toBe("The session with every change is in /tmp/staging-2.rescue.json: once saving works, restore it with: cp /tmp/staging-2.rescue.json 'tmp/team sessions/staging-2.json' && deploy-wizard resume staging-2 --checklist release.md --sessions-dir 'tmp/team sessions'");
    const none = unsavedExitMessage('staging-2', { count: 1, reason: 'EACCES', kept: false }, g, {});
    expect(none).toContain("Resume with: deploy-wizard resume staging-2 --checklist release.md --sessions-dir 'tmp/team sessions' and make it again.");
  });
});

describe('a typo', () => {
  it('strat: unknown command, did you mean start; exit 2, one line', () => {
    const r = spawnSync('node', [join(root, 'dist', 'deploy-wizard.js'), 'strat'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["deploy-wizard: unknown command 'strat' (Did you mean start?) (see deploy-wizard --help)"]);
    const far = spawnSync('node', [join(root, 'dist', 'deploy-wizard.js'), 'xyzzy'], { encoding: 'utf8' });
    expect(far.stderr.trim()).toBe("deploy-wizard: unknown command 'xyzzy' (see deploy-wizard --help)");
  });
});
