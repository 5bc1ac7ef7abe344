/**
 * End to end, a signed release as a person does it: the built wizard in tmux
 * (80×24) with a real ssh-agent of its own holding an ed25519 key that the
 * allowed_signers next to the checklist lists. Start, mark the item, sign a
 * role with the key (the screen names the key first), complete; export the
 * report with `deploy-wizard report`, copy it elsewhere, and `verify` passes;
 * with one character of it edited, `verify` fails naming the line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, makeKey, signerLine, startAgent, tempDir, type TestAgent, type TestKey } from '../helpers/ssh-keys.js';
import { privateTmux, wizardDir } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('signed-release');

const CHECKLIST = `# Tiny Release

## Preparation

- [ ] Backups verified

## Sign-off

| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |

<!-- signoff: signatures=required -->

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK
`;

let dir: string;
let keysDir: string;
let agent: TestAgent;
let ada: TestKey;

beforeAll(async () => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = wizardDir('dw-signed-release-', CHECKLIST, distDir);
  keysDir = tempDir('dw-signed-release-keys-');
  ada = makeKey(keysDir, 'ada');
  agent = await startAgent(keysDir);
  agent.add(ada);
  writeFileSync(join(dir, 'allowed_signers'), `# deploy-wizard roles: ada@example.com = Tech Lead\n${signerLine('ada@example.com', ada)}\n`);
  keepAlive();
});

afterAll(async () => {
  stop();
  await agent?.stop();
  if (keysDir) cleanup(keysDir);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const key = (...k: string[]) => void tmux('send-keys', '-t', 'wiz', ...k);
const type = (text: string) => void tmux('send-keys', '-t', 'wiz', '-l', text);
const cli = (...args: string[]) => spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), ...args], { cwd: dir, encoding: 'utf8' });

describe('a signed release, start to verify', () => {
  it('signs a role with the SSH key from its own agent, completes, exports the report; verify passes, and names the line of one edited character', async () => {
    const cmd = `cd ${dir} && SSH_AUTH_SOCK=${agent.socket} node dist/deploy-wizard.js start --env production --operator ada@example.com --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
    await waitFor('Backups verified', 20_000);
    // Open the section, mark its item done: it is saved before the screen moves on.
    key('Enter');
    await waitFor('d done', 10_000);
    key('d');
    await waitFor('[x] Backups verified', 10_000);

    key('S');
    let f = await waitFor('Sign-off · production', 10_000);
    // Whose key will sign, before it signs.
    f = await waitFor(/🔑 ada@example\.com SHA256:\S+ · agent/, 10_000);
    expect(f).toContain('Tech Lead');
    type('Ada Lovelace');
    key('Enter');
    f = await waitFor('✓ signed Tech Lead', 15_000);
    expect(f).toContain("with ada@example.com's key");
    // Down to the status, SUCCESS, then Tab until the completion button has the focus.
    key('Down');
    await waitFor('Enter select', 10_000);
    key('Enter');
    for (let i = 0; i < 8 && !/Enter complete/.test(tmux('capture-pane', '-p', '-t', 'wiz')); i++) {
      key('Tab');
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor('Enter complete', 10_000);
    key('Enter');
    f = await waitFor('✓ Completed: SUCCESS by ada@example.com', 15_000);
    key('q');
    await waitFor('EXIT=0', 15_000);
    tmux('kill-session', '-t', 'wiz');

    // Resumed, the completed session says at once that it is read-only (it used to look editable until a key was refused).
    const id0 = readdirSync(join(dir, 'sessions')).find((n) => n.endsWith('.json'))!.replace(/\.json$/, '');
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', `cd ${dir} && SSH_AUTH_SOCK=${agent.socket} node dist/deploy-wizard.js resume ${id0} --operator ada@example.com --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`);
    f = await waitFor('is read-only', 20_000);
    expect(f.replace(/\s+/g, ' ')).toContain(`session ${id0} was completed by ada@example.com at `);
    key('q');
    await waitFor('EXIT=0', 15_000);

    const id = readdirSync(join(dir, 'sessions')).find((n) => n.endsWith('.json'))!.replace(/\.json$/, '');
    const out = join(dir, 'release.md');
    const exported = cli('report', id, '--out', out, '--sessions-dir', 'sessions', '--checklist', 'checklist.md');
    expect(exported.stderr).toMatch(/^report of session production-\S+ written to \S+release\.md\n$/);
    expect(exported.status).toBe(0);
    // Copied anywhere: a folder without the session, the checklist or allowed_signers.
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const copy = join(elsewhere, 'release.md');
    copyFileSync(out, copy);
    let v = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'verify', copy], { cwd: elsewhere, encoding: 'utf8' });
    expect(v.stdout).toMatch(/✓ Tech Lead {2}ada@example\.com {2}SHA256:\S+ {2}valid/);
    expect(v.stdout).toMatch(/✓ completion SUCCESS {2}ada@example\.com/);
    expect(v.stdout).toContain('1 of 1 required roles have a valid key signature');
    expect(v.status).toBe(0);

    // One character of the Items table edited.
    const lines = readFileSync(copy, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('Backups verified'));
    expect(i).toBeGreaterThan(0);
    lines[i] = lines[i].replace('Backups verified', 'Backups verifiet');
    writeFileSync(copy, lines.join('\n'));
    v = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'verify', copy], { cwd: elsewhere, encoding: 'utf8' });
    expect(v.stdout).toContain(`✗ report line ${i + 1} `);
    expect(v.stdout).toContain('Backups verifiet');
    expect(v.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✗ not verified: the report has the problem shown above/);
    expect(v.status).toBe(1);
  }, 120_000);
});
