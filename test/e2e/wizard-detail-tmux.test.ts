/**
 * End to end at 80×24 (tmux): Enter on an item opens the detail view with the
 * full probe summary and evidence (cut at 80 columns on the section screen);
 * a cancelled run (P, then Esc) keeps the earlier pass, in the wizard and in
 * the report; a block with two alternatives runs only the chosen one; a
 * resize to 60×20 and back leaves no stale line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRig, launchWizard, openRig, privateTmux } from '../helpers/tmux.js';

const t = privateTmux('detail');
const { tmux, screen, waitFor } = t;
let dir: string;
let server: Server;
let port: number;
/** While set, /health/ never answers (so a run can be cancelled mid-way). */
let hang = false;
const held: (() => void)[] = [];

// The body's last words lie far past column 80 on one line: only a view that shows it all shows them.
const BODY = `{"status":"degraded","detail":"${'the worker pool is draining; '.repeat(7)}tail-marker-QX7"}`;

const CHECKLIST = `# Tiny Deploy

## Health

- [ ] Health endpoint responding
  <!-- probe: http url="\${APP_URL}/health/" status=200 -->
- [ ] Diagnostics report healthy
  <!-- probe: http url="\${APP_URL}/diag/" status=200 json.status=healthy -->

## Stop Traffic

\`\`\`bash
# Kubernetes rollback
touch ran-kubernetes
echo "kubernetes rolled back"

# Docker Compose rollback
touch ran-compose
echo "compose rolled back"
\`\`\`

- [ ] Traffic stopped
`;

function launch(args: string[], sessions = 'sessions'): void {
  launchWizard({ tmux }, dir, args.join(' '), { env: { APP_URL: `http://127.0.0.1:${port}` }, sessions });
}

function keys(...k: string[]): void {
  for (const key of k) tmux('send-keys', '-t', 'wiz', key);
}

function sessionFile(sessions = 'sessions'): string {
  const files = readdirSync(join(dir, sessions)).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return join(dir, sessions, files[0]);
}

/** The pane's rows without trailing blanks (what a person sees). */
function rows(): string[] {
  return screen()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '')
    .split('\n');
}

