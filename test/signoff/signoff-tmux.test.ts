/**
 * End to end: the built CLI in a real pseudo-terminal (tmux, 80×24). Four
 * people take turns on one session (file store): each signs their own role,
 * nobody signs two, completion is refused until all four have signed; the
 * completed session is read-only; `resume` without --operator asks who you are.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild, launchWizard, privateTmux } from '../helpers/tmux.js';
import { SIGNOFF_FOUR_ROLES } from '../helpers/checklists.js';

const root = join(import.meta.dirname, '..', '..');
const { tmux, screen, waitFor, keepAlive, stop } = privateTmux('signoff');
let dir: string;

const CHECKLIST = `# Tiny Release

## Steps

- [ ] Backups verified
- [ ] Team notified

${SIGNOFF_FOUR_ROLES}

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK

**Notes**: ____

**Next Steps**: ____
`;


/** Named keys (Enter, Tab, Right, C-d) or literal text. */
function keys(...k: string[]): void {
  for (const key of k) {
    if (/^(Enter|Tab|BTab|Right|Left|Up|Down|Escape|BSpace|C-[a-z])$/.test(key)) tmux('send-keys', '-t', 'wiz', key);
    else tmux('send-keys', '-t', 'wiz', '-l', key);
  }
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = mkdtempSync(join(tmpdir(), 'dw-signoff-e2e-'));
  writeFileSync(join(dir, 'checklist.md'), CHECKLIST);
  copyBuild(join(root, 'dist'), dir, join(dir, 'checklist.md'));
  // Relaunching kills the last pane: an idle session keeps the server up in between.
  keepAlive();
});

