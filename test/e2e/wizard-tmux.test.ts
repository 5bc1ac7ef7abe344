/**
 * End to end: the built CLI in a real pseudo-terminal (tmux, 80×24). Start a
 * session, mark items, run an http probe against a local server and see it
 * pass, quit with q, resume on the same item, finish the walk; Ctrl-C exits
 * 130; without a terminal the wizard refuses in one line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRig, launchWizard, openRig, privateTmux } from '../helpers/tmux.js';

const t = privateTmux('e2e');
const { tmux, screen, waitFor } = t;
let dir: string;
let server: Server;
let port: number;
let hits = 0;

const CHECKLIST = `# Tiny Deploy

## Preparation

Check the basics before you start.

- [ ] Backups verified
- [ ] Health endpoint responding
  <!-- probe: http url="\${APP_URL}/health/" status=200 -->
- [ ] Team notified

## Rollback Procedures

- [ ] Rollback tested
`;


/** Run the wizard in a fresh tmux session (80×24), the probes' APP_URL on the local server. */
function launch(args: string[], env: Record<string, string> = {}, sessions = 'sessions'): void {
  launchWizard({ tmux }, dir, args.join(' '), { env: { APP_URL: `http://127.0.0.1:${port}`, ...env }, sessions });
}

async function keys(...k: string[]): Promise<void> {
  for (const key of k) tmux('send-keys', '-t', 'wiz', key);
}

/**
 * The first key after launch can arrive before Ink has put the terminal in raw
 * mode on a loaded machine; send it again until the screen answers (bounded).
 */
/**
 * The first key, pressed as soon as the first frame shows, once: the wizard
 * holds the terminal in raw mode from before its first frame, so a key typed
 * while Ink is still mounting waits for it instead of being lost.
 */
async function firstKey(key: string, expect: string): Promise<string> {
  await keys(key);
  return waitFor(expect, 10_000);
}

/** Type text literally (no key-name lookup). */
function type(text: string): void {
  tmux('send-keys', '-t', 'wiz', '-l', text);
}

function sessionDoc(sessions = 'sessions'): any {
  const files = readdirSync(join(dir, sessions)).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(dir, sessions, files[0]), 'utf8'));
}

beforeAll(async () => {
  ({ dir, server, port } = await openRig(t, 'dw-e2e-', CHECKLIST, (req, res) => {
    hits++;
    res.writeHead(req.url === '/health/' ? 200 : 404, { 'content-type': 'application/json' });
    res.end('{"status":"healthy"}');
  }));
});

afterAll(async () => {
  await closeRig(t, { dir, server });
});

