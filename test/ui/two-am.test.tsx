/**
 * The pure parts of round 2 of the 2 a.m. walk: clipping by display width
 * (the part that tells a line apart kept), a long notice wrapped whole, the
 * variables given in the wizard layered over the configured ones, and the
 * session core's rules for a given variable and a settled section.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';
import { clipAfter, clipEnd, clipMiddle, clipStart, displayWidth } from '../../src/text/clip.js';
import { layeredVars } from '../../src/config/session-vars.js';
import { substitute } from '../../src/config/vars.js';
import { applyChange, ChangeRefused } from '../../src/session/changes.js';
import { applyAll, emptySession, smallChecklist } from '../report/fixtures.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

describe('clipping by display width', () => {
  it('counts wide characters as two cells and never splits one', () => {
    expect(displayWidth('日本語')).toBe(6);
    expect(clipEnd('日本語のテキスト', 7)).toBe('日本語…');
    expect(displayWidth(clipEnd('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
    expect(clipStart('/var/lib/日本/file.md', 10)).toBe('…/file.md');
    expect(clipEnd('short', 10)).toBe('short');
  });

  it('clipMiddle keeps both ends of a command; clipAfter keeps its lead whole', () => {
    const cmd = 'curl -fsS https://app.example.com/a/very/long/path/health-check/final-segment';
    const cut = clipMiddle(cmd, 40);
    expect(displayWidth(cut)).toBe(40);
    expect(cut.startsWith('curl -fsS https://')).toBe(true);
    expect(cut.endsWith('final-segment')).toBe(true);
    expect(clipAfter('you are Alexandra · ', '3/4 roles signed · 120/175 settled', 30)).toBe('you are Alexandra · 3/4 roles…');
    // A lead wider than the line is itself cut, never overflowing.
    expect(displayWidth(clipAfter('x'.repeat(50), 'rest', 20))).toBe(20);
  });
});

describe('a long notice (a team conflict) is wrapped whole, never cut', () => {
  it('shows every word of it at 80 columns', async () => {
    const made = makeStore();
    made.store.getState().openSection('pre-deployment/database');
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.waitFor('Backups verified');
    const notice = 'grace marked "Backups verified" failed at 14:02 while you marked it done: failed stayed (the more cautious state); open the item to see both';
    made.store.setState({ notice });
    const f = await ui.waitFor('open the item to see both');
    expect(f.replace(/\s+/g, ' ')).toContain(notice);
  });
});

describe('variables given in the wizard', () => {
  it('sit over the configured ones for every reader, never replace a configured one, and keep the base untouched', () => {
    const base = Object.freeze({ DOMAIN: 'app.example.com', EMPTY: '' });
    const l = layeredVars(base);
    l.give('APP_REPO_DIR', '/srv/app');
    l.give('DOMAIN', 'evil.example.com');
    l.give('EMPTY', 'now set');
    l.give('not a name', 'x');
    expect(l.vars.DOMAIN).toBe('app.example.com');
    expect(l.vars.APP_REPO_DIR).toBe('/srv/app');
    expect(l.vars.EMPTY).toBe('now set');
    expect(Object.keys(l.vars).sort()).toEqual(['APP_REPO_DIR', 'DOMAIN', 'EMPTY']);
    expect(Object.hasOwn(l.vars, 'APP_REPO_DIR')).toBe(true);
    expect(substitute('${APP_REPO_DIR}/x ${DOMAIN}', l.vars)).toEqual({ value: '/srv/app/x app.example.com', missing: [] });
    expect(l.given()).toEqual(['APP_REPO_DIR', 'EMPTY']);
    expect(Object.keys(base)).toEqual(['DOMAIN', 'EMPTY']);
  });

  it('the session core records a given value, and a secret (by name or by shape) only as given', () => {
    const s = emptySession();
    const plain = applyChange(s, { type: 'vars.set', name: 'APP_REPO_DIR', value: '/srv/app' }, { who: 'Ada', at: '2026-11-26T09:00:00.000Z' });
    expect(plain.events.at(-1)).toMatchObject({ what: 'vars.set', who: 'Ada', variable: { name: 'APP_REPO_DIR', value: '/srv/app' } });
    const byName = applyChange(s, { type: 'vars.set', name: 'GRAFANA_TOKEN', value: 'plain-looking' }, { who: 'Ada' });
    expect(byName.events.at(-1)!.variable).toEqual({ name: 'GRAFANA_TOKEN' });
    expect(JSON.stringify(byName)).not.toContain('plain-looking');
    const url = 'https://deploy:hunter2-long-pass@registry.example.com/v2/';
    const byShape = applyChange(s, { type: 'vars.set', name: 'REGISTRY', value: url }, { who: 'Ada' });
    expect(JSON.stringify(byShape)).not.toContain('hunter2-long-pass');
    expect(byShape.events.at(-1)!.variable).toEqual({ name: 'REGISTRY' });
    expect(() => applyChange(s, { type: 'vars.set', name: 'NOT A NAME', value: 'x' }, { who: 'Ada' })).toThrow(ChangeRefused);
  });
});

describe('settling a section', () => {
  it('marks only the pending items, each with the reason, and refuses an empty reason', () => {
    const checklist = smallChecklist();
    const [first, second] = checklist.items;
    const s = applyAll(emptySession(checklist), [{ type: 'item.state', itemId: first.id, state: 'failed' }]);
    const ids = checklist.items.filter((i) => i.sectionId === first.sectionId).map((i) => i.id);
    const settled = applyChange(s, { type: 'section.settle', sectionId: first.sectionId, state: 'na', reason: 'not in this release', itemIds: ids }, { who: 'Grace' });
    expect(settled.items[first.id].state).toBe('failed');
    if (second.sectionId === first.sectionId) expect(settled.items[second.id]).toMatchObject({ state: 'na', reason: 'not in this release', updatedBy: 'Grace' });
    for (const id of ids.slice(1)) expect(settled.items[id]).toMatchObject({ state: 'na', reason: 'not in this release' });
    expect(settled.events.at(-1)).toMatchObject({ what: 'section.settle', who: 'Grace' });
    expect(() => applyChange(s, { type: 'section.settle', sectionId: first.sectionId, state: 'na', reason: '  ', itemIds: ids }, { who: 'Grace' })).toThrow(/needs a reason/);
  });
});

describe('marks typed faster than they are saved', () => {
  it('d d d marks three items in order: each mark waits for the one before it to be saved and to move on', async () => {
    const made = makeStore();
    const section = made.checklist.sections.find((s) => s.itemIds.length >= 3)!;
    made.store.getState().openSection(section.id);
    const s = made.store.getState();
    await Promise.all([s.mark('done'), s.mark('done'), s.mark('done')]);
    const states = section.itemIds.slice(0, 3).map((id) => made.session.current().items[id]?.state);
    expect(states).toEqual(['done', 'done', 'done']);
  });
});

describe('u right after a mark that moved on', () => {
  it('undoes that mark (back on its item), and on a pending item with nothing before it says there is nothing to undo', async () => {
    const made = makeStore();
    const section = made.checklist.sections.find((s) => s.itemIds.length >= 3)!;
    const [first, second] = section.itemIds;
    made.store.getState().openSection(section.id);
    await made.store.getState().mark('done');
    expect(made.store.getState().cursor.itemId).toBe(second);
    await made.store.getState().mark('pending');
    expect(made.session.current().items[first]?.state ?? 'pending').toBe('pending');
    expect(made.store.getState().cursor.itemId).toBe(first);
    expect(made.store.getState().error).toBeUndefined();
    // Again: nothing was marked since, the item is pending: said, nothing changed.
    await made.store.getState().mark('pending');
    expect(made.store.getState().error).toBe('nothing to undo: this item is pending');
    expect(made.store.getState().cursor.itemId).toBe(first);
    // After moving away by hand, u acts on the item under the cursor only.
    await made.store.getState().mark('done');
    made.store.getState().moveItem(1);
    await made.store.getState().mark('pending');
    expect(made.store.getState().error).toBe('nothing to undo: this item is pending');
    expect(made.session.current().items[second]?.state ?? 'pending').toBe('pending');
  });
});