afterAll(() => {
  stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


/** Run the wizard in the `wiz` pane (a fresh one each time), 80×24 unless told. */
function launch(args: string, { columns = 80, rows = 24, sessions = 'sessions' } = {}): void {
  launchWizard({ tmux }, dir, args, { columns, rows, sessions });
}

const sessionFile = () => join(dir, 'sessions', readdirSync(join(dir, 'sessions')).find((f) => f.endsWith('.json'))!);
const doc = () => JSON.parse(readFileSync(sessionFile(), 'utf8'));

/** Open the sign-off of session `id` as `who` (resume with --operator) and sign `role` (row `row`). */
async function signAs(id: string, who: string, row: number, role: string): Promise<string> {
  launch(`resume ${id} --operator ${who}`);
  await waitFor('Backups verified');
  keys('S');
  await waitFor(`you are ${who}`);
  for (let i = 0; i < row; i++) keys('Down');
  await waitFor(`› ${role}`);
  keys(who.toLowerCase(), 'Enter');
  return waitFor(`signed ${role} as ${who}`);
}

async function quit(): Promise<void> {
  keys('Escape');
  await waitFor('Backups verified');
  keys('q');
  await waitFor('EXIT=0');
}

describe('sign-off in the built wizard (tmux, 80×24)', () => {
  let id: string;

  it('needs all four roles signed by four different people, and fits 80×24 throughout', async () => {
    launch('start --env production --operator Ada');
    await waitFor('you are at');
    keys('Enter');
    await waitFor('[ ] Backups verified');
    keys('d', 'Down', 'd');
    await waitFor('[x] Team notified');
    keys('S');
    await waitFor('you are Ada');
    keys('ada', 'Enter');
    let frame = await waitFor('signed Tech Lead as Ada');
    expect(frame).toMatch(/Tech Lead\s+Ada \(you\)\s+ada\s+\d{4}-\d\d-\d\d\s+✓/);
    // Ada cannot sign a second role.
    keys('Down');
    await waitFor('› DevOps Engineer');
    keys('ada', 'Enter');
    await waitFor('✗ Ada already signed Tech Lead: each role needs a different person');
    // Completion is refused while three roles are unsigned.
    keys('BSpace', 'BSpace', 'BSpace', 'Tab', 'Tab', 'Tab');
    await waitFor('ROLLED BACK');
    keys('Enter');
    await waitFor('Deployment Status: SUCCESS');
    keys('Tab', 'Tab', 'Tab', 'Enter');
    frame = await waitFor('✗ cannot complete SUCCESS: 3 of 4 roles not signed');
    // All of it on one 80×24 screen: title, the four rows, the status, the button, the message.
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(25);
    expect(frame).toContain('Sign-off · production');
    expect(frame).toContain('› [ Complete sign-off ]');
    for (const role of ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner']) expect(frame).toContain(role);
    id = doc().id;
    await quit();
    expect(doc().status).toBe('active');

    await signAs(id, 'Bob', 1, 'DevOps Engineer');
    // Bob cannot take Ada's role: her name is on it.
    frame = await waitFor(/Tech Lead\s+Ada\s+ada/);
    await quit();
    await signAs(id, 'Carol', 2, 'Security Officer');
    await quit();
    frame = await signAs(id, 'Dan', 3, 'Product Owner');
    expect(frame).toContain('4/4 roles signed');
    keys('Tab');
    await waitFor('❯ SUCCESS');
    keys('Enter');
    await waitFor('Deployment Status: SUCCESS');
    keys('Tab', 'Tab', 'Tab', 'Enter');
    frame = await waitFor(/report: \S+\.md/);
    expect(frame).toContain('✓ Completed: SUCCESS by Dan');
    expect(frame).toContain('the session is read-only');
    const d = doc();
    expect(d.status).toBe('completed');
    expect(d.signoff.signatures.map((s: any) => `${s.role}=${s.name}`)).toEqual([
      'Tech Lead=Ada', 'DevOps Engineer=Bob', 'Security Officer=Carol', 'Product Owner=Dan',
    ]);
    const md = readFileSync(join(dir, 'sessions', `${id}.md`), 'utf8');
    expect(md).toContain('**Read-only**: completed by Dan');
    keys('q');
    await waitFor('EXIT=0');
  }, 120_000);

  it('a completed session is read-only: an item change is refused with one line', async () => {
    launch(`resume ${id} --operator Ada`);
    await waitFor('Backups verified');
    const before = readFileSync(sessionFile(), 'utf8');
    keys('f');
    const frame = await waitFor(`session ${id} was completed by Dan`);
    expect(frame).toContain('is read-only; reopen it on the sign-off screen (o)');
    expect(frame).toContain('[x] Backups verified');
    keys('q');
    await waitFor('EXIT=0');
    expect(JSON.parse(readFileSync(sessionFile(), 'utf8')).items).toEqual(JSON.parse(before).items);
  }, 60_000);

  it('resume without --operator asks who you are (the session\'s operators or someone else) and records that name', async () => {
    launch(`resume ${id}`);
    let frame = await waitFor(`Who are you? Session ${id}`);
    for (const name of ['Ada', 'Bob', 'Carol', 'Dan', 'someone else (type a name)']) expect(frame).toContain(name);
    // Completed: the question says the session is read-only and why a name is still asked.
    expect(frame.replace(/\s+/g, ' ')).toContain(`session ${id} was completed by Dan`);
    expect(frame.replace(/\s+/g, ' ')).toContain('is read-only; reopen it on the sign-off screen (o) to change anything; a reopening is recorded with your name.');
    keys('Up');
    await waitFor('❯ someone else');
    keys('Enter');
    await waitFor('Your name:');
    keys('Eve', 'Enter');
    frame = await waitFor('Backups verified');
    keys('S');
    await waitFor('o reopen');
    keys('o', 'Eve must fix a note', 'Enter');
    await waitFor('✓ reopened');
    keys('Escape');
    await waitFor('Backups verified');
    keys('q');
    await waitFor('EXIT=0');
    const d = doc();
    expect(d.operators).toEqual(['Ada', 'Bob', 'Carol', 'Dan', 'Eve']);
    expect(d.events.at(-1)).toMatchObject({ who: 'Eve', what: 'signoff.reopen', detail: 'Eve must fix a note' });
  }, 60_000);
  it('the picker of a plain `deploy-wizard` asks who resumes too; a fast Down+Enter (one write) chooses what Down showed', async () => {
    launch('');
    await waitFor('Unfinished sessions');
    keys('Enter');
    await waitFor(`Who are you? Session ${id}`);
    // One write holding both keys: the choice must be Bob (Down from Ada), not the item shown before Down.
    tmux('send-keys', '-t', 'wiz', 'Down', 'Enter');
    await waitFor('Backups verified');
    keys('S');
    await waitFor('you are Bob');
    await quit();
    launch(`resume ${id}`);
    await waitFor(`Who are you? Session ${id}`);
    tmux('send-keys', '-t', 'wiz', 'Down', 'Down', 'Enter');
    await waitFor('Backups verified');
    keys('S');
    await waitFor('you are Carol');
    await quit();
  }, 60_000);
});

describe('sign-off in the built wizard at 60×20 (tmux), and nothing typed is lost', () => {
  const sessions = 'sessions-60';
  /** The pane as a stranger saw it: labels whole, one header line, nothing wrapped by the terminal. */
  function expectWhole(frame: string) {
    expect(frame).toMatch(/^ {2}Role\s+Name\s+Signature\s+Date\s+✓$/m);
    expect(frame).not.toMatch(/^\s+Val/m);
    expect(frame).toMatch(/^(› | {2})Override reason \((required|not needed)\):/m);
  }

  it('opened at 60×20 and after a resize: whole labels; the status, override reason and notes survive Esc, q and resume', async () => {
    launch('start --env staging --operator Ada', { columns: 60, rows: 20, sessions });
    await waitFor('you are at');
    keys('Enter');
    await waitFor('[ ] Backups verified');
    keys('S');
    let frame = await waitFor('you are Ada');
    expectWhole(frame);
    expect(frame).toMatch(/^ {2}Notes \(Enter adds a line · Tab next\)$/m);
    keys('Tab', 'Tab', 'Tab', 'Tab');
    frame = await waitFor('ROLLED BACK');
    expect(frame).toContain('[ Complete sign-off ]');
    // SUCCESS is blocked (items pending, roles unsigned): Enter lands on the reason it needs.
    keys('Enter');
    frame = await waitFor('› Override reason (required)');
    expect(frame).toContain('type the reason');
    keys('hotfix approved by CTO', 'Tab', 'smoke tests at 10:05');
    await waitFor('smoke tests at 10:05');
    keys('Escape');
    await waitFor('[ ] Backups verified');
    keys('q');
    await waitFor('EXIT=0');
    const id = readdirSync(join(dir, sessions)).find((f) => f.endsWith('.json'))!.replace(/\.json$/, '');

    // Resumed in a bigger terminal, then shrunk to 60×20 while the sign-off is open.
    launch(`resume ${id} --operator Ada`, { sessions });
    await waitFor('[ ] Backups verified');
    keys('S');
    frame = await waitFor('Deployment Status: SUCCESS');
    expect(frame).toContain('Override reason (required): hotfix approved by CTO');
    expect(frame).toContain('smoke tests at 10:05');
    tmux('resize-window', '-t', 'wiz', '-x', '60', '-y', '20');
    frame = await waitFor(/Date\s+✓/);
    expectWhole(frame);
    expect(frame).toContain('Deployment Status: SUCCESS');
    keys('Escape');
    await waitFor('[ ] Backups verified');
    keys('q');
    await waitFor('EXIT=0');
  }, 90_000);
});
