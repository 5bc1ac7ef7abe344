import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

async function start(opts: Parameters<typeof makeStore>[0] = {}) {
  const made = makeStore(opts);
  ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
  return { ...made, ui };
}

describe('App: overview', () => {
  it('given a new session, shows every section with a progress bar, the current position and the keys', async () => {
    const { ui } = await start();
    const f = await ui.waitFor('you are at');
    expect(f).toContain('Database');
    expect(f).toMatch(/Database\s+·+\s+0\/3/);
    expect(f).toContain('Rollback Procedures');
    expect(f).toMatch(/Enter\/→\/l open/);
    expect(f).toContain('q save+quit');
  });

  it('when j/↓ then Enter, opens the highlighted section', async () => {
    const { ui, store } = await start();
    await ui.press(KEY.down);
    await ui.press(KEY.enter);
    await ui.waitFor('Monitoring');
    expect(store.getState().screen).toBe('section');
    expect(store.getState().cursor.sectionId).toBe('pre-deployment/monitoring');
  });
});

describe('App: section walk', () => {
  it('d marks done, ↓ moves, f fails (red glyph), u undoes; footer lists every key', async () => {
    const { ui, session } = await start();
    await ui.press(KEY.enter);
    let f = await ui.waitFor('Check the database before anything else.');
    for (const k of ['d done', 'f fail', 's skip', 'n n/a', 'N rest n/a', 'u undo', 'v set var', 'e note', 'p probe', 'P all probes', 'r run cmd', '! emergency', 'S sign-off', '? help', 'q save+quit', 'Esc/g']) {
      expect(f).toContain(k);
    }
    await ui.press('d');
    f = await ui.waitFor('[x] Backups verified');
    // Settled: the cursor is on the next item already.
    f = await ui.waitFor('▶ [ ] Health endpoint responding');
    await ui.press('f');
    f = await ui.waitFor('[✗] Health endpoint responding');
    expect(f).toMatch(/▶ \[ \] Migrations reviewed/);
    await ui.press('k');
    f = await ui.waitFor(/▶ \[✗\] Health/);
    await ui.press('u');
    await ui.waitFor('[ ] Health endpoint responding');
    expect(session.current().items['pre-deployment/database/health-endpoint-responding'].state).toBe('pending');
  });

  it('s asks for a reason and refuses an empty one; Enter with text skips', async () => {
    const { ui, session } = await start();
    await ui.press(KEY.enter, 's');
    await ui.waitFor('Reason (required)');
    await ui.press(KEY.enter);
    await ui.waitFor('reason is required');
    await ui.press('n', 'o', ' ', 'd', 'b');
    await ui.waitFor('no db');
    await ui.press(KEY.enter);
    await ui.waitFor('[-] Backups verified');
    expect(session.current().items['pre-deployment/database/backups-verified']).toMatchObject({ state: 'skipped', reason: 'no db' });
  });

  it('e edits a note; Esc in the editor cancels without saving', async () => {
    const { ui, session } = await start();
    await ui.press(KEY.enter, 'e');
    await ui.waitFor('Note for: Backups verified');
    await ui.press('x', KEY.esc);
    await ui.waitFor('Check the database');
    expect(session.current().items['pre-deployment/database/backups-verified'].note).toBeUndefined();
    await ui.press('e', 'o', 'k', KEY.enter);
    await ui.waitFor('note: ok');
  });

  it('p runs the item probe: the result line, the summary with duration, and the item verified', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pass = makeStore({ script: () => ({ status: 'pass', summary: 'HTTP 200 from /health/' }) }).runner.run;
    // Hold the run until the key has been handled, so the order of events is fixed.
    const held = makeStore({ deps: { runProbes: async (jobs, opts) => (await gate, pass(jobs, opts)) } });
    ui = await renderUi(<App checklist={held.checklist} store={held.store} />);
    await ui.press(KEY.enter, KEY.down, 'p');
    expect(held.store.getState().screen).toBe('section');
    release();
    const f = await ui.waitFor('[✓] Health endpoint responding');
    expect(f).toMatch(/✓ PASS\s+http\s+Health endpoint responding — HTTP 200 from \/health\//);
    expect(f).toMatch(/probes: 1 passed, 0 failed in \d+\.\ds/);
  });

  it('P: each result line names its item and says what an unjudged one needs, as check does; the summary uses the lines\' words', async () => {
    const script = (job: { spec: { kind: string } }) =>
      job.spec.kind === 'prometheus'
        ? { status: 'skipped' as const, reason: 'not-configured' as const, summary: 'not configured: PROMETHEUS_URL unset' }
        : { status: 'inconclusive' as const, reason: 'not-configured' as const, summary: 'not configured: kubectl reaches no cluster from here (refused)', hint: 'set KUBECONFIG or choose a context' };
    const { ui } = await start({ script });
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor('Error rates monitored');
    await ui.press('P');
    const f = await ui.waitFor('probes: ');
    expect(f).toMatch(/- SKIP\s+prometheus Error rates monitored — not configured: PROMETHEUS_URL unset\n\s+→ set the variables it names \(environment, --env-file or --config\)/);
    expect(f).toMatch(/\? INCONCLUSIVE baseline Performance baseline — not configured: kubectl reaches no cluster from here/);
    expect(f).toContain('→ set KUBECONFIG or choose a context');
    expect(f).toMatch(/probes: 0 passed, 0 failed, 1 skipped \(not configured\), 1 inconclusive in \d+\.\ds/);
    expect(f).not.toMatch(/other|SKIPPED/);
  });

  it('a result line shortens a long item name to fit, and keeps the summary', async () => {
    const { ProbeResultLine, itemNameWidth } = await import('../../src/ui/probe-lines.js');
    const item = 'Application health endpoints responding on every replica behind the load balancer';
    ui = await renderUi(<ProbeResultLine item={item} columns={80} result={{ kind: 'http', spec: 'http url=x', status: 'fail', summary: 'GET /health/ 503', evidence: [], durationMs: 12, at: '' }} />);
    const f = await ui.waitFor('503');
    expect(itemNameWidth(80)).toBeLessThan(item.length);
    expect(f).toContain(`${item.slice(0, itemNameWidth(80) - 1)}… — GET /health/ 503`);
  });

  it('advice too long for a line wraps under its arrow, indented (its second line used to start at column 0)', async () => {
    const { ProbeResultLine } = await import('../../src/ui/probe-lines.js');
    const { KUBECTL_HINT } = await import('../../src/probes/kubectl.js');
    ui = await renderUi(<ProbeResultLine item="Celery worker configuration optimized" columns={80} result={{ kind: 'command', spec: 'command cmd=kubectl', status: 'inconclusive', summary: 'not configured: kubectl reaches no cluster from here', hint: KUBECTL_HINT, evidence: [], durationMs: 12, at: '' }} />);
    await ui.resize(24, 80);
    const f = await ui.waitFor('→');
    const lines = f.split('\n').filter((l) => l.trim());
    const arrow = lines.findIndex((l) => l.includes('→'));
    expect(lines.length).toBeGreaterThan(arrow + 1);
    for (const l of lines.slice(arrow + 1)) expect(l).toMatch(/^ {6}\S/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('a running probe shows a spinner and Esc cancels it', async () => {
    const { ui, store } = await start({ script: () => 'hang' });
    await ui.press(KEY.enter, KEY.down, 'p');
    await ui.waitFor(/http\s+http url=/);
    expect(Object.keys(store.getState().running)).toHaveLength(1);
    await ui.press(KEY.esc);
    await ui.waitFor('cancelled — ');
    expect(store.getState().screen).toBe('section');
  });

  it('the rollback banner appears when a criterion is met and R jumps to the rollback section', async () => {
    const { ui, store } = await start({ script: (j) => (j.spec.kind === 'baseline' ? { status: 'fail', metrics: { increase_pct: 80 } } : { status: 'pass' }) });
    await ui.press(KEY.enter, 'l', 'P');
    await ui.waitFor('ROLLBACK CRITERION MET: Response time increases by more than 50%');
    await ui.press('R');
    await ui.waitFor('Initiate rollback if error rate exceeds 5%.');
    expect(store.getState().cursor.sectionId).toBe('rollback-procedures');
  });

  it('? opens help with every key and Esc returns', async () => {
    const { ui } = await start();
    await ui.press(KEY.enter, '?');
    const f = await ui.waitFor('Keys');
    expect(f).toContain('mark the item done');
    expect(f).toContain('run every probe of the section');
    await ui.press(KEY.esc);
    await ui.waitFor('Check the database');
  });

  it('help fits 80×24 in two columns without cutting any key line', async () => {
    const { ui } = await start();
    await ui.resize(24, 80);
    await ui.press(KEY.enter, '?');
    const f = await ui.waitFor('Keys');
    const keyLines = f.split('\n').slice(1, 13);
    expect(keyLines.some((l) => l.includes('mark the item done') && l.includes('cancel probes, else overview'))).toBe(true);
    expect(keyLines.some((l) => l.includes('rest of section n/a (reason)'))).toBe(true);
    for (const l of keyLines) expect(l).not.toContain('…');
    // Each help text leaves a gap before the second column.
    expect(f).toMatch(/skip the item, with a reason +R /);
    expect(f).toContain('save and quit (resume later)');
  });

  it('r asks for the first word before running a command block, and streams output', async () => {
    const ran: string[] = [];
    const { ui } = await start({
      deps: {
        runCommand: async (script, { onOutput }) => {
          ran.push(script);
          onOutput('rolled back\n');
          return { exitCode: 0 };
        },
      },
    });
    await ui.press('G'); // not a key: nothing happens
    await ui.press(KEY.enter, 'l', 'l', 'l', 'r');
    await ui.waitFor('Type echo and Enter');
    await ui.press('n', 'o', KEY.enter);
    await ui.waitFor('type "echo" to confirm');
    expect(ran).toHaveLength(0);
    await ui.press('e', 'c', 'h', 'o', KEY.enter);
    const f = await ui.waitFor('exit 0 — output saved as evidence');
    expect(f).toContain('rolled back');
    expect(ran).toHaveLength(1);
  });

  it('! opens the emergency form; the last Enter saves the incident', async () => {
    const written: string[] = [];
    const { ui, session } = await start({ deps: { writeIncident: async (n, t) => (written.push(t), `/tmp/x-incident-${n}.md`) } });
    await ui.press('!');
    await ui.waitFor('EMERGENCY');
    await ui.press(KEY.enter, KEY.enter); // keep status and severity
    await ui.press('d', 'o', 'w', 'n', KEY.enter, '1', 'h', KEY.enter, 'f', 'i', 'x', KEY.enter);
    await ui.waitFor('incident written to /tmp/x-incident-1.md');
    expect(written[0]).toContain('Impact: down');
    expect(session.current().incidents).toHaveLength(1);
  });

  it('q saves and asks the root to exit', async () => {
    const { ui, store } = await start();
    await ui.press('q');
    await ui.waitFor('Saved — quitting.');
    expect(store.getState().exit).toBe('quit');
  });

  it('Ctrl-C interrupts (exit 130 is the caller’s) from the section and from a form', async () => {
    const { ui, store } = await start();
    await ui.press(KEY.enter, 'e', KEY.ctrlC);
    await ui.waitFor('Interrupted — saved.');
    expect(store.getState().exit).toBe('interrupt');
  });
});

describe('App: input arriving in one chunk', () => {
  it('"jd" typed in one write moves then marks (each key handled)', async () => {
    const { ui, session } = await start();
    await ui.press(KEY.enter);
    await ui.waitFor('Check the database');
    await ui.press('jd');
    await ui.waitFor('[x] Health endpoint responding');
    expect(session.current().items['pre-deployment/database/backups-verified'].state).toBe('pending');
  });

  it('"Enter j" in one write opens the section, then moves (the Enter is not lost)', async () => {
    const { ui, store } = await start();
    await ui.waitFor('you are at');
    await ui.press('\rj');
    await ui.waitFor('▶ [ ] Health endpoint responding');
    expect(store.getState().screen).toBe('section');
    expect(store.getState().cursor.itemId).toBe('pre-deployment/database/health-endpoint-responding');
  });

  it('a note typed with its Enter in one write is saved by that Enter; the next key acts on the section', async () => {
    const { ui, session } = await start();
    await ui.press(KEY.enter);
    await ui.waitFor('Check the database');
    await ui.press('eall good\rd');
    await ui.waitFor('[x] Backups verified');
    // d moved on: back up to read the note line of the item.
    await ui.waitFor('▶ [ ] Health endpoint responding');
    await ui.press('k');
    await ui.waitFor('note: all good');
    expect(session.current().items['pre-deployment/database/backups-verified']).toMatchObject({ note: 'all good', state: 'done' });
  });

  it('escape sequences stay whole: ↓ then d in one write', async () => {
    const { ui, session } = await start();
    await ui.press(KEY.enter);
    await ui.waitFor('Check the database');
    await ui.press(`${KEY.down}d`);
    await ui.waitFor('[x] Health endpoint responding');
    expect(session.current().items['pre-deployment/database/backups-verified'].state).toBe('pending');
  });
});
