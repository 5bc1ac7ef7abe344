/**
 * Honest saves through the built CLI in a real pseudo-terminal (issue #12.4):
 * the sessions folder stops taking writes under a running wizard; the screen
 * says NOT SAVED (the reason once), the next change retries, and q exits 1
 * with a copy of the unsaved work and the command that restores it.
 *
 * How the folder is made unwritable depends on who runs the tests: as root
 * (CI) permissions do not stop writes, so a tiny tmpfs is filled up and a
 * read-only bind mount is used; otherwise the folder is chmod 0500.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWizard, privateTmux, wizardDir } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('saves');
let dir: string;

const CHECKLIST = `# Tiny Deploy

## Preparation

- [ ] Backups verified
- [ ] Team notified \u001b]0;pwned-title\u0007now
- [ ] Health endpoint responding
`;

interface Jam {
  name: string;
  /** The reason the wizard must name. */
  reason: RegExp;
  /** Before the wizard starts (the folder must take the new session). */
  prepare(sessions: string): void;
  /** Make the folder refuse writes under the running wizard. */
  jam(sessions: string): void;
  /** Undo everything. */
  release(sessions: string): void;
}

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
/** Unmount every layer mounted on `path` (bounded; a process just killed may hold it for a moment). */
const umount = (path: string) => {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      execFileSync('umount', [path], { stdio: 'pipe' });
    } catch (err) {
      if (/not mounted|no mount point/.test(String((err as { stderr?: Buffer }).stderr ?? ''))) return;
      execFileSync('sleep', ['0.1']);
    }
  }
};

