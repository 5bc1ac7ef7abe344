import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { layoutSection } from '../../src/ui/section-view.js';
import { windowAround } from '../../src/ui/scroll.js';
import { packHints, hints, SECTION_KEYS } from '../../src/ui/keymap.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { buildChecklist } from './fixtures.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const long = () =>
  buildChecklist([
    { title: 'Long', items: Array.from({ length: 40 }, (_, i) => `Item number ${i + 1}`), guidance: [{ kind: 'command', lang: 'bash', text: Array.from({ length: 12 }, (_, i) => `echo step ${i + 1}`).join('\n') }] },
    { title: 'Short', items: ['Only one'] },
  ]);

describe('layout at 80×24 and on resize', () => {
  it('a long section scrolls around the cursor and the frame stays under the terminal height', async () => {
    const { store, checklist } = makeStore({ checklist: long() });
    ui = await renderUi(<App checklist={checklist} store={store} />);
    await ui.press(KEY.enter);
    await ui.waitFor('Item number 1');
    await ui.resize(24, 80);
    for (let i = 0; i < 30; i++) await ui.press('j');
    const f = await ui.waitFor(/▶.*Item number 31\b/);
    expect(f).not.toMatch(/Item number 1\b/);
    expect(f.split('\n').length).toBeLessThan(24);
    expect(f).toContain('q save+quit'); // the footer is never pushed off
    expect(f).toMatch(/more guidance lines/);
    await ui.resize(12, 80);
    const small = await ui.waitFor((fr) => fr.split('\n').length < 12);
    expect(small).toMatch(/▶.*Item number 31\b/);
    expect(small).toContain('q save+quit');
  });

  it('the overview keeps the highlighted section and the current position visible', async () => {
    const defs = Array.from({ length: 40 }, (_, i) => ({ title: `Section ${i + 1}`, items: [`Task ${i + 1}`] }));
    const { store, checklist } = makeStore({ checklist: buildChecklist(defs) });
    ui = await renderUi(<App checklist={checklist} store={store} />);
    await ui.resize(24, 80);
    for (let i = 0; i < 35; i++) await ui.press(KEY.down);
    const f = await ui.waitFor(/▶.*Section 36\b/);
    expect(f).toContain('you are at: Section 1 › Task 1');
    expect(f.split('\n').length).toBeLessThan(24);
  });
});

describe('pure layout helpers', () => {
  it('windowAround keeps the cursor inside and the window inside the list', () => {
    for (const [count, cursor, h] of [[40, 0, 10], [40, 39, 10], [40, 20, 10], [5, 3, 10], [40, 20, 1]]) {
      const { start, end } = windowAround(count, cursor, h);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(count);
      expect(cursor >= start && cursor < end).toBe(true);
      expect(end - start).toBe(Math.min(count, h));
    }
  });
  it('layoutSection gives items priority but keeps some guidance and a "more" line', () => {
    expect(layoutSection(40, 12, 18)).toEqual({ itemRoom: 13, guideShown: 4, hidden: 8 });
    expect(layoutSection(2, 3, 18)).toEqual({ itemRoom: 2, guideShown: 3, hidden: 0 });
    expect(layoutSection(10, 0, 5)).toEqual({ itemRoom: 5, guideShown: 0, hidden: 0 });
  });
  it('the section footer fits 80 columns in three lines and names every key', () => {
    const lines = packHints(hints(SECTION_KEYS), 80);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.join(' ')).toMatch(/↑↓\/kj.*←→\/hl.* d done.* f fail.* s skip.* n n\/a.* u undo.* e note.* p probe.* P all probes.* r run cmd.*Esc\/g.* ! emergency.* S sign-off.* \? help.* q save\+quit/);
    // `a` shows on an item that has an announcement to send, and the footer still fits.
    expect(lines.join(' ')).not.toContain('a announce');
    const withA = packHints(hints(SECTION_KEYS, { announces: true }), 80);
    expect(withA.length).toBeLessThanOrEqual(4);
    expect(withA.join(' ')).toMatch(/r run cmd\s+a announce/);
  });
});
