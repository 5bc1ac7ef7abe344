/**
 * Team mode in the built wizard, in a real pseudo-terminal (tmux, 80×24): the
 * team line shows the session id and who is here, another terminal joining is
 * shown, and the quit hint says how to reach the same store again (--store,
 * password masked). `list --store` on an empty store names the store.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { privateTmux, wizardDir } from '../helpers/tmux.js';
import { runCli, workdir } from '../check/helpers.js';
import { createPgStore } from '../../src/session/pg-store.js';
import { storeArg } from '../../src/session/select-store.js';
import { withClient } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('team');
const facts = inject('servers').pg;
const database = `dw_tmux_${Math.random().toString(36).slice(2, 10)}`;
const url = `postgres://${encodeURIComponent(facts.user)}:${encodeURIComponent(facts.password)}@${facts.host}:${facts.port}/${database}`;
const masked = `postgres://${facts.user}:***@${facts.host}:${facts.port}/${database}`;
let dir: string;

const CHECKLIST = `# Tiny Deploy

## Preparation

- [ ] Backups verified
- [ ] Team notified
`;

beforeAll(async () => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = wizardDir('dw-team-tmux-', CHECKLIST, distDir);
  await withClient(facts, (c) => c.query(`CREATE DATABASE ${database}`));
  keepAlive();
});

afterAll(async () => {
  stop();
  await withClient(facts, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('team mode in the built wizard', () => {
  it('list --store on an empty store names the store, not ./sessions', async () => {
    const r = await runCli(['list', '--store', url], { cwd: workdir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`No sessions in the team store ${masked}.\n`);
  });

  it('the team line shows the session id and who is here; a join is shown; q prints a resume hint with --store', async () => {
    const cmd = `cd ${dir} && node dist/deploy-wizard.js start --env production --operator ada --store '${url}' --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
    const first = await waitFor('here: ada', 15_000);
    const id = /session (production-\S+) · here: ada/.exec(first)?.[1];
    expect(id).toBeTruthy();
    expect(first).not.toContain(facts.password);

    const store = createPgStore(url, { journalDir: join(dir, 'grace') });
    const grace = await store.open(id!, 'grace');
    const joined = await waitFor('here: ada, grace', 10_000);
    expect(joined).toContain('grace joined the session');
    await grace.close();
    await store.end();
    await waitFor('grace left the session', 10_000);

    tmux('send-keys', '-t', 'wiz', 'q');
    const quit = await waitFor('EXIT=0', 15_000);
    // The line wraps at 80 columns: compare without white space.
    expect(quit.replace(/\s+/g, '')).toContain(`Resume with: deploy-wizard resume ${id} --checklist checklist.md --store '${masked}'`.replace(/\s+/g, ''));
    expect(quit).not.toContain(facts.password);
  }, 60_000);

  it('the hint uses "$DEPLOY_WIZARD_STORE" when the URL came from there, and nothing for the JSON files', () => {
    expect(storeArg(url, { DEPLOY_WIZARD_STORE: url })).toBe(' --store "$DEPLOY_WIZARD_STORE"');
    expect(storeArg(url, {})).toBe(` --store '${masked}'`);
    expect(storeArg(undefined, {})).toBe('');
  });
});
