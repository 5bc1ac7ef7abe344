/**
 * The wizard at 2 a.m., round 2: what a first walk tripped over, each tried on
 * the built CLI in a real pseudo-terminal (tmux, 80×24): lines cut where they
 * differ, a resize leaving stale lines, Ctrl-C without the resume command, the
 * cursor staying on a marked item, no section action, G on the overview, no
 * way to give a missing variable, re-signing in three keys.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeRig, launchWizard, openRig, privateTmux } from '../helpers/tmux.js';

const t = privateTmux('two-am');
const { tmux, screen, waitFor } = t;
const pg = inject('servers').pg;
let dir: string;
let server: Server;
let port: number;

const DB = 'host=${DB_HOST} port=${DB_PORT} database=${DB_NAME} user=${DB_USER} password=${DB_PASSWORD}';
const CHECKLIST = `# Night Deploy

## Database

- [ ] Database reachable
  <!-- probe: postgres ${DB} min_version=10 -->
- [ ] Connection limits configured
  <!-- probe: postgres ${DB} max_connections_pct=99 -->
- [ ] Statement timeout set
  <!-- probe: postgres ${DB} table=pg_class -->

## Health

- [ ] Health endpoint responding
  <!-- probe: http url="\${APP_URL}/health/" status=200 -->
- [ ] Logs clean
- [ ] Alerts quiet
- [ ] Dashboards reviewed

## Rollback Procedures

\`\`\`bash
curl -fsS http://127.0.0.1:9/a/very/long/path/that/goes/on/and/on/health-check-endpoint/final-segment
\`\`\`

- [ ] Rollback rehearsed

## Sign-off

| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |
| DevOps Engineer | | | |

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK
`;

const DB_ENV = { DB_HOST: pg.host, DB_PORT: String(pg.port), DB_NAME: pg.database, DB_USER: pg.user };

/** Run the wizard in a fresh pane; the shell prints EXIT=<code> when it ends. */
function launch(args: string, env: Record<string, string> = {}, { columns = 80, rows = 24 } = {}): void {
  launchWizard({ tmux }, dir, args, { env, columns, rows });
}

/** Named keys (Enter, Escape, Down…) or literal text. */
function keys(...k: string[]): void {
  for (const key of k) {
    if (/^(Enter|Tab|BTab|Right|Left|Up|Down|Escape|BSpace|C-[a-z])$/.test(key)) tmux('send-keys', '-t', 'wiz', key);
    else tmux('send-keys', '-t', 'wiz', '-l', key);
  }
}

function sessionFiles(): string[] {
  return readdirSync(join(dir, 'sessions')).filter((f) => f.endsWith('.json'));
}
const doc = (id: string) => JSON.parse(readFileSync(join(dir, 'sessions', `${id}.json`), 'utf8'));
const rawDoc = (id: string) => readFileSync(join(dir, 'sessions', `${id}.json`), 'utf8');

/** Start a new session as `operator` and open section `title`; returns the session id. */
async function startAt(title: string, operator = 'Sam', env: Record<string, string> = {}, extra = ''): Promise<string> {
  rmSync(join(dir, 'sessions'), { recursive: true, force: true });
  launch(`start --env staging --operator '${operator}' ${extra}`, env);
  await waitFor('you are at');
  const id = sessionFiles()[0].replace(/\.json$/, '');
  // The overview lists the sections in document order: g to the first, then down to the one asked for.
  const index = ['Night Deploy', 'Database', 'Health', 'Rollback Procedures', 'Sign-off'].indexOf(title);
  keys('g', ...Array<string>(index).fill('j'));
  await waitFor(new RegExp(`▶.*${title}`));
  keys('Enter');
  await waitFor(new RegExp(`^${title} `, 'm'));
  return id;
}

async function quit(): Promise<string> {
  keys('q');
  return waitFor('EXIT=0');
}

beforeAll(async () => {
  ({ dir, server, port } = await openRig(t, 'dw-two-am-', CHECKLIST, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"healthy"}');
  }));
});

afterAll(async () => {
  await closeRig(t, { dir, server });
});

