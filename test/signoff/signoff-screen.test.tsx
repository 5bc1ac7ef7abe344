/**
 * The sign-off screen through ink-testing-library, driven by the wizard's own
 * store over an in-memory session (no disk): each person signs their own row,
 * others' signatures appear live with their names, the status is an
 * ink-select-input, completion needs every role, Esc asks before dropping a
 * typed signature, and the screen fits 80×24.
 */
import React from 'react';
import { KEY, renderUi } from '../helpers/render.js';
import { describe, expect, it } from 'vitest';
import { SignoffScreen, type SignoffStoreLike } from '../../src/ui/signoff/signoff-screen.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { createMemorySession } from '../helpers/memory-session.js';
import { DEFAULT_ROLES, sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession, smallChecklist } from '../report/fixtures.js';
import type { Session } from '../../src/session/schema.js';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');

function settled(): Session {
  return applyAll(emptySession(), smallChecklist().items.map((i) => ({ type: 'item.state' as const, itemId: i.id, state: 'done' as const })), 1, 'Ada');
}

async function setup(session: Session, operator = 'Ada') {
  const checklist = smallChecklist();
  const mem = createMemorySession(session, operator, () => NOW);
  const reports: string[] = [];
  const store = createWizardStore({
    checklist,
    session: mem,
    runProbes: async () => [],
    vars: {},
    operator,
    writeReport: async (s) => {
      reports.push(s.status);
      return `sessions/${s.id}.md`;
    },
  });
  store.getState().openScreen('signoff');
  // The wizard store satisfies the screen's contract (checked by the compiler here).
  const like: SignoffStoreLike = store;
  const ui = await renderUi(<SignoffScreen store={like} checklist={checklist} />);
  // The terminal the issue was found on.
  await ui.resize(24, 80);
  return { ui, store, mem, reports };
}

/** Another terminal signs `role` as `who`. */
function signElsewhere(mem: ReturnType<typeof createMemorySession>, role: string, who: string) {
  mem.remote({ type: 'signoff.sign', role, signature: who.toLowerCase(), fingerprint: sessionFingerprint(mem.current()), policy: { roles: DEFAULT_ROLES } }, who);
}

describe('SignoffScreen', () => {
  it('signs the focused row as this terminal’s operator; others’ rows show their names as they arrive', async () => {
    const { ui, mem, store } = await setup(settled());
    await ui.waitFor('Tech Lead');
    await ui.press('a', 'd', 'a', KEY.enter);
    await ui.waitFor('signed Tech Lead as Ada');
    expect(mem.current().signoff.signatures).toEqual([expect.objectContaining({ role: 'Tech Lead', name: 'Ada', signature: 'ada' })]);
    expect(ui.frame()).toMatch(/Tech Lead\s+Ada \(you\)\s+ada\s+2026-11-26\s+✓/);
    // Bob signs DevOps in another terminal: his name shows without a key press.
    signElsewhere(mem, 'DevOps Engineer', 'Bob');
    await ui.waitFor(/DevOps Engineer\s+Bob\s+bob\s+2026-11-26\s+✓/);
    expect(store.getState().notice).toBe('Bob signed DevOps Engineer');
    expect(ui.frame()).toContain('2/4 roles signed');
  });

  it('refuses a second role for the same person and a role someone else signed first, with one line', async () => {
    const { ui, mem } = await setup(settled());
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    await ui.press(KEY.down, 'x', KEY.enter);
    await ui.waitFor('✗ Ada already signed Tech Lead: each role needs a different person');
    // Bob took Security Officer a moment ago; our screen had not heard yet when we typed.
    await ui.press(KEY.down);
    signElsewhere(mem, 'Security Officer', 'Bob');
    await ui.press('y', KEY.enter);
    await ui.waitFor(/✗ (Security Officer is already signed by Bob|Ada already signed Tech Lead)/);
    expect(mem.current().signoff.signatures.map((s) => `${s.role}=${s.name}`)).toEqual(['Tech Lead=Ada', 'Security Officer=Bob']);
  });

  it('revokes only your own signature (r on your row)', async () => {
    const { ui, mem } = await setup(settled());
    signElsewhere(mem, 'DevOps Engineer', 'Bob');
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    await ui.press(KEY.up, 'r');
    await ui.waitFor('revoked your signature of Tech Lead');
    await ui.press(KEY.down, 'r');
    expect(mem.current().signoff.signatures.map((s) => s.name)).toEqual(['Bob']);
  });

  it('chooses the status with the select (↑/↓, Enter) and refuses completion while roles are unsigned', async () => {
    const { ui, mem, store } = await setup(settled());
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    // Four role rows, then the status: the select lists the document's choices.
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    await ui.waitFor('ROLLED BACK');
    expect(ui.frame()).toMatch(/❯ SUCCESS\n\s+FAILED\n\s+ROLLED BACK/);
    await ui.press(KEY.down);
    await ui.waitFor(/❯ FAILED/);
    await ui.press(KEY.enter);
    await ui.waitFor('Deployment Status: FAILED');
    expect(ui.frame()).toContain('Override reason (required)');
    expect(ui.frame()).toContain('⚠ 3 of 4 roles not signed (DevOps Engineer, Security Officer, Product Owner)');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.enter);
    // One line, cut to the terminal's width; the whole sentence is the store's.
    await ui.waitFor('✗ cannot complete: 3 roles are not signed (DevOps Engineer, Security Officer, P…');
    expect(store.getState().signoff.error).toBe('cannot complete: 3 roles are not signed (DevOps Engineer, Security Officer, Product Owner); have them signed, or give an override reason');
    expect(mem.current().status).toBe('active');
  });

  it('completes once all four are signed by four people, writes the report, and is read-only until reopened with a reason', async () => {
    const { ui, mem, store, reports } = await setup(settled());
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    for (const [role, who] of [['DevOps Engineer', 'Bob'], ['Security Officer', 'Carol'], ['Product Owner', 'Dan']]) signElsewhere(mem, role, who);
    await ui.waitFor('4/4 roles signed');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    await ui.waitFor('ROLLED BACK');
    await ui.press(KEY.enter);
    await ui.waitFor('Deployment Status: SUCCESS');
    expect(ui.frame()).toContain('Override reason (not needed)');
    await ui.press(KEY.tab, 'all green', KEY.tab, KEY.tab, KEY.enter);
    await ui.waitFor('✓ completed: SUCCESS · report: sessions/prod-20261126-0900.md');
    expect(reports).toEqual(['completed']);
    expect(ui.frame()).toMatch(/✓ Completed: SUCCESS by Ada at 2026-11-26 12:00 UTC — the session is read-only/);
    // Every item change is refused now, in this terminal too.
    await store.getState().apply({ type: 'item.note', itemId: smallChecklist().items[0].id, note: 'late' });
    expect(store.getState().error).toMatch(/^session prod-20261126-0900 was completed by Ada at 2026-11-26 12:00 \(SUCCESS\) and is read-only; reopen it/);
    await ui.press('o', KEY.enter);
    await ui.waitFor('✗ type why the session must change before reopening it');
    await ui.press('rollback needed', KEY.enter);
    await ui.waitFor('✓ reopened');
    expect(mem.current().status).toBe('active');
    expect(mem.current().signoff.history?.map((h) => h.action)).toEqual(['completed', 'reopened']);
  });

  it('asks before Esc throws away a typed signature', async () => {
    const { ui, store } = await setup(settled());
    await ui.press('half typed');
    await ui.press(KEY.esc);
    await ui.waitFor('Leave without your signature for Tech Lead? It is not recorded yet.');
    await ui.press('n');
    expect(store.getState().screen).toBe('signoff');
    await ui.waitFor('half typed▌');
    await ui.press(KEY.esc, KEY.esc);
    expect(store.getState().screen).not.toBe('signoff');
  });

  it('fits 80×24 with the focused field on screen, wherever the focus is', async () => {
    const { ui } = await setup(settled());
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    // Long notes push the rest down; the focus stays visible and the frame stays within 24 lines.
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, ...Array.from({ length: 12 }, (_, i) => `note line ${i}\r`));
    const frame = ui.frame();
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toContain('Sign-off · production · prod-20261126-0900');
    expect(frame).toContain('note line 11');
    expect(frame).toContain('› Notes');
    for (const line of frame.split('\n')) expect(line, line).toHaveLength(Math.min(line.length, 80));
    await ui.press(KEY.tab, KEY.tab);
    const bottom = ui.frame();
    expect(bottom).toContain('› [ Complete sign-off ]');
    expect(bottom.split('\n').length).toBeLessThanOrEqual(24);
  });
});

