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