describe('the wizard at 2 a.m. (tmux, 80×24)', () => {
  it('three PostgreSQL probes of one server: each line says first what it judged, so 80 columns tell them apart', async () => {
    await startAt('Database', 'Sam', { ...DB_ENV, DB_PASSWORD: pg.password });
    keys('P');
    await waitFor(/probes: 3 passed/, 20_000);
    // The current item's detail line (under the items).
    const detailLine = () => screen().split('\n').find((l) => l.startsWith('   probe: pass — '))!;
    const seen: string[] = [];
    for (const [i, judged] of [
      [0, /probe: pass — version \d+(\.\d+)? ≥ 10/],
      [1, /probe: pass — \d+\/\d+ connections in use; PostgreSQL/],
      [2, /probe: pass — pg_class has \d+ rows/],
    ] as const) {
      if (i > 0) keys('j');
      await waitFor(judged, 5_000);
      seen.push(detailLine());
    }
    // Three different lines, none of them the same "PostgreSQL … at host:port" start.
    expect(new Set(seen).size).toBe(3);
    for (const l of seen) expect(l).not.toMatch(/^ {3}probe: pass — PostgreSQL/);
    await quit();
  });

  it('d moves on to the next item; N marks the rest of the section n/a with one reason, recorded per item and in the report', async () => {
    const id = await startAt('Health', 'Sam', { APP_URL: `http://127.0.0.1:${port}` });
    await waitFor('▶ [ ] Health endpoint responding');
    keys('d');
    await waitFor('[x] Health endpoint responding');
    await waitFor('▶ [ ] Logs clean');
    keys('N');
    await waitFor('Mark every pending item of this section n/a (3)');
    // An empty reason is refused, in one line.
    keys('Enter');
    await waitFor('a reason is required to mark the rest of a section n/a');
    keys('owned by the SRE on-call rota', 'Enter');
    const f = await waitFor('[/] Dashboards reviewed');
    expect(f).toMatch(/\[\/\] Logs clean/);
    expect(f).toMatch(/\[x\] Health endpoint responding/);
    await quit();
    const d = doc(id);
    for (const item of ['logs-clean', 'alerts-quiet', 'dashboards-reviewed']) {
      const key = Object.keys(d.items).find((k) => k.endsWith(item))!;
      expect(d.items[key]).toMatchObject({ state: 'na', reason: 'owned by the SRE on-call rota', updatedBy: 'Sam' });
    }
    // The done item kept its own state.
    expect(d.items[Object.keys(d.items).find((k) => k.endsWith('health-endpoint-responding'))!].state).toBe('done');
    expect(d.events.some((e: { what: string; detail: string }) => e.what === 'section.settle' && e.detail.includes('3 items n/a') && e.detail.includes('owned by the SRE on-call rota'))).toBe(true);
    const report = execFileSync('node', ['dist/deploy-wizard.js', 'report', id, '--checklist', 'checklist.md', '--sessions-dir', 'sessions'], { cwd: dir, encoding: 'utf8' });
    // The Items table says how each was settled, with the reason.
    expect(report.match(/by hand: owned by the SRE on-call rota/g)?.length).toBe(3);
  });

  it('g and G on the overview go to the first and the last section', async () => {
    await startAt('Health');
    keys('g');
    await waitFor('you are at');
    keys('G');
    await waitFor(/▶.*Sign-off/);
    keys('g');
    await waitFor(/▶.*Night Deploy/);
    await quit();
  });

  it('v gives a variable the probe needs for this session: the probe uses it; a secret is masked as typed and never written down', async () => {
    const id = await startAt('Health');
    await waitFor('▶ [ ] Health endpoint responding');
    keys('v');
    await waitFor('Set APP_URL for this session');
    keys(`http://127.0.0.1:${port}`, 'Enter');
    await waitFor('APP_URL set for this session');
    keys('p');
    await waitFor(/✓ PASS\s+http\s+Health endpoint/, 15_000);
    // The database probes need DB_PASSWORD, a secret: typed as dots, used, never in the session file.
    keys('h');
    await waitFor(/^Database /m);
    keys('v');
    await waitFor('Set DB_HOST for this session');
    for (const [name, value] of Object.entries({ ...DB_ENV, DB_PASSWORD: pg.password })) {
      await waitFor(`Set ${name} for this session`);
      keys(value);
      if (name === 'DB_PASSWORD') {
        const typed = await waitFor(`DB_PASSWORD = ${'•'.repeat(pg.password.length)}`);
        expect(typed).not.toContain(pg.password);
      }
      keys('Enter');
    }
    await waitFor('DB_PASSWORD set for this session');
    keys('p');
    await waitFor(/✓ PASS\s+postgres\s+Database reachable/, 15_000);
    await quit();
    const text = rawDoc(id);
    expect(text).not.toContain(pg.password);
    const given = doc(id).events.filter((e: { what: string }) => e.what === 'vars.set');
    expect(given.map((e: { variable: { name: string } }) => e.variable.name)).toEqual(['APP_URL', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD']);
    expect(given[0].variable.value).toBe(`http://127.0.0.1:${port}`);
    expect(given.at(-1).variable.value).toBeUndefined();
    // Resumed: the recorded values come back; the secret is asked for again, and the screen says so.
    launch(`resume ${id} --operator Sam`);
    await waitFor(/DB_PASSWORD was given in an earlier run and is a secret \(never written down\):\s+v gives it again/);
    await quit();
  });

  it('the dry-run line keeps both ends of a long command: the program and the last path', async () => {
    await startAt('Rollback Procedures', 'Sam', {}, '--dry-run');
    keys('r');
    await waitFor('Type curl and Enter');
    keys('curl', 'Enter');
    const f = await waitFor(/^would run: /m);
    const line = f.split('\n').find((l) => l.startsWith('would run: '))!;
    // Both ends: the program and its URL's start, then the URL's last segment.
    expect(line).toMatch(/^would run: .*curl -.*….*\/final-segment\W*$/);
    expect(line.length).toBeLessThanOrEqual(80);
    keys('Escape');
    await waitFor(/^Rollback Procedures /m);
    await quit();
  });

  it('the sign-off header shows who you are whole; s re-signs a signature the session outgrew, after one y', async () => {
    const name = 'Alexandra Konstantinopoulou-Smythe';
    const id = await startAt('Health', name);
    keys('S');
    let f = await waitFor(`you are ${name} · names, not signatures · 0/2 roles`);
    keys('alexandra', 'Enter');
    await waitFor(`signed Tech Lead as ${name}`);
    // Something changes after signing: the signature no longer matches.
    keys('Escape');
    await waitFor('▶ [ ] Health endpoint responding');
    keys('d');
    await waitFor('[x] Health endpoint responding');
    keys('S');
    f = await waitFor('re-sign needed');
    expect(f).toContain('s/Enter re-sign');
    keys('s');
    await waitFor('Sign Tech Lead again over the session as it is now (the same signature)? y/n');
    keys('y');
    f = await waitFor(`signed Tech Lead as ${name}`);
    expect(f).not.toContain('re-sign needed');
    keys('Escape');
    await waitFor('Health endpoint responding');
    await quit();
    const sig = doc(id).signoff.signatures.find((s: { role: string }) => s.role === 'Tech Lead');
    expect(sig).toMatchObject({ name, signature: 'alexandra' });
    const what = doc(id).events.map((e: { what: string }) => e.what);
    expect(what.filter((w: string) => w === 'signoff.sign')).toHaveLength(2);
    expect(what).toContain('signoff.revoke');
  });

  it('after 80→60→120 columns the frame is drawn clean: no stale copies or fragments above it', async () => {
    await startAt('Health');
    const title = /^Health .*\d+\/4/m;
    await waitFor(title);
    tmux('resize-window', '-t', 'wiz', '-x', '60', '-y', '24');
    await waitFor(/^Health .*\d+\/4/m);
    tmux('resize-window', '-t', 'wiz', '-x', '120', '-y', '24');
    // Polled until the frame at the new width is on screen (a resize is answered once the burst settles).
    const clean = (text: string) => {
      const lines = text.split('\n');
      return /^Health /.test(lines[0]) && lines.filter((l) => /^Health /.test(l)).length === 1 && lines.filter((l) => l.includes('q save+quit')).length === 1 && lines.some((l) => l.length > 80);
    };
    let f = screen();
    for (const until = Date.now() + 10_000; !clean(f) && Date.now() < until; f = screen()) await new Promise((r) => setTimeout(r, 50));
    const lines = f.split('\n');
    // The frame starts at the top, once: nothing of an earlier size above or around it.
    expect(lines[0], f).toMatch(/^Health /);
    expect(lines.filter((l) => /^Health /.test(l)), f).toHaveLength(1);
    expect(lines.filter((l) => l.includes('q save+quit')), f).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Health endpoint responding')), f).toHaveLength(1);
    for (const l of lines.filter((x) => x.trim())) {
      // Every line is a line of this frame: the section title, an item, the footer, or a status line.
      expect(l).toMatch(/^(Health |[▶ ] \[|↑↓|N rest|Esc\/g|.*(save\+quit|sign-off|P all probes)|ℹ|✗)/);
    }
    await quit();
  });

  it('Ctrl-C says how to resume, as q does (exit 130)', async () => {
    const id = await startAt('Health');
    keys('C-c');
    const f = await waitFor('EXIT=130');
    expect(f).toContain('Interrupted — saved.');
    expect(f).toContain(`Resume with:\ndeploy-wizard resume ${id} --checklist checklist.md`);
  });
});
