/**
 * The detail view (Enter on an item): every probe result in full with its
 * evidence, the section's guidance, the note and the history; it scrolls and
 * its rows never pass the terminal's width or height.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { detailLines, detailRows, wrapLine } from '../../src/ui/item-detail.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;
const evidence = Array.from({ length: 30 }, (_, i) => `evidence line ${i + 1} of 30`);
const summary = `GET http://127.0.0.1:8000/health/ → 503 in 12 ms: status 503 (expected 200); json.status=degraded (expected healthy); the end-of-summary-marker`;

describe('detail view', () => {
  it('shows the whole summary, the section guidance, and scrolls to the last evidence line; Esc goes back', async () => {
    const made = makeStore({ script: () => ({ status: 'fail', summary, evidence }) });
    made.store.getState().openSection(db, health);
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.resize(24, 80);
    await made.store.getState().runItemProbes();
    await ui.waitFor('[✗] Health endpoint responding');
    await ui.press(KEY.enter);
    const top = await ui.waitFor('FAIL http:');
    const joined = top.split('\n').map((l) => l.trim()).join(' ');
    expect(joined).toContain('the end-of-summary-marker');
    expect(top).toContain('Section guidance (Database)');
    expect(top).toContain('Check the database before anything else.');
    expect(top).toMatch(/lines 1–\d+ of \d+ — ↓ \d+ more/);
    expect(top).not.toContain('evidence line 30 of 30');
    for (const row of top.split('\n')) expect([...row].length).toBeLessThanOrEqual(80);
    // The live frame (below the finished probe line printed once above it) keeps to rows-1.
    expect(top.split('\n').filter((l) => !/^✗ FAIL\s+http/.test(l)).length).toBeLessThanOrEqual(23);
    await ui.press('G');
    const end = await ui.waitFor('evidence line 30 of 30');
    expect(end).toContain('History (');
    expect(end).toMatch(/ — end/);
    await ui.press('g');
    await ui.waitFor((f) => f.includes('Health endpoint responding') && !f.includes('evidence line 30'));
    await ui.press('j');
    const one = await ui.waitFor(/lines 2–/);
    expect(one).not.toMatch(/^Health endpoint responding$/m);
    await ui.press(KEY.esc);
    await ui.waitFor((f) => f.includes('[✗] Health endpoint responding') && !f.includes('History ('));
    expect(made.store.getState().screen).toBe('section');
  });

  it('a probe not run yet, no note and no history are each said, not left blank', () => {
    const made = makeStore();
    const item = made.checklist.items.find((i) => i.id === health)!;
    const text = detailLines(made.checklist, made.session.current(), item).map((l) => l.text);
    expect(text).toContain('Probes (1 defined, 0 with a result)');
    expect(text.some((t) => t.startsWith('· not run   http'))).toBe(true);
    expect(text).toContain('no note (e adds one)');
    expect(text).toContain('nothing has happened to this item yet');
  });

  it('wraps at word boundaries, hard-breaks a long word, and indents continuation rows', () => {
    expect(wrapLine({ text: 'aaa bbb ccc ddd', tone: 'plain', indent: 2 }, 10).map((r) => r.text)).toEqual(['aaa bbb', '  ccc ddd']);
    expect(wrapLine({ text: 'x'.repeat(25), tone: 'plain' }, 10).map((r) => r.text)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(detailRows([{ text: '', tone: 'plain' }], 40)).toEqual([{ text: '', tone: 'plain' }]);
  });
});
