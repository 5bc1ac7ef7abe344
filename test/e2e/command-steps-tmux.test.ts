/**
 * End to end at 80×24 (tmux, the built CLI): a command block whose first
 * command fails shows its verdict in red (`✗ exit 60: curl …`), runs nothing
 * after it (the second command would create a file), the output pane scrolls
 * back to the block's first line, the section shows the run, and the session
 * file and the report record the failing command (expanded, with its exit
 * status and output) and the one that did not run. Before the block, which
 * calls kubectl, the screen shows the kube context and namespace
 * (test/fixtures/bin/kubectl), recorded with the run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hermeticPath } from '../helpers/hermetic-path.js';
import { privateTmux, wizardDir } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, screen, waitFor, stop } = privateTmux('steps');
let dir: string;
let path: string;

const CHECKLIST = `# Tiny Deploy

## Verify Service Health

\`\`\`bash
# Check application health
curl -f https://yourdomain.com/health/

# Check all services
kubectl get pods -n django-twilio-call > pods-listed.txt
\`\`\`

- [ ] Services healthy
`;

// A stand-in for curl meeting a certificate it cannot verify: a page of verbose lines, then curl's own error and status.
const FAKE_CURL = `#!/bin/sh
i=1
while [ $i -le 30 ]; do echo "* verbose line $i of the TLS handshake"; i=$((i + 1)); done
echo "curl: (60) SSL certificate problem: unable to get local issuer certificate" >&2
exit 60
`;

function keys(...k: string[]): void {
  for (const key of k) tmux('send-keys', '-t', 'wiz', key);
}

/** The pane with its colours (SGR sequences kept). */
const colored = () => tmux('capture-pane', '-p', '-e', '-t', 'wiz');

beforeAll(() => {
  dir = wizardDir('dw-steps-', CHECKLIST, distDir);
  mkdirSync(join(dir, 'fakebin'));
  writeFileSync(join(dir, 'fakebin', 'curl'), FAKE_CURL);
  chmodSync(join(dir, 'fakebin', 'curl'), 0o755);
  path = `${join(dir, 'fakebin')}:${hermeticPath(dir).path}`;
});

afterAll(() => stop());

describe('a command block run as steps (pty, built CLI)', () => {
  it('the first failing command is the verdict, in red; nothing after it runs; the pane scrolls back; session and report record it', async () => {
    const env = `PATH=${path} DOMAIN=calls.example.test`;
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', `cd ${dir} && env ${env} node dist/deploy-wizard.js start --operator e2e --env staging --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`);
    await waitFor('you are at');
    keys('Enter');
    await waitFor('│ curl -f https://yourdomain.com/health/');
    keys('r');
    const before = await waitFor('kube context: staging-cluster · namespace: django-twilio-call');
    expect(before).toContain('yourdomain.com → ${DOMAIN} = calls.example.test');
    await waitFor('Type curl and Enter to run');
    tmux('send-keys', '-t', 'wiz', '-l', 'curl');
    keys('Enter');
    const failed = await waitFor('✗ exit 60: curl -f https://calls.example.test/health/', 20_000);
    expect(failed).not.toContain('✓');
    expect(failed).toContain('curl: (60) SSL certificate problem');
    expect(failed).toContain('· not run: kubectl get pods -n django-twilio-call > pods-listed.txt');
    // Red: the verdict line is painted with SGR 31.
    expect(colored()).toMatch(/\x1b\[31m(?:\x1b\[\d+m)*✗ exit 60: curl -f https:\/\/calls\.example\.test\/health\//);
    // The second command never ran: the file it would create is not there.
    expect(existsSync(join(dir, 'pods-listed.txt'))).toBe(false);
    // The block's first line and the first output lines scrolled off the top; PgUp brings them back.
    expect(failed).not.toContain('$ curl -f https://calls.example.test/health/');
    for (let i = 0; i < 6 && !screen().includes('$ curl -f https://calls.example.test/health/'); i++) {
      keys('PPage');
      await new Promise((r) => setTimeout(r, 150));
    }
    const top = await waitFor('$ curl -f https://calls.example.test/health/');
    expect(top).toContain('* verbose line 1 of the TLS handshake');
    expect(top).toMatch(/output lines 1–\d+ of \d+/);
    // The section says its block ran: when, by whom, the result.
    keys('Escape');
    // (cut at 80 columns)
    await waitFor(/✗ ran \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ by e2e: exit 60: curl -f https:\/\/calls\.example\.test\//);
    keys('q');
    await waitFor('EXIT=0');

    const files = readdirSync(join(dir, 'sessions')).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const doc = JSON.parse(readFileSync(join(dir, 'sessions', files[0]), 'utf8'));
    const runs = doc.events.filter((e: any) => e.what === 'command.run');
    expect(runs).toHaveLength(1);
    const run = runs[0].run;
    expect(run).toMatchObject({ section: 'Verify Service Health', context: 'staging-cluster', namespace: 'django-twilio-call', exitCode: 60, failed: 'exit 60: curl -f https://calls.example.test/health/' });
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0]).toMatchObject({ command: 'curl -f https://calls.example.test/health/', exitCode: 60, truncated: false });
    expect(run.steps[0].output).toContain('curl: (60) SSL certificate problem: unable to get local issuer certificate');
    expect(run.notRun).toEqual(['kubectl get pods -n django-twilio-call > pods-listed.txt']);
    expect(JSON.stringify(runs)).not.toContain('${DOMAIN}');

    const r = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'report', doc.id, '--checklist', 'checklist.md', '--sessions-dir', 'sessions'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const commands = r.stdout.slice(r.stdout.indexOf('## Commands run'));
    expect(commands).toContain('### Verify Service Health');
    expect(commands).toContain('❌ **exit 60: curl -f https://calls.example.test/health/**');
    expect(commands).toContain('| 1 | curl -f https://calls.example.test/health/ | ❌ 60 |');
    expect(commands).toContain('| — | kubectl get pods -n django-twilio-call &gt; pods-listed.txt | not run |');
    expect(commands).toContain('curl: (60) SSL certificate problem');
    expect(commands).toContain('kube context staging-cluster, namespace django-twilio-call');
    expect(r.stdout).not.toContain('${DOMAIN}');
  }, 90_000);
});