describe('SignoffScreen layout', () => {
  it('keeps signature rows aligned at 100 columns, and the focus visible after a resize to 60×16 and back', async () => {
    const { ui, mem } = await setup(settled());
    signElsewhere(mem, 'DevOps Engineer', 'Bob');
    // Carol changes an item after Bob signed: his row says it needs signing again.
    mem.remote({ type: 'item.note', itemId: smallChecklist().items[1].id, note: 'changed after signing' }, 'Carol');
    await ui.resize(24, 100);
    const frame = await ui.waitFor('re-sign needed');
    const header = frame.split('\n').find((l) => l.includes('Role') && l.includes('Date'))!;
    const bob = frame.split('\n').find((l) => l.includes('DevOps Engineer'))!;
    // Date and mark start in their own columns: no "2026-11-26⚠" run-together.
    expect(bob.indexOf('2026-11-26')).toBe(header.indexOf('Date'));
    expect(bob.indexOf('⚠ re-sign needed')).toBe(header.indexOf('Valid'));
    await ui.resize(16, 60);
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    const small = await ui.waitFor('› [ Complete sign-off ]');
    expect(small.split('\n').length).toBeLessThanOrEqual(16);
    await ui.resize(24, 80);
    const back = await ui.waitFor((f) => f.includes('Tech Lead') && f.includes('› [ Complete sign-off ]'));
    expect(back.split('\n').length).toBeLessThanOrEqual(24);
  });
});

describe('SignoffScreen names', () => {
  it('a long name is cut in the Name column, never the "(you)" that says whose row it is', async () => {
    const { ui } = await setup(settled(), 'Maximiliana Konstantinopoulou');
    await ui.waitFor('Tech Lead');
    await ui.press('m', 'k', KEY.enter);
    const frame = await ui.waitFor('signed Tech Lead as Maximiliana Konstantinopoulou');
    const row = frame.split('\n').find((l) => l.includes('Tech Lead') && l.includes('mk'))!;
    expect(row).toMatch(/Maximilian… \(you\)\s+mk\s+2026-11-26/);
    const header = frame.split('\n').find((l) => l.includes('Role') && l.includes('Signature'))!;
    // The cut name keeps the Signature column where the header says.
    expect(row.indexOf('mk')).toBe(header.indexOf('Signature'));
  });
});
