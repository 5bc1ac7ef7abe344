/**
 * Team status on the sign-off screen too (tmux, 80×24, the built wizard over
 * the suite's PostgreSQL): who is here, live, while people sign.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { privateTmux, wizardDir } from '../helpers/tmux.js';
import { createPgStore } from '../../src/session/pg-store.js';
import { withClient } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('team-signoff');
const facts = inject('servers').pg;
const database = `dw_signoff_team_${Math.random().toString(36).slice(2, 10)}`;
const url = `postgres://${encodeURIComponent(facts.user)}:${encodeURIComponent(facts.password)}@${facts.host}:${facts.port}/${database}`;
let dir: string;

const CHECKLIST = `# Tiny Deploy

## Preparation

- [ ] Backups verified

## Sign-off

| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |
| DevOps Engineer | | | |

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK
`;

beforeAll(async () => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = wizardDir('dw-team-signoff-', CHECKLIST, distDir);
  await withClient(facts, (c) => c.query(`CREATE DATABASE ${database}`));
  keepAlive();
});

afterAll(async () => {
  stop();
  await withClient(facts, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('team status on the sign-off screen', () => {
  it('the sign-off screen shows who is here, and a second operator arriving', async () => {
    const cmd = `cd ${dir} && DEPLOY_WIZARD_STORE='${url}' node dist/deploy-wizard.js start --env production --operator ada --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
    const first = await waitFor('here: ada', 15_000);
    const id = /session (production-\S+) · here: ada/.exec(first)?.[1];
    expect(id).toBeTruthy();
    tmux('send-keys', '-t', 'wiz', 'S');
    let f = await waitFor('Sign-off · production', 10_000);
    f = await waitFor(`⇄ session ${id} · here: ada`, 10_000);
    expect(f).toContain('you are ada ·');

    const store = createPgStore(url, { journalDir: join(dir, 'grace') });
    const grace = await store.open(id!, 'grace');
    f = await waitFor(`⇄ session ${id} · here: ada, grace`, 10_000);
    expect(f).toContain('Sign-off · production');
    // The whole screen still fits: the title and the footer are both on it.
    expect(f).toMatch(/Esc back/);
    await grace.close();
    await store.end();
    tmux('send-keys', '-t', 'wiz', 'Escape');
    await waitFor('Backups verified', 10_000);
    tmux('send-keys', '-t', 'wiz', 'q');
    const quit = await waitFor('EXIT=0', 15_000);
    expect(quit).not.toContain(facts.password);
  }, 60_000);
});
