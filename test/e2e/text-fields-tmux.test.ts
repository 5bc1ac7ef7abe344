/**
 * The forms in a real pseudo-terminal (tmux, 80×24): the bytes a terminal
 * sends for Backspace (0x7f), Delete (ESC[3~), Home and End edit where the
 * cursor is, and the cursor shows as an inverse cell even under NO_COLOR; the
 * new-session form offers one environment order on every route; `resume ID`
 * leaves no "Who are you?" above the wizard.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWizard, privateTmux, wizardDir } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, screen, waitFor, stop, keepAlive } = privateTmux('fields');
let dir: string;

const CHECKLIST = `# Tiny Deploy

## Preparation

- [ ] Backups verified
- [ ] Team notified
`;

function launch(args: string[], env: Record<string, string> = {}): void {
  launchWizard({ tmux }, dir, args.join(' '), { env });
}

const keys = (...k: string[]) => void tmux('send-keys', '-t', 'wiz', ...k);
const type = (text: string) => void tmux('send-keys', '-t', 'wiz', '-l', text);
/** The pane with its attributes (capture-pane -e): an inverse cell shows as ESC[7m. */
const rawScreen = () => tmux('capture-pane', '-p', '-e', '-t', 'wiz');

function sessionDocs(): any[] {
  return readdirSync(join(dir, 'sessions'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, 'sessions', f), 'utf8')));
}

beforeAll(() => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = wizardDir('dw-fields-', CHECKLIST, distDir);
  keepAlive();
});

afterAll(() => {
  stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('text fields and the new-session form in tmux at 80×24', () => {
  it('Backspace, Delete, Home, End, Ctrl-W and Ctrl-U as a terminal sends them; the cursor is an inverse cell under NO_COLOR', async () => {
    launch(['start', '--operator', 'ops-e2e'], { NO_COLOR: '1' });
    await waitFor('nothing is assumed');
    keys('Enter'); // staging
    const form = await waitFor(/operator\s+ops-e2e/);
    expect(form).toContain('(from --operator — type to change)');
    // NO_COLOR: no colour codes, but the cursor (inverse) stands after the name.
    await waitFor(/ops-e2e\u001b\[7m/, 5000, rawScreen);
    // (tmux's capture resets to the default colours, 39 and 49, after an attribute: not a colour.)
    expect(rawScreen()).not.toMatch(/\x1b\[(3[0-8]|4[0-8]|9\d)(;\d+)*m/);
    keys('Home', 'DC'); // Delete removes the character under the cursor: "ps-e2e"
    await waitFor(/operator\s+ps-e2e/);
    keys('BSpace'); // at the start: nothing before the cursor
    keys('End', 'BSpace'); // "ps-e2"
    await waitFor(/operator\s+ps-e2\s/);
    keys('Home');
    type('o');
    await waitFor(/operator\s+ops-e2\s/);
    // The cursor is visible where the editing happens: on the "p" after the typed "o".
    await waitFor(/o\u001b\[7mp/, 5000, rawScreen);
    keys('End');
    type(' x');
    keys('C-w', 'C-w');
    // Two words gone: the field is empty and shows its placeholder.
    await waitFor(/operator\s+\[your name\]/);
    type('Ada Lovelace');
    keys('C-a', 'C-k');
    type('Ada');
    await waitFor(/operator\s+Ada\s*$/m);
    expect(screen()).not.toMatch(/Lovelace|ops|uw|ak/);
    keys('Enter');
    await waitFor('you are at');
    expect(sessionDocs()[0]).toMatchObject({ environment: 'staging', operators: ['Ada'] });
    keys('q');
    await waitFor('EXIT=0');
  }, 60_000);

  it('start and the picker offer the same environments in the same order; Down+Enter gives the same one', async () => {
    const order = /❯ staging\s*\n\s*production\s*\n\s*eu-west\s*\n\s*other \(type a name\)/;
    launch(['start', '--env', 'eu-west', '--operator', 'e2e']);
    await waitFor('you are at');
    keys('q');
    await waitFor('EXIT=0');
    // `start` without --env
    launch(['start', '--operator', 'e2e']);
    expect(await waitFor('nothing is assumed')).toMatch(order);
    keys('Down', 'Enter');
    await waitFor(/environment production/);
    keys('C-c');
    await waitFor('EXIT=130');
    // The bare command: the picker lists the unfinished sessions, then "+ Start a new session".
    launch([]);
    await waitFor('Start a new session');
    keys('Up', 'Enter');
    expect(await waitFor('nothing is assumed')).toMatch(order);
    keys('Down', 'Enter');
    await waitFor(/environment production/);
    keys('C-c');
    await waitFor('EXIT=130');
  }, 60_000);

  it('resume ID: the "Who are you?" question is gone once answered', async () => {
    const id = readdirSync(join(dir, 'sessions')).find((f) => f.endsWith('.json'))!.replace(/\.json$/, '');
    launch(['resume', id]);
    await waitFor('Who are you?');
    keys('Enter');
    const wizard = await waitFor('you are at');
    expect(wizard).not.toContain('Who are you?');
    expect(wizard).not.toContain('carries this name');
    keys('q');
    await waitFor('EXIT=0');
  }, 60_000);
});