beforeAll(async () => {
  ({ dir, server, port } = await openRig(t, 'dw-detail-', CHECKLIST, (req, res) => {
    if (req.url === '/health/' && hang) {
      held.push(() => res.destroy());
      return;
    }
    res.writeHead(req.url === '/health/' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(req.url === '/health/' ? '{"status":"healthy"}' : BODY);
  }));
});

afterAll(async () => {
  for (const h of held) h();
  await closeRig(t, { dir, server });
});

describe('the detail view and cancelled runs, at 80×24', () => {
  it('Enter shows the full summary and evidence of a failed probe; Esc returns; P then Esc keeps the pass', async () => {
    launch(['start', '--operator', 'e2e', '--env', 'staging']);
    await waitFor('you are at: Tiny Deploy › Health');
    keys('Enter');
    await waitFor('Health endpoint responding');
    keys('P');
    // Both results, whichever lands first (the two probes run at once: waiting for one only raced the other).
    const probed = await waitFor(/^(?=[\s\S]*\[✗\] Diagnostics report healthy)(?=[\s\S]*\[✓\] Health endpoint responding)/);
    expect(probed).toContain('[✓] Health endpoint responding');
    // The section screen cuts the failing summary: its end is not on screen.
    keys('j');
    const cut = await waitFor('probe: fail');
    expect(cut).not.toContain('tail-marker-QX7');

    keys('Enter');
    const detail = await waitFor('History (');
    expect(detail).toContain('Diagnostics report healthy');
    // The whole summary, wrapped over rows: status and the failed JSON check.
    const joined = detail.split('\n').map((l) => l.trim()).join(' ');
    expect(joined).toMatch(/FAIL http: GET http:\/\/127\.0\.0\.1:\d+\/diag\/ → 503 in \d+ ms: .*status.*503/);
    expect(joined).toContain('json.status');
    // Evidence: the status line, the content type and the body up to its last words.
    expect(detail).toMatch(/│ .*503/);
    expect(detail).toContain('content-type: application/json');
    let all = detail;
    if (!detail.includes('tail-marker-QX7')) {
      keys('G');
      all = await waitFor('tail-marker-QX7');
    }
    expect(all).toContain('tail-marker-QX7');
    // Every row fits 80 columns (nothing relies on the terminal wrapping).
    for (const row of screen().split('\n')) expect([...row].length).toBeLessThanOrEqual(80);
    keys('Escape');
    await waitFor('[✗] Diagnostics report healthy');
    expect(screen()).not.toContain('History (');

    // Cancel keeps the pass: the health endpoint now hangs; P, Esc while it runs.
    keys('k');
    await waitFor('▶ [✓] Health endpoint responding');
    hang = true;
    keys('P');
    await waitFor(/⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/);
    keys('Escape');
    const after = await waitFor('probes: cancelled');
    hang = false;
    expect(after).toContain('[✓] Health endpoint responding');
    expect(after).toMatch(/probe: pass — GET http:\/\/127\.0\.0\.1:\d+\/health\/ → 200/);
    keys('Enter');
    const d2 = await waitFor('History (');
    expect(d2).toMatch(/PASS http: GET http:\/\/127\.0\.0\.1:\d+\/health\/ → 200/);
    expect(d2).toContain('state: verified');
    // The cancel is in the history as its own event.
    const joined2 = d2.split('\n').map((l) => l.trim()).join(' ');
    expect(joined2).toMatch(/probe\.result http skipped: .*cancel/i);
    keys('Escape');
    await waitFor('▶ [✓] Health endpoint responding');
    keys('q');
    await waitFor('EXIT=0');

    const doc = JSON.parse(readFileSync(sessionFile(), 'utf8'));
    const health = Object.entries(doc.items as Record<string, any>).find(([id]) => id.includes('health-endpoint'))![1];
    expect(health.state).toBe('verified');
    expect(health.probes.map((p: any) => p.status)).toEqual(['pass']);
    const r = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'report', doc.id, '--checklist', 'checklist.md', '--sessions-dir', 'sessions'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const line = r.stdout.split('\n').filter((l) => l.includes('Health endpoint responding'));
    expect(line.join('\n')).not.toMatch(/cancel/i);
    expect(r.stdout).toMatch(/→ 200/);
  }, 90_000);

  it('a block with two alternatives runs only the chosen one (Docker Compose), and the report has its output', async () => {
    launch(['start', '--operator', 'e2e', '--env', 'staging'], 'alt');
    await waitFor('you are at: Tiny Deploy › Health');
    keys('Enter');
    await waitFor('Health endpoint responding');
    keys('l');
    await waitFor('Traffic stopped');
    keys('r');
    const choose = await waitFor('only the chosen one runs');
    expect(choose).toMatch(/❯ Kubernetes rollback/);
    expect(choose).toContain('Docker Compose rollback');
    keys('Down');
    await waitFor(/❯ Docker Compose rollback/);
    keys('Enter');
    const confirm = await waitFor('Type touch and Enter');
    expect(confirm).toContain('2/2 Docker Compose rollback');
    expect(confirm).toContain('│ touch ran-compose');
    expect(confirm).not.toContain('ran-kubernetes');
    tmux('send-keys', '-t', 'wiz', '-l', 'touch');
    keys('Enter');
    const ran = await waitFor('— recorded');
    expect(ran).toContain('compose rolled back');
    expect(ran).toContain('✓ exit 0');
    expect(existsSync(join(dir, 'ran-compose'))).toBe(true);
    expect(existsSync(join(dir, 'ran-kubernetes'))).toBe(false);
    keys('Escape');
    await waitFor('only the chosen one runs');
    keys('Escape');
    await waitFor('▶ [ ] Traffic stopped');
    keys('q');
    await waitFor('EXIT=0');
    const doc = JSON.parse(readFileSync(sessionFile('alt'), 'utf8'));
    const r = spawnSync('node', [join(dir, 'dist', 'deploy-wizard.js'), 'report', doc.id, '--checklist', 'checklist.md', '--sessions-dir', 'alt'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('## Commands run');
    expect(r.stdout).toContain('compose rolled back');
    expect(r.stdout).not.toContain('touch ran-kubernetes');
  }, 60_000);

  it('resize 80×24 → 60×20 → 80×24 leaves no stale line (section with an error, the emergency form with its error)', async () => {
    launch(['start', '--operator', 'e2e', '--env', 'staging'], 'resize');
    await waitFor('you are at: Tiny Deploy › Health');
    keys('Enter');
    await waitFor('Health endpoint responding');
    keys('l');
    await waitFor('Traffic stopped');
    keys('p');
    await waitFor('this item has no probes');
    const resizeRoundTrip = async (): Promise<void> => {
      const before = rows();
      tmux('resize-window', '-t', 'wiz', '-x', '60', '-y', '20');
      const fits = () => (rows().length <= 20 && rows().every((l) => [...l].length <= 60) ? 'fits 60×20' : 'not yet');
      await waitFor('fits 60×20', 10_000, fits);
      const narrow = rows();
      // At 60 columns the footer packs differently: the frame really was redrawn.
      expect(narrow.join('\n')).not.toBe(before.join('\n'));
      tmux('resize-window', '-t', 'wiz', '-x', '80', '-y', '24');
      await waitFor(before.join('\n'), 10_000, () => rows().join('\n'));
      expect(rows()).toEqual(before);
    };
    await resizeRoundTrip();
    keys('!');
    await waitFor('EMERGENCY');
    for (let i = 0; i < 5; i++) keys('Enter');
    await waitFor('status, severity and impact are required');
    await resizeRoundTrip();
    keys('Escape');
    await waitFor('Traffic stopped');
    keys('q');
    await waitFor('EXIT=0');
  }, 60_000);
});
