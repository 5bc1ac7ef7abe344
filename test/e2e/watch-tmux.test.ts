/**
 * End to end: the built wizard in tmux at 80×24 against a scripted Prometheus
 * endpoint on loopback. w opens the watch screen, s starts the watch and a
 * sparkline row fills; the watch goes on while the operator walks another
 * section; q saves; resume continues the same window (the samples missed
 * while it was closed are said on the screen).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeFakeProms, fakeProm, type FakeProm } from '../helpers/prometheus.js';
import { launchWizard, privateTmux, wizardDir } from '../helpers/tmux.js';
import { watchChecklistText } from '../store/watch-fixtures.js';

const root = join(import.meta.dirname, '..', '..');
const distDir = process.env.DEPLOY_WIZARD_E2E_DIST ?? join(root, 'dist');
const { tmux, waitFor, stop, keepAlive } = privateTmux('watch');
let dir: string;
let prom: FakeProm;

beforeAll(async () => {
  if (!existsSync(join(distDir, 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = wizardDir('dw-watch-e2e-', watchChecklistText({ interval: '300ms', count: 200, failureLimit: 1, inconclusiveLimit: 100 }), distDir);
  prom = await fakeProm({ error_ratio: [0.01, 0.02, 0.03, 0.02, 0.01, 0.04], requests: [500] });
  keepAlive();
});

afterAll(async () => {
  stop();
  await closeFakeProms();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function launch(args: string): void {
  launchWizard({ tmux }, dir, `${args} --operator ada`, { env: { PROMETHEUS_URL: prom.url, DEPLOY_WIZARD_MIN_INTERVAL_MS: '100' } });
}

const measurements = () => {
  const file = readdirSync(join(dir, 'sessions')).find((f) => f.endsWith('.json'))!;
  return JSON.parse(readFileSync(join(dir, 'sessions', file), 'utf8')).watches?.[0]?.criteria[0].measurements ?? [];
};

describe('the watch screen in a real terminal (80×24)', () => {
  it('opens with w, fills a sparkline row, keeps watching in another section, and resume continues the window', async () => {
    launch('start --env production');
    await waitFor('Deployed');
    tmux('send-keys', '-t', 'wiz', 'w');
    await waitFor('Watch: rollback criteria — not started');
    tmux('send-keys', '-t', 'wiz', 's');
    const screen = await waitFor(/^ {2}[▁▂▃▄▅▆▇█]{4,} max 0\.05 · latest 0\.0\d\s*$/m);
    expect(screen).toMatch(/^running\s+Error rate exceeds 5% of requests\s+\d+\/200\s*$/m);
    expect(screen).toMatch(/^ {2}\d+ ok, 0 failed, 0 inconclusive, 0 errors of \d+/m);
    expect(screen.split('\n').every((l) => l.length <= 80)).toBe(true);
    // Back to the overview it was opened from, then walk into a section and on to the next: the watch goes on.
    tmux('send-keys', '-t', 'wiz', 'w');
    await waitFor(/● you are at: .*Deploy[\s\S]*◉ watching 1 rollback criterion: \d+\/200 samples/);
    tmux('send-keys', '-t', 'wiz', 'l');
    await waitFor('Smoke tested');
    tmux('send-keys', '-t', 'wiz', 'l');
    await waitFor('Rolled back');
    const before = measurements().length;
    await waitFor(/◉ watching 1 rollback criterion: \d+\/200 samples/);
    // Measuring goes on in another section: polled for in the session file, not a guessed sleep.
    const more = () => {
      try {
        return measurements().length > before;
      } catch {
        return false; // the file is being replaced
      }
    };
    const until = Date.now() + 15_000;
    while (!more() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(measurements().length).toBeGreaterThan(before);
    tmux('send-keys', '-t', 'wiz', 'q');
    await waitFor('EXIT=0');
    const kept = measurements().length;
    // Closed for a while: the slots that passed are not invented.
    await new Promise((r) => setTimeout(r, 1500));
    launch('resume');
    await waitFor('Rolled back');
    tmux('send-keys', '-t', 'wiz', 'w');
    const resumed = await waitFor(/\d+ slots? missed \(\d\d:\d\d:\d\d–\d\d:\d\d:\d\d UTC\), the wizard closed: inconclusive$/m);
    expect(resumed).toMatch(/Watch: rollback criteria — running/);
    const count = Number(/Error rate exceeds 5% of requests\s+(\d+)\/200/.exec(resumed)![1]);
    expect(count).toBeGreaterThan(kept);
    // x asks first (the window would end incomplete); y stops it.
    tmux('send-keys', '-t', 'wiz', 'x');
    await waitFor(/Stop the watch\? The window ends incomplete/);
    tmux('send-keys', '-t', 'wiz', 'y');
    const stopped = await waitFor('Watch: rollback criteria — stopped');
    expect(stopped).toMatch(/^INCOMPLETE\s+Error rate exceeds 5% of requests/m);
    tmux('send-keys', '-t', 'wiz', 'q');
    await waitFor('EXIT=0');
  });
});
