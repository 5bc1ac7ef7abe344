/**
 * The small cues of issue 14 (7): a run's summary stays in its section; `u`
 * clears "(override)"; `d` on a failed item asks why; the skip form's "a
 * reason is required" goes once a reason is typed; the detail view (Enter)
 * shows the note in full.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;

async function start(opts: Parameters<typeof makeStore>[0] = {}) {
  const made = makeStore(opts);
  made.store.getState().openSection(db, health);
  ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
  await ui.waitFor('Health endpoint responding');
  return { ...made, ui };
}

describe('small cues', () => {
  it('"probes: 1 passed" belongs to its section: not shown in the next one, and not when coming back', async () => {
    const { ui } = await start();
    await ui.press('p');
    await ui.waitFor('probes: 1 passed');
    await ui.press('l');
    const next = await ui.waitFor('Error rates monitored');
    expect(next).not.toContain('probes: 1 passed');
    await ui.press('h');
    const back = await ui.waitFor('Health endpoint responding');
    expect(back).not.toContain('probes: 1 passed');
  });

  it('u after an override sets the item back to pending without "(override)"', async () => {
    const { ui, store } = await start({ script: () => ({ status: 'fail', summary: 'HTTP 500' }) });
    await ui.press('p');
    await ui.waitFor('[✗] Health endpoint responding');
    await ui.press('s', ...'known flake', KEY.enter);
    await ui.waitFor(/\[-\] Health endpoint responding.*\(override\)/);
    // The skip moved the cursor on: back to the item, then undo.
    await ui.press('k');
    await ui.waitFor(/▶ \[-\] Health endpoint responding/);
    await ui.press('u');
    const f = await ui.waitFor('[ ] Health endpoint responding');
    expect(f).not.toContain('(override)');
    expect(store.getState().session.items[health].override).toBeUndefined();
  });

  it('d on a failed item asks why, refuses an empty reason, and logs the reason with the state', async () => {
    const { ui, session } = await start({ script: () => ({ status: 'fail', summary: 'HTTP 500' }) });
    await ui.press('p');
    await ui.waitFor('[✗] Health endpoint responding');
    await ui.press('d');
    await ui.waitFor('Mark done (it failed): Health endpoint responding');
    await ui.press(KEY.enter);
    await ui.waitFor('a reason is required to mark a failed item done');
    expect(session.current().items[health].state).toBe('failed');
    // The error goes as soon as a reason is being typed.
    await ui.press('f');
    await ui.waitFor((f) => !f.includes('a reason is required'));
    await ui.press(...'ixed by hand, 200 now', KEY.enter);
    await ui.waitFor(/\[x\] Health endpoint responding.*\(override\)/);
    const ev = session.current().events.filter((e) => e.what === 'item.state').at(-1);
    expect(ev?.detail).toBe('done: fixed by hand, 200 now');
  });

  it('the skip form: "a reason is required" clears while typing', async () => {
    const { ui } = await start();
    await ui.press('s', KEY.enter);
    await ui.waitFor('a reason is required to skip an item');
    await ui.press('n');
    await ui.waitFor((f) => f.includes('› n') && !f.includes('a reason is required'));
  });

  it('a note is readable in full: a line under the items and the detail view (Enter)', async () => {
    const { ui } = await start();
    const note = 'paged on-call for celery; workers restarting; retry at 02:30 once the queue drains below 50 tasks';
    await ui.press('e', ...note, KEY.enter);
    const line = await ui.waitFor('note: paged on-call');
    expect(line).toContain('✎');
    await ui.press(KEY.enter);
    const detail = await ui.waitFor('History (');
    expect(detail.split('\n').map((l) => l.trim()).join(' ')).toContain(note);
    expect(detail).toContain('item.note paged on-call');
    await ui.press(KEY.esc);
    await ui.waitFor((f) => f.includes('Health endpoint responding') && !f.includes('History ('));
  });

  it("a note's last letter and its Enter arriving in separate reads back to back: the letter is saved", async () => {
    const { ui, session } = await start();
    await ui.press('e');
    await ui.waitFor('Note for: Health endpoint responding');
    await ui.press(...'restartin');
    await ui.burst('g', KEY.enter);
    await ui.waitFor('note: restarting');
    expect(session.current().items[health].note).toBe('restarting');
  });
});
