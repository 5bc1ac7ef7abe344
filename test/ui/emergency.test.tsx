/**
 * The incident form: Status and Severity are ink-select-input choices with the
 * template's values (CRITICAL is not one); the file carries UTC time,
 * environment, operator and session id; a reminder counts down to the next
 * update the template promises (every 15 minutes).
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { reminderText } from '../../src/ui/status-lines.js';
import { templateChoices, DEFAULT_INCIDENT_TEMPLATE } from '../../src/store/incident.js';
import { App } from '../../src/ui/app.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';
import { createWizardStore } from '../../src/store/wizard-store.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const T0 = Date.parse('2026-11-30T23:40:00.000Z');

describe('emergency form', () => {
  it('Status and Severity are chosen from the template; the file has time, environment, operator, session; the reminder shows', async () => {
    const written: { n: number; text: string }[] = [];
    const made = makeStore({ deps: { now: () => T0, writeIncident: async (n, text) => (written.push({ n, text }), `/tmp/s/mem-1-incident-${n}.md`) } });
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press('!');
    const form = await ui.waitFor('EMERGENCY');
    // Choices of the template, listed; placeholders in brackets (never like a typed value).
    expect(form).toMatch(/❯ INVESTIGATING/);
    for (const s of ['IDENTIFIED', 'MONITORING', 'RESOLVED']) expect(form).toContain(s);
    expect(form).toContain('[HIGH/MEDIUM/LOW]');
    expect(form).toContain('[description of user impact]');
    await ui.press(KEY.down, KEY.enter); // IDENTIFIED
    const sev = await ui.waitFor(/❯ HIGH/);
    expect(sev).toContain('MEDIUM');
    expect(sev).not.toContain('CRITICAL');
    await ui.press(KEY.down, KEY.enter); // MEDIUM
    await ui.waitFor('[description of user impact]');
    await ui.press(...'calls drop', KEY.enter, ...'30 min', KEY.enter, ...'rolling back', KEY.enter);
    const after = await ui.waitFor('incident written to /tmp/s/mem-1-incident-1.md');
    expect(after).toContain('⏱ incident 1: next update due in 15 min (every 15 min; ! posts one)');
    const text = written[0].text;
    expect(text).toMatch(/^# Incident 1: production\n\n- \*\*Status\*\*: IDENTIFIED\n- \*\*Severity\*\*: MEDIUM\n- \*\*Opened\*\*: \d{4}-\d\d-\d\d \d\d:\d\d UTC by alice\n/);
    expect(text).toContain('- **Session**: mem-1');
    expect(text).toContain('Status: IDENTIFIED\nSeverity: MEDIUM\nImpact: calls drop');
    expect(made.session.current().incidents[0]).toMatchObject({ status: 'IDENTIFIED', severity: 'MEDIUM' });
  });

  it('Ctrl-C in the form keeps what was typed as the incident draft (no incident is logged); ! opens on it again; logging drops it', async () => {
    const made = makeStore({ deps: { now: () => T0 } });
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press('!');
    await ui.waitFor('EMERGENCY');
    await ui.press(KEY.down, KEY.enter); // IDENTIFIED
    await ui.waitFor(/❯ HIGH/);
    await ui.press(KEY.enter); // HIGH
    await ui.waitFor('[description of user impact]');
    await ui.press(...'calls drop hunter2secret');
    // The message shows as it will read, filled with what the form holds.
    const typed = await ui.waitFor('Impact: calls drop');
    expect(typed).toContain('Message as it will read:');
    expect(typed).toContain('Status: IDENTIFIED');
    await ui.press(KEY.ctrlC);
    await ui.waitFor('Interrupted — saved.');
    const doc = made.session.current();
    expect(doc.incidents).toEqual([]);
    // A secret typed into the form is redacted in the draft like in an incident.
    expect(doc.incidentDrafts?.alice).toMatchObject({ status: 'IDENTIFIED', severity: 'HIGH', eta: '', actions: '', by: 'alice' });
    expect(doc.incidentDrafts?.alice?.impact).toMatch(/^calls drop /);
    expect(JSON.stringify(doc)).not.toContain('hunter2secret');
    ui.unmount();

    // Resumed over the same session: the form opens on the draft.
    const again = createWizardStore({ checklist: made.checklist, session: made.session, runProbes: async () => [], vars: {}, operator: 'alice', now: () => T0 });
    ui = await renderUi(<App checklist={made.checklist} store={again} />);
    await ui.press('!');
    const form = await ui.waitFor('calls drop');
    expect(form).toMatch(/Impact\s+calls drop/);
    await again.getState().saveEmergency({ status: 'IDENTIFIED', severity: 'HIGH', impact: 'calls drop', eta: '', actions: '' });
    expect(made.session.current().incidents).toHaveLength(1);
    expect(made.session.current().incidentDrafts).toBeUndefined();
  });

  it('the store refuses a value the template does not list', async () => {
    const { store, session } = makeStore();
    store.getState().openScreen('emergency');
    await store.getState().saveEmergency({ status: 'INVESTIGATING', severity: 'CRITICAL', impact: 'down', eta: '', actions: '' });
    expect(store.getState().error).toBe("severity CRITICAL is not one of the template's: HIGH, MEDIUM, LOW");
    expect(session.current().incidents).toHaveLength(0);
  });

  it('a RESOLVED incident ends the reminder; the reminder says when an update is overdue', async () => {
    const { store } = makeStore({ deps: { now: () => T0 } });
    await store.getState().saveEmergency({ status: 'INVESTIGATING', severity: 'HIGH', impact: 'down', eta: '', actions: '' });
    const open = store.getState().incident!;
    expect(open).toEqual({ n: 1, dueAt: T0 + 15 * 60_000, everyMin: 15 });
    expect(reminderText(open, T0 + 60_000)).toBe('⏱ incident 1: next update due in 14 min (every 15 min; ! posts one)');
    expect(reminderText(open, T0 + 17 * 60_000)).toBe('⏱ incident 1: next update OVERDUE by 2 min (every 15 min; ! posts one)');
    await store.getState().saveEmergency({ status: 'RESOLVED', severity: 'HIGH', impact: 'back', eta: '', actions: '' }, 1);
    expect(store.getState().incident).toBeUndefined();
  });

  it('reads the choices and the interval from the template text', () => {
    expect(templateChoices(DEFAULT_INCIDENT_TEMPLATE)).toEqual({
      statuses: ['INVESTIGATING', 'IDENTIFIED', 'MONITORING', 'RESOLVED'],
      severities: ['HIGH', 'MEDIUM', 'LOW'],
      updateEveryMin: 15,
    });
    expect(templateChoices('Status: [OPEN/CLOSED]\nSeverity: [SEV1/SEV2]\nUpdates every 30 minutes.')).toEqual({ statuses: ['OPEN', 'CLOSED'], severities: ['SEV1', 'SEV2'], updateEveryMin: 30 });
  });
});
