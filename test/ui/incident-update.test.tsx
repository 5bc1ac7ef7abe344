/**
 * Incidents: `!` on an open incident updates it (prefilled, status history,
 * one file), the form shows the message as it will read, the file is proper
 * Markdown carrying what the tool knows, and a completed session refuses the
 * form: nothing logged, no file written beside the record, no reminder on
 * resume.
 */
import React from 'react';
import MarkdownIt from 'markdown-it';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { openIncidents } from '../../src/session/incidents.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const T0 = Date.parse('2026-11-30T23:40:00.000Z');

function incidentStore() {
  const written: { n: number; text: string }[] = [];
  const made = makeStore({
    deps: {
      now: () => T0,
      writeIncident: async (n, text) => (written.push({ n, text }), `/tmp/s/mem-1-incident-${n}.md`),
      incidentPath: (n) => `/tmp/s/mem-1-incident-${n}.md`,
    },
  });
  return { ...made, written };
}

describe('incident update', () => {
  it('! on an open incident opens the form prefilled and updates that incident: one incident, its status history, one file', async () => {
    const { store, session, checklist, written } = incidentStore();
    // What the tool knows by then: a failing probe and a command that failed.
    const item = checklist.items[0];
    session.remote({ type: 'probe.result', result: { kind: 'http', itemId: item.id, spec: 'http url=x', status: 'fail', summary: 'HTTP 502 from /health/', evidence: [], durationMs: 12, at: '2026-11-30T23:38:00.000Z' } }, 'alice');
    session.remote({ type: 'command.run', command: 'curl -f https://example.test/health/', exitCode: 60, output: 'curl: (60) SSL certificate problem', failed: 'exit 60' }, 'alice');
    await store.getState().saveEmergency({ status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop', eta: '30 min', actions: 'looking' });

    ui = await renderUi(<App checklist={checklist} store={store} />);
    await ui.press('!');
    const form = await ui.waitFor('update of incident 1');
    // Prefilled with the incident's latest values: nothing to retype to post an update.
    expect(form).toMatch(/Impact\s+calls drop/);
    expect(form).toMatch(/ETA\s+30 min/);
    expect(form).toContain('Impact: calls drop');
    await ui.press(KEY.down, KEY.down, KEY.enter); // INVESTIGATING → MONITORING
    await ui.waitFor(/❯ HIGH/);
    await ui.press(KEY.enter, KEY.enter, KEY.enter); // severity kept, impact kept, ETA kept
    await ui.waitFor('▶ Actions');
    await ui.press('\u0015', ...'scaled web to 6 replicas', KEY.enter); // Ctrl-U clears the prefilled text
    const after = await ui.waitFor('incident 1 updated (MONITORING): /tmp/s/mem-1-incident-1.md');
    expect(after).not.toContain('Incident 2');

    const doc = session.current();
    expect(doc.incidents.map((i) => `${i.incident} ${i.status} ${i.actions}`)).toEqual(['1 INVESTIGATING looking', '1 MONITORING scaled web to 6 replicas']);
    expect(openIncidents(doc).map((i) => i.n)).toEqual([1]);
    expect(written.map((w) => w.n)).toEqual([1, 1]);

    // The file is Markdown: a title, fields as a list, the message in a block, the history as a table, what the tool knows.
    const text = written[1].text;
    const tokens = new MarkdownIt().parse(text, {});
    expect(tokens.filter((t) => t.type === 'heading_open').length).toBeGreaterThanOrEqual(4);
    expect(tokens.some((t) => t.type === 'bullet_list_open')).toBe(true);
    expect(tokens.some((t) => t.type === 'fence' && t.content.includes('Status: MONITORING\nSeverity: HIGH\nImpact: calls drop'))).toBe(true);
    const html = new MarkdownIt().render(text);
    // One table row per update, in order: the status history.
    expect(html.match(/<tr>/g)?.length).toBe(3);
    expect(text).toMatch(/\| 2026-\d\d-\d\d \d\d:\d\d UTC \| alice \| INVESTIGATING \| HIGH \| calls drop \|/);
    expect(text).toMatch(/\| alice \| MONITORING \| HIGH \| calls drop \| 30 min \| scaled web to 6 replicas \|/);
    expect(text).toContain('- **Status**: MONITORING');
    expect(text).toMatch(/- \*\*Next update due\*\*: \d{4}-\d\d-\d\d \d\d:\d\d UTC \(every 15 minutes\)/);
    // What the tool knows: the failing probe and the command with its exit status, times in UTC.
    expect(text).toContain(`- ${item.text}: http fail: HTTP 502 from /health/ (2026-11-30 23:38 UTC)`);
    expect(text).toMatch(/- \d{4}-\d\d-\d\d \d\d:\d\d UTC by alice: exit 60 — FAILED: exit 60 — `curl -f https:\/\/example\.test\/health\/`/);
    expect(text).toContain('### Rollback criteria');
  });

  it('a RESOLVED update closes the incident; the next ! opens a new one', async () => {
    const { store, session } = incidentStore();
    await store.getState().saveEmergency({ status: 'IDENTIFIED', severity: 'LOW', impact: 'slow', eta: '', actions: '' });
    await store.getState().saveEmergency({ status: 'RESOLVED', severity: 'LOW', impact: 'fine', eta: '', actions: 'done' }, 1);
    expect(store.getState().incident).toBeUndefined();
    expect(openIncidents(session.current())).toEqual([]);
    await store.getState().saveEmergency({ status: 'INVESTIGATING', severity: 'HIGH', impact: 'down', eta: '', actions: '' });
    expect(session.current().incidents.map((i) => i.incident)).toEqual([1, 1, 2]);
  });
});

describe('incident after completion', () => {
  it('is refused with the read-only line: nothing logged, no file written, no reminder on resume', async () => {
    const { store, session, checklist, written } = incidentStore();
    await store.getState().saveEmergency({ status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop', eta: '', actions: '' });
    expect(store.getState().incident).toBeDefined();
    expect(await store.getState().completeSignoff({ status: 'ROLLED BACK', notes: '', nextSteps: '', overrideReason: 'rolled back; roles sign tomorrow' })).toBe(true);
    expect(store.getState().incident).toBeUndefined();
    const before = { incidents: session.current().incidents.length, files: written.length, events: session.current().events.length };

    ui = await renderUi(<App checklist={checklist} store={store} />);
    await ui.press('!');
    const frame = await ui.waitFor('is read-only');
    expect(frame).not.toContain('EMERGENCY');
    expect(frame).toMatch(/session mem-1 was completed by alice at .* \(ROLLED BACK\) and is read-only/);
    // The store's own action refuses too (a script, a key that slipped through).
    await store.getState().saveEmergency({ status: 'MONITORING', severity: 'HIGH', impact: 'still', eta: '', actions: '' }, 1);
    expect(store.getState().error).toMatch(/is read-only; reopen it/);
    expect(session.current().incidents).toHaveLength(before.incidents);
    expect(written).toHaveLength(before.files);
    expect(session.current().events).toHaveLength(before.events);
    ui.unmount();
    ui = undefined;

    // Resumed: the incident is in the record, but no "next update due" reminder comes back.
    const again = createWizardStore({ checklist, session, runProbes: async () => [], vars: {}, operator: 'alice', now: () => T0 + 60 * 60_000 });
    expect(again.getState().incident).toBeUndefined();
  });
});
