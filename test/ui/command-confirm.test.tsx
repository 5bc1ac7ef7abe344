/**
 * The command screen (r): alternatives chosen with ink-select-input, only the
 * chosen one runs; the whole script is reachable; a FAILED line marks the run
 * failed and the output reaches the report.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { App } from '../../src/ui/app.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { buildChecklist } from './fixtures.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const ROLLBACK = '# Kubernetes rollback\nkubectl rollout undo deployment/django-web\n\n# Docker Compose rollback\ndocker compose down\ndocker compose up -d\n';
const LONG = ['#!/bin/bash', ...Array.from({ length: 30 }, (_, i) => `echo "step ${i + 1}"`), 'curl -f https://yourdomain.com/health/ || echo "HEALTH CHECK FAILED"', 'echo last-line-of-script'].join('\n');

function checklist() {
  return buildChecklist([
    { title: 'Rollback', depth: 1 },
    { title: 'Stop Traffic', items: ['Traffic stopped'], guidance: [{ kind: 'command', lang: 'bash', text: ROLLBACK }] },
    { title: 'Quick Health Check', items: ['Health checked'], guidance: [{ kind: 'command', lang: 'bash', text: LONG }] },
  ]);
}

describe('command screen', () => {
  it('offers the two alternatives of one block; only the chosen one runs', async () => {
    const ran: string[] = [];
    const { store, session, checklist: cl } = makeStore({
      checklist: checklist(),
      deps: {
        runCommand: async (script, { onOutput }) => {
          ran.push(script);
          onOutput('stopped web\n');
          return { exitCode: 0 };
        },
      },
    });
    store.getState().openSection('rollback/stop-traffic');
    ui = await renderUi(<App checklist={cl} store={store} />);
    await ui.press('r');
    const choose = await ui.waitFor('only the chosen one runs');
    expect(choose).toMatch(/❯ Kubernetes rollback/);
    expect(choose).toContain('Docker Compose rollback');
    await ui.press(KEY.down);
    await ui.waitFor(/❯ Docker Compose rollback/);
    await ui.press(KEY.enter);
    const confirm = await ui.waitFor('Type docker and Enter');
    expect(confirm).toContain('2/2 Docker Compose rollback');
    expect(confirm).not.toContain('kubectl');
    await ui.press(...'docker', KEY.enter);
    await ui.waitFor('✓ exit 0 — output saved as evidence');
    expect(ran).toEqual(['# Docker Compose rollback\ndocker compose down\ndocker compose up -d']);
    // Esc goes back to the choice; Esc again closes.
    await ui.press(KEY.esc);
    await ui.waitFor('only the chosen one runs');
    await ui.press(KEY.esc);
    await ui.waitFor((f) => f.includes('Traffic stopped') && !f.includes('only the chosen'));
    expect(session.current().events.filter((e) => e.what === 'command.run')).toHaveLength(1);
  });

  it('a long script scrolls to its last line; yourdomain.com needs DOMAIN; a FAILED line fails an exit-0 run and the output is in the report', async () => {
    const ran: string[] = [];
    const made = makeStore({
      checklist: checklist(),
      deps: {
        runCommand: async (script, { onOutput }) => {
          ran.push(script);
          onOutput('curl: (6) Could not resolve host\nHEALTH CHECK FAILED\nlast-line-of-script\n');
          return { exitCode: 0 };
        },
      },
    });
    made.store.getState().openSection('rollback/quick-health-check');
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press('r');
    const first = await ui.waitFor('Type echo and Enter');
    expect(first).toMatch(/lines 1–\d+ of 33/);
    expect(first).not.toContain('last-line-of-script');
    expect(first).toContain('yourdomain.com → ${DOMAIN} is not set');
    for (let i = 0; i < 4; i++) await ui.press('\u001B[6~');
    const end = await ui.waitFor('echo last-line-of-script');
    expect(end).toMatch(/lines \d+–33 of 33/);
    // Every frame stays under 24 rows.
    expect(end.split('\n').length).toBeLessThan(24);
    await ui.press(...'echo', KEY.enter);
    await ui.waitFor('set DOMAIN');
    expect(ran).toHaveLength(0);
    ui.unmount();

    const withDomain = makeStore({
      checklist: checklist(),
      deps: {
        vars: { DOMAIN: 'calls.example.org' },
        runCommand: async (script, { onOutput }) => {
          ran.push(script);
          onOutput('curl: (6) Could not resolve host\nHEALTH CHECK FAILED\n');
          return { exitCode: 0 };
        },
      },
    });
    withDomain.store.getState().openSection('rollback/quick-health-check');
    ui = await renderUi(<App checklist={withDomain.checklist} store={withDomain.store} />);
    await ui.press('r');
    await ui.waitFor('yourdomain.com → ${DOMAIN} = calls.example.org');
    await ui.press(...'echo', KEY.enter);
    const failed = await ui.waitFor('✗ exit 0 but the output says: HEALTH CHECK FAILED');
    expect(failed).not.toContain('✓ exit 0');
    expect(ran[0]).toContain('curl -f https://${DOMAIN}/health/');
    const report = renderMarkdown(withDomain.session.current(), withDomain.checklist);
    expect(report).toContain('## Commands run');
    expect(report).toMatch(/❌ exit 0 — FAILED: exit 0 but the output says: HEALTH CHECK FAILED/);
    expect(report).toContain('HEALTH CHECK FAILED');
    expect(report).toContain('curl: (6) Could not resolve host');
  });
});

describe('command blocks run as steps (screen)', () => {
  const KUBE = '# Stop traffic\nkubectl rollout undo deployment/django-web -n django-twilio-call';
  const kubeChecklist = () =>
    buildChecklist([
      { title: 'Rollback', depth: 1 },
      { title: 'Stop Traffic to New Version', guidance: [{ kind: 'command', lang: 'bash', text: KUBE }] },
    ]);
  const ok = async (script: string) => ({ exitCode: 0, steps: [{ source: script.split('\n').at(-1)!, command: script.split('\n').at(-1)!, exitCode: 0, durationMs: 40, output: 'deployment.apps/django-web rolled back\n', truncated: false }], notRun: [] });

  it('before a kubectl block the screen shows context and namespace; a context unlike the environment is confirmed by name, and the run records both', async () => {
    const ran: string[] = [];
    const made = makeStore({
      checklist: kubeChecklist(),
      deps: {
        kubeContext: async () => ({ context: 'staging-cluster', namespace: 'django-twilio-call' }),
        runCommand: async (script) => (ran.push(script), ok(script)),
      },
    });
    made.store.getState().openSection('rollback/stop-traffic-to-new-version');
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press('r');
    const f = await ui.waitFor('kube context: staging-cluster · namespace: django-twilio-call');
    expect(f).toContain('⚠ context staging-cluster does not look like environment production');
    await ui.press(...'kubectl', KEY.enter);
    await ui.waitFor('Type staging-cluster and Enter to run in this context anyway');
    expect(ran).toEqual([]);
    // The block's word again is not the confirmation.
    await ui.press(...'kubectl', KEY.enter);
    await ui.waitFor('type "staging-cluster" to run this block in kube context staging-cluster');
    expect(ran).toEqual([]);
    await ui.press(...'staging-cluster', KEY.enter);
    await ui.waitFor('✓ exit 0 (1 command)');
    expect(ran).toHaveLength(1);
    const ev = made.session.current().events.find((e) => e.what === 'command.run')!;
    expect(ev.run).toMatchObject({ section: 'Stop Traffic to New Version', context: 'staging-cluster', namespace: 'django-twilio-call', exitCode: 0 });
  });

  it('a context that names the environment runs after the word alone', async () => {
    const ran: string[] = [];
    const made = makeStore({
      checklist: kubeChecklist(),
      deps: { kubeContext: async () => ({ context: 'eks-production-eu', namespace: 'default' }), runCommand: async (script) => (ran.push(script), ok(script)) },
    });
    made.store.getState().openSection('rollback/stop-traffic-to-new-version');
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press('r');
    const f = await ui.waitFor('kube context: eks-production-eu · namespace: default');
    expect(f).not.toContain('does not look like');
    await ui.press(...'kubectl', KEY.enter);
    await ui.waitFor('✓ exit 0 (1 command)');
    expect(ran).toHaveLength(1);
  });

  it('the section shows that its block ran (when, by whom, result, not 0/0); reopened, it shows the recorded run and Enter runs it again after the word', async () => {
    let n = 0;
    const made = makeStore({
      checklist: kubeChecklist(),
      deps: {
        kubeContext: async () => ({ context: 'production', namespace: 'django-twilio-call' }),
        runCommand: async () => {
          n++;
          return { exitCode: 1, steps: [{ source: 'kubectl rollout undo deployment/django-web -n django-twilio-call', command: 'kubectl rollout undo deployment/django-web -n django-twilio-call', exitCode: 1, durationMs: 30, output: `error: no rollout history found (run ${n})\n`, truncated: false }], notRun: [] };
        },
      },
    });
    made.store.getState().openSection('rollback/stop-traffic-to-new-version');
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    const before = await ui.waitFor('Stop Traffic to New Version');
    expect(before).toContain('block not run (r)');
    expect(before).not.toContain('0/0');
    await ui.press('r');
    await ui.waitFor('kube context: production');
    await ui.press(...'kubectl', KEY.enter);
    const failed = await ui.waitFor('✗ exit 1: kubectl rollout undo');
    expect(failed).not.toContain('✓');
    await ui.press(KEY.esc);
    const section = await ui.waitFor(/✗ ran \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ by alice: exit 1: kubectl rollout undo/);
    expect(section).not.toContain('0/0');
    await ui.press('r');
    const reopened = await ui.waitFor('Type kubectl and Enter to run again');
    expect(reopened).toMatch(/last run .* by alice: ✗ exit 1: kubectl rollout undo/);
    expect(reopened).toContain('error: no rollout history found (run 1)');
    await ui.press(...'kubectl', KEY.enter);
    await ui.waitFor('error: no rollout history found (run 2)');
    expect(n).toBe(2);
    expect(made.session.current().events.filter((e) => e.what === 'command.run')).toHaveLength(2);
  });

  it('in team mode shows the team line (who is here, OFFLINE) while choosing, confirming and running, and still fits 80×24', async () => {
    let finish: (r: { exitCode: number }) => void = () => {};
    const made = makeStore({
      checklist: checklist(),
      deps: {
        runCommand: (_script, { onOutput }) => {
          onOutput('stopping web\n');
          return new Promise((r) => (finish = r));
        },
      },
    });
    made.store.setState({ team: { sessionId: 'production-1', here: ['Ada', 'Grace'], offline: false, queued: 0 } });
    made.store.getState().openSection('rollback/stop-traffic');
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.resize(24, 80);
    await ui.press('r');
    let f = await ui.waitFor('only the chosen one runs');
    expect(f).toContain('⇄ session production-1 · here: Ada, Grace');
    await ui.press(KEY.enter);
    f = await ui.waitFor('Type kubectl and Enter');
    expect(f).toContain('⇄ session production-1 · here: Ada, Grace');
    made.store.setState({ team: { sessionId: 'production-1', here: ['Ada'], offline: true, queued: 2 } });
    f = await ui.waitFor('OFFLINE');
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    expect(f).toContain('Type kubectl and Enter');
    await ui.press(...'kubectl', KEY.enter);
    f = await ui.waitFor('running…');
    expect(f).toContain('OFFLINE');
    finish({ exitCode: 0 });
    await ui.waitFor('✓ exit 0');
  });

  it('p in a section without items says so, not "this item has no probes"', async () => {
    const made = makeStore({ checklist: buildChecklist([{ title: 'Rollback', depth: 1 }, { title: 'Stop Traffic', guidance: [{ kind: 'command', lang: 'bash', text: ROLLBACK }] }, { title: 'After', items: ['Checked'] }]) });
    made.store.getState().openSection('rollback/stop-traffic');
    await made.store.getState().runItemProbes();
    expect(made.store.getState().error).toMatch(/^this section has no items, so no probes to run/);
  });
});