describe('the built wizard in tmux at 80×24', () => {
  it('start, mark, probe passes, q, resume on the same item, finish the walk', async () => {
    launch(['start', '--env', 'production', '--operator', 'e2e']);
    await waitFor('you are at: Tiny Deploy › Preparation › Backups verified');
    await firstKey('Enter', 'Check the basics before you start.');
    await keys('d');
    await waitFor('[x] Backups verified');
    // The mark moved the cursor on to the next item.
    await waitFor('▶ [ ] Health endpoint responding');
    await keys('p');
    // The verdict is saved with the result; the run's summary line follows when the run ends.
    const probed = await waitFor('probes: 1 passed, 0 failed');
    expect(probed).toContain('[✓] Health endpoint responding');
    expect(probed).toMatch(/✓ PASS\s+http/);
    expect(probed).toMatch(/probes: 1 passed, 0 failed in \d+\.\ds/);
    expect(hits).toBeGreaterThan(0);
    await keys('q');
    const quit = await waitFor('EXIT=0');
    expect(quit).toMatch(/Resume with:\n\s*deploy-wizard resume /);
    const saved = sessionDoc();
    expect(saved.cursor.itemId).toMatch(/health-endpoint-responding/);
    expect(Object.values(saved.items).map((i: any) => i.state).sort()).toEqual(['done', 'pending', 'pending', 'verified']);

    // A damaged file next to it: resume without an id takes the latest readable session and names the other once.
    const damaged = join(dir, 'sessions', 'production-20261125-0800-zzzz.json');
    writeFileSync(damaged, '');
    launch(['resume', '--operator', 'e2e']);
    const resumed = await waitFor('Check the basics before you start.');
    expect(resumed).toMatch(/▶ \[✓\] Health endpoint responding/);
    // The line wraps at 80 columns: compare without white space.
    const notice = '1 session file could not be read: sessions/production-20261125-0800-zzzz.json (is empty (0 bytes)); deploy-wizard list shows it';
    expect(resumed.replace(/\s+/g, '')).toContain(notice.replace(/\s+/g, ''));
    expect(resumed.split('could not be read')).toHaveLength(2);
    rmSync(damaged);
    await firstKey('j', '▶ [ ] Team notified');
    await keys('d');
    await waitFor('[x] Team notified');
    await keys('l');
    await waitFor('▶ [ ] Rollback tested');
    await keys('d');
    await waitFor('[x] Rollback tested');
    await keys('g');
    const overview = await waitFor('you are at');
    expect(overview).toContain('4/4 settled');
    await keys('q');
    await waitFor('EXIT=0');
    const done = sessionDoc();
    expect(Object.values(done.items).every((i: any) => i.state !== 'pending')).toBe(true);
    // The whole frame fits the 80×24 pane: title and footer both on screen.
    expect(overview).toMatch(/Tiny Deploy — production — 4\/4 settled/);
    expect(overview).toContain('q save+quit');
  }, 90_000);

  it('keys sent in one call are each handled: Enter j opens and moves; a note and its Enter save at once', async () => {
    launch(['start', '--env', 'production', '--operator', 'e2e'], {}, 'sessions-keys');
    await waitFor('you are at');
    tmux('send-keys', '-t', 'wiz', 'Enter', 'j');
    await waitFor('▶ [ ] Health endpoint responding');
    tmux('send-keys', '-t', 'wiz', 'e', 'all good', 'Enter', 'd');
    await waitFor('[x] Health endpoint responding');
    // d moved on to Team notified: back up to read the note.
    await waitFor('▶ [ ] Team notified');
    await keys('k');
    await waitFor('note: all good');
    await keys('q');
    await waitFor('EXIT=0');
    const doc = sessionDoc('sessions-keys');
    const id = Object.keys(doc.items).find((k) => k.includes('health-endpoint-responding'))!;
    expect(doc.items[id]).toMatchObject({ note: 'all good', state: 'done' });
  }, 60_000);

  it('Ctrl-C saves and exits 130; NO_COLOR leaves no colour codes on screen; CI=true does not blank the screen', async () => {
    // CI=true as on a CI runner: Ink would paint only at exit; the wizard on a terminal must not.
    launch(['start', '--env', 'production', '--operator', 'e2e'], { NO_COLOR: '1', CI: 'true' }, 'sessions-ctrlc');
    await waitFor('you are at');
    await firstKey('Enter', 'Check the basics before you start.');
    const raw = tmux('capture-pane', '-p', '-e', '-t', 'wiz');
    expect(raw).not.toMatch(/\x1b\[(3\d|4\d|9\d)(;\d+)*m/);
    await keys('d');
    await waitFor('[x] Backups verified');
    await keys('C-c');
    await waitFor('EXIT=130');
    const doc = sessionDoc('sessions-ctrlc');
    expect(doc.items[Object.keys(doc.items).find((k) => k.includes('backups-verified'))!].state).toBe('done');
  }, 60_000);

  it('resume after the checklist changed says so once; ! writes the incident next to the session; SIGTERM exits 130', async () => {
    launch(['start', '--env', 'production', '--operator', 'e2e'], {}, 'sessions-more');
    await waitFor('you are at');
    await firstKey('q', 'EXIT=0');
    writeFileSync(join(dir, 'checklist-changed.md'), CHECKLIST.replace('- [ ] Team notified', '- [ ] Team notified\n- [ ] Status page updated'));
    const cmd = `cd ${dir} && node dist/deploy-wizard.js resume --operator e2e --checklist checklist-changed.md --sessions-dir sessions-more; echo "EXIT=$?"; sleep 600`;
    tmux('kill-session', '-t', 'wiz');
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
    await waitFor('the checklist changed since this session started: 1 item added, 0 removed');
    await firstKey('!', 'EMERGENCY');
    // Typed field by field, as a person does: wait for the next field to take focus.
    for (const [text, next] of [['', 'Severity'], ['', 'Impact'], ['calls drop', 'ETA'], ['30m', 'Actions']] as const) {
      if (text) {
        type(text);
        await waitFor(text);
      }
      await keys('Enter');
      await waitFor(`▶ ${next}`);
    }
    type('rolling back');
    await waitFor('rolling back');
    await keys('Enter');
    const saved = await waitFor(/incident written to .*-incident-1\.md/);
    const file = /written to (\S+)/.exec(saved)![1];
    const text = readFileSync(join(dir, file.replace(/^.*sessions-more/, 'sessions-more')), 'utf8');
    expect(text).toContain('Status: INVESTIGATING');
    expect(text).toContain('Impact: calls drop');
    const pane = tmux('list-panes', '-t', 'wiz', '-F', '#{pane_pid}').trim();
    const node = execFileSync('pgrep', ['-P', pane, '-f', 'deploy-wizard'], { encoding: 'utf8' }).trim().split('\n')[0];
    process.kill(Number(node), 'SIGTERM');
    await waitFor('EXIT=130');
    const doc = sessionDoc('sessions-more');
    expect(doc.incidents).toHaveLength(1);
    expect(Object.keys(doc.items).some((k) => k.includes('status-page-updated'))).toBe(true);
  }, 60_000);

  it('start without --env asks for the environment (nothing assumed) and records the one chosen', async () => {
    launch(['start', '--operator', 'e2e'], {}, 'sessions-env');
    let frame = await waitFor('A new session — which environment is this release for?');
    expect(frame).toMatch(/❯ staging\s*\n\s*production\s*\n\s*other \(type a name\)/);
    await keys('Enter');
    await waitFor(/operator\s+e2e/);
    await keys('Enter');
    frame = await waitFor('you are at: Tiny Deploy');
    expect(frame).toContain('— staging —');
    await keys('q');
    await waitFor('EXIT=0');
    expect(sessionDoc('sessions-env').environment).toBe('staging');
  }, 60_000);

  it('start --env without --operator asks who runs it (the account name prefilled, editable) and records the name given', async () => {
    launch(['start', '--env', 'staging'], {}, 'sessions-who');
    await waitFor('who runs it?');
    await keys('C-u');
    type('Dana Scully');
    await keys('Enter');
    await waitFor('you are at: Tiny Deploy');
    await keys('q');
    await waitFor('EXIT=0');
    const doc = sessionDoc('sessions-who');
    expect(doc.environment).toBe('staging');
    expect(doc.operators).toEqual(['Dana Scully']);
  }, 60_000);

  it('join without a team store says what join needs and what opens a file session, exit 2', () => {
    const r = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'join', 'abc', '--sessions-dir', join(dir, 'sessions')], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `join opens a team session: give --store postgres://… (or DEPLOY_WIZARD_STORE); a session in ${join(dir, 'sessions')} is opened with deploy-wizard resume abc`,
    ]);
  });

  it('without a terminal: one line pointing to check, exit 2', () => {
    const r = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'start', '--checklist', join(dir, 'checklist.md'), '--sessions-dir', join(dir, 'sessions')], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'deploy-wizard needs a terminal for the interactive wizard; use `deploy-wizard check` for automated checks',
    ]);
  });
});
