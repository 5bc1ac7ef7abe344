/**
 * Nothing typed is lost when the terminal goes away: the built wizard in a real
 * pty, Notes typed on the sign-off screen and not yet moved away from, then the
 * tmux window is killed (SIGHUP). Exit 129 says "the session saved", so the
 * saved draft must hold what was typed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild, privateTmux } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop } = privateTmux('signoff-hup');
let dir: string;

const CHECKLIST = `# Tiny Deploy

## Preparation

- [ ] Backups verified
- [ ] Team notified
`;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-signoff-hup-'));
  writeFileSync(join(dir, 'checklist.md'), CHECKLIST);
  copyBuild(distDir, dir, join(dir, 'checklist.md'));
  // The wrapper outlives the hang-up only to write down the wizard's exit code.
  writeFileSync(
    join(dir, 'run.sh'),
    `trap '' HUP\ncd ${dir}\nnode dist/deploy-wizard.js start --env production --operator e2e --checklist checklist.md --sessions-dir "$1" 2>"$1.err"\necho $? > "$1.exit"\n`,
  );
});

afterAll(() => {
  stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the sign-off form when its terminal goes away', () => {
  it('Notes typed and not yet left are in the saved draft after SIGHUP (exit 129)', async () => {
    const sessions = join(dir, 'sessions');
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', `sh ${join(dir, 'run.sh')} ${sessions}`);
    await waitFor('you are at');
    tmux('send-keys', '-t', 'wiz', 'Enter');
    await waitFor('▶ [ ] Backups verified');
    tmux('send-keys', '-t', 'wiz', 'S');
    await waitFor('Deployment Status');
    // Four roles, the status and the override reason: Notes is the seventh field.
    for (let i = 0; i < 6; i++) tmux('send-keys', '-t', 'wiz', 'Tab');
    await waitFor('› Notes');
    tmux('send-keys', '-t', 'wiz', '-l', ' HUP-TEXT');
    await waitFor('HUP-TEXT▌');
    tmux('kill-window', '-t', 'wiz');

    const code = await until('the wizard to exit', () => {
      const f = `${sessions}.exit`;
      return existsSync(f) ? readFileSync(f, 'utf8').trim() || undefined : undefined;
    });
    expect(code).toBe('129');
    const json = readdirSync(sessions).filter((f) => f.endsWith('.json'));
    expect(json).toHaveLength(1);
    const doc = JSON.parse(readFileSync(join(sessions, json[0]), 'utf8'));
    expect(doc.signoff.draft?.notes).toBe('HUP-TEXT');
  }, 60_000);
});