const fullTmpfs: Jam = {
  name: 'a full 64 KiB tmpfs',
  reason: /no space left on device \(ENOSPC\)/,
  prepare: (s) => {
    mkdirSync(s);
    mount('-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', s);
  },
  jam: (s) => {
    try {
      writeFileSync(join(s, 'filler'), Buffer.alloc(1024 * 1024));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
  },
  release: (s) => umount(s),
};

const readOnlyBind: Jam = {
  name: 'a read-only bind mount',
  reason: /read-only file system \(EROFS\)/,
  prepare: (s) => mkdirSync(s),
  jam: (s) => {
    mount('--bind', s, s);
    // "busy" while the wizard has a file open for writing there (a save in flight): try again shortly (bounded).
    for (let attempt = 0; ; attempt++) {
      try {
        mount('-o', 'remount,ro,bind', s);
        return;
      } catch (err) {
        if (attempt >= 50 || !/busy/.test(String((err as { stderr?: Buffer }).stderr ?? err))) throw err;
        execFileSync('sleep', ['0.1']);
      }
    }
  },
  release: (s) => umount(s),
};

const chmodded: Jam = {
  name: 'a folder chmod 0500',
  reason: /permission denied \(EACCES\)/,
  prepare: (s) => mkdirSync(s),
  jam: (s) => chmodSync(s, 0o500),
  release: (s) => chmodSync(s, 0o700),
};

// Root ignores permissions: only mounts make a folder refuse root's writes.
const jams: Jam[] = process.getuid?.() === 0 ? [fullTmpfs, readOnlyBind] : [chmodded];

/**
 * The pane's text as one line: the save line wraps on purpose (Ink breaks it
 * at spaces, the terminal wraps our last words), so phrases are matched whole.
 */
const joined = () => tmux('capture-pane', '-p', '-J', '-t', 'wiz').replace(/[ \t]*\n[ \t]*/g, ' ');

const waitJoined = (expected: string | RegExp) => waitFor(expected, 15_000, joined);

function launch(sessions: string, rescue: string, command = 'start --env production'): void {
  launchWizard({ tmux }, dir, `${command} --operator e2e`, { env: { TMPDIR: rescue }, sessions });
}

/** Wait (bounded) until the session file holds a cursor and no save is in flight in its folder. */
async function savedWithCursor(file: string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { cursor?: { sectionId?: string } };
      const inFlight = readdirSync(dirname(file)).some((n) => n.endsWith('.tmp'));
      if (doc.cursor?.sectionId && !inFlight) return;
    } catch {
      /* being replaced */
    }
    if (Date.now() > until) throw new Error(`the session file never recorded the cursor: ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const keys = (...k: string[]) => {
  for (const key of k) tmux('send-keys', '-t', 'wiz', key);
};

beforeAll(() => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = wizardDir('dw-e2e-saves-', CHECKLIST, distDir);
  keepAlive();
});

afterAll(() => {
  stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(jams)('the sessions folder stops taking writes under the wizard: $name', (jam) => {
  it('NOT SAVED on screen with the reason once, retried by a cursor move, q exits 1 with a copy and how to restore it', async () => {
    const sessions = join(dir, `sessions-${jams.indexOf(jam)}`);
    const rescue = join(dir, `rescue-${jams.indexOf(jam)}`);
    mkdirSync(rescue);
    jam.prepare(sessions);
    try {
      launch(sessions, rescue);
      await waitFor('you are at');
      keys('Enter');
      await waitFor('▶ [ ] Backups verified');
      const id = readdirSync(sessions).find((n) => n.endsWith('.json'))!.slice(0, -5);
      // Jam only once the cursor move of Enter is on disk: a save still in flight would free the
      // old file's blocks on rename and leave room on the full tmpfs (seen under load).
      await savedWithCursor(join(sessions, `${id}.json`));
      jam.jam(sessions);

      keys('d');
      const first = await waitJoined('NOT SAVED: 1 change');
      expect(first).toMatch(jam.reason);
      expect(first.match(/could not save/g)).toHaveLength(1);
      expect(first).toContain('the previous version is intact');
      expect(first).toContain('saved with your next change');
      // The screen still shows the change: nothing is lost while the wizard runs.
      expect(first).toContain('[x] Backups verified');

      keys('j');
      await waitJoined(/NOT SAVED: 2 changes/);

      keys('q');
      const end = await waitJoined('EXIT=1');
      expect(end).not.toContain('Saved — quitting');
      expect(end).not.toContain('Saved session');
      expect(end).toMatch(new RegExp(`NOT SAVED: \\d+ changes to session ${id} could not be written`));
      const restore = /restore it with: cp (\S+) (\S+) && deploy-wizard resume (\S+)/.exec(end);
      expect(restore).not.toBeNull();
      expect(restore![1].startsWith(rescue)).toBe(true);
      expect(restore![3]).toBe(id);
      const copy = JSON.parse(readFileSync(restore![1], 'utf8'));
      expect(Object.entries(copy.items).find(([k]) => k.includes('backups-verified'))?.[1]).toMatchObject({ state: 'done' });
      // Item text cannot retitle the terminal (the OSC sequence in "Team notified" was removed).
      expect(tmux('display-message', '-p', '-t', 'wiz', '#{pane_title}')).not.toContain('pwned-title');
    } finally {
      // The wizard first (a failed step may leave it running), then the mount it used.
      try {
        tmux('kill-session', '-t', 'wiz');
      } catch {
        /* already gone */
      }
      jam.release(sessions);
    }
  }, 60_000);
});

describe('a session file copied to a new name (issue #12.8)', () => {
  it('resumes under the new name, and the quit hint names the copy', async () => {
    const sessions = join(dir, 'sessions-copy');
    const rescue = join(dir, 'rescue-copy');
    mkdirSync(sessions);
    mkdirSync(rescue);
    launch(sessions, rescue);
    await waitFor('you are at');
    keys('q');
    await waitFor('EXIT=0');
    const id = readdirSync(sessions).find((n) => n.endsWith('.json'))!.slice(0, -5);
    copyFileSync(join(sessions, `${id}.json`), join(sessions, 'rehearsal-copy.json'));
    launch(sessions, rescue, 'resume rehearsal-copy');
    await waitFor('you are at');
    keys('q');
    const end = await waitJoined('EXIT=0');
    expect(end).toContain('Saved session rehearsal-copy. Resume with: deploy-wizard resume rehearsal-copy');
    expect(JSON.parse(readFileSync(join(sessions, 'rehearsal-copy.json'), 'utf8')).id).toBe('rehearsal-copy');
    expect(JSON.parse(readFileSync(join(sessions, `${id}.json`), 'utf8')).id).toBe(id);
  }, 60_000);
});
