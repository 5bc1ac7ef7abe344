/**
 * End to end: the built wizard in tmux (80×24) with --notify. A started
 * session is posted as {"text": …} and its delivery recorded; a webhook answering 500 is shown once on
 * the screen, logged in the session, and changes nothing else (q still quits
 * with exit 0). No secret reaches the body.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild, launchWizard, privateTmux } from '../helpers/tmux.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('notify');
const SECRET = 'canary-wizard-pw-Jn4Rt';
let dir: string;
let hook: Webhook;
let port = 0;
let answer = 200;
let bodies: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = mkdtempSync(join(tmpdir(), 'dw-notify-e2e-'));
  writeFileSync(join(dir, 'checklist.md'), '# Tiny\n\n## Prep\n\n- [ ] Backups verified\n');
  copyBuild(distDir, dir, join(dir, 'checklist.md'));
  hook = await startWebhook((_req, res) => res.writeHead(answer).end('x'));
  bodies = hook.bodies;
  port = Number(new URL(hook.url).port);
  keepAlive();
});

afterAll(async () => {
  stop();
  await hook?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function launch(sessions: string): void {
  launchWizard({ tmux }, dir, `start --env staging --operator ${SECRET} --notify http://127.0.0.1:${port}/services/T0/hooksecret`, { env: { DB_PASSWORD: SECRET }, sessions });
}

function launchWithConfig(sessions: string): void {
  try {
    tmux('kill-session', '-t', 'wiz');
  } catch {
    /* none yet */
  }
  const cmd = `cd ${dir} && node dist/deploy-wizard.js start --env staging --operator ada --config notify.json --checklist announce.md --sessions-dir ${sessions}; echo "EXIT=$?"; sleep 600`;
  tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
}

function sessionDoc(sessions: string): any {
  const files = readdirSync(join(dir, sessions)).filter((f) => f.endsWith('.json'));
  return JSON.parse(readFileSync(join(dir, sessions, files[0]), 'utf8'));
}

describe('the wizard with --notify', () => {
  it('posts the session start, masked', async () => {
    answer = 200;
    bodies.length = 0;
    launch('s1');
    await waitFor('Backups verified');
    const until = Date.now() + 10_000;
    while (!bodies.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(bodies).toHaveLength(1);
    const { text } = JSON.parse(bodies[0]);
    expect(text).toMatch(/started deployment session staging-\S+ \(staging\)/);
    expect(bodies[0]).not.toContain(SECRET);
    tmux('send-keys', '-t', 'wiz', 'q');
    await waitFor('EXIT=0');
    // The delivery is on the record: what, to which host (never the URL), the answer, the text as sent.
    const doc = sessionDoc('s1');
    const sent = doc.events.filter((e: { what: string }) => e.what === 'notify.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0].notification).toMatchObject({ event: 'session.start', host: `127.0.0.1:${port}`, status: 200, text });
    expect(JSON.stringify(doc)).not.toContain('hooksecret');
  });

  it('a 500 webhook is shown once and logged in the session; the wizard goes on and quits with 0', async () => {
    answer = 500;
    bodies.length = 0;
    launch('s2');
    const shown = await waitFor(/notification \(session\.start\) to 127\.0\.0\.1:\d+ not delivered: answered 500/, 20_000);
    expect(shown).not.toContain('hooksecret');
    expect(bodies).toHaveLength(3);
    tmux('send-keys', '-t', 'wiz', 'q');
    await waitFor('EXIT=0');
    const doc = sessionDoc('s2');
    const logged = doc.events.filter((e: { what: string }) => e.what === 'notify.failed');
    expect(logged).toHaveLength(1);
    expect(logged[0].detail).toMatch(/not delivered: answered 500$/);
    expect(JSON.stringify(doc)).not.toContain('hooksecret');
  });

  it('a on an item sends its announcement to the audience the config names, after y; the item is verified from the record', async () => {
    answer = 200;
    bodies.length = 0;
    writeFileSync(join(dir, 'announce.md'), '# Tiny\n\n## Team Communication\n\n- [ ] Stakeholders notified\n  <!-- probe: session check=notified event=deployment.complete audience=stakeholders -->\n');
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ notify: { stakeholders: `http://127.0.0.1:${port}/services/T0/stakeholdersecret` } }));
    launchWithConfig('s3');
    await waitFor('Stakeholders notified');
    const until = Date.now() + 10_000;
    while (!bodies.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    tmux('send-keys', '-t', 'wiz', 'Enter');
    await waitFor(/▶ \[ \] Stakeholders notified/);
    tmux('send-keys', '-t', 'wiz', 'a');
    const asked = await waitFor(/Send the deployment\.complete announcement to stakeholders \(127\.0\.0\.1:\d+\)\?/);
    expect(asked).toContain('deployment to staging complete');
    expect(asked).not.toContain('stakeholdersecret');
    tmux('send-keys', '-t', 'wiz', 'y');
    await waitFor(/\[✓\] Stakeholders notified/, 20_000);
    tmux('send-keys', '-t', 'wiz', 'q');
    await waitFor('EXIT=0');
    const doc = sessionDoc('s3');
    const sent = doc.events.filter((e: { what: string; notification?: { event: string } }) => e.what === 'notify.sent' && e.notification?.event === 'deployment.complete');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ who: 'ada', notification: { audience: 'stakeholders', status: 200 } });
    expect(bodies.map((b) => JSON.parse(b).text).filter((t: string) => t.includes('deployment to staging complete'))).toHaveLength(1);
    expect(JSON.stringify(doc)).not.toContain('stakeholdersecret');
  });
});
