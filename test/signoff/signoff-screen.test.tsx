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
import { DEFAULT_ROLES, ownSignoffDraft, sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession, smallChecklist } from '../report/fixtures.js';
import type { Session } from '../../src/session/schema.js';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');

function settled(): Session {
  return applyAll(emptySession(), smallChecklist().items.map((i) => ({ type: 'item.state' as const, itemId: i.id, state: 'done' as const })), 1, 'Ada');
}

interface SetupOptions {
  /** Terminal rows × columns (default 24 × 80). */
  size?: [number, number];
  /** Where the report "goes" (default sessions/ID.md). */
  reportPath?: (s: Session) => string;
  /** An existing session to open again (resume), instead of a new one. */
  mem?: ReturnType<typeof createMemorySession>;
}

async function setup(session: Session, operator = 'Ada', opts: SetupOptions = {}) {
  const checklist = smallChecklist();
  const mem = opts.mem ?? createMemorySession(session, operator, () => NOW);
  const reports: string[] = [];
  const store = createWizardStore({
    checklist,
    session: mem,
    runProbes: async () => [],
    vars: {},
    operator,
    writeReport: async (s) => {
      reports.push(s.status);
      return opts.reportPath?.(s) ?? `sessions/${s.id}.md`;
    },
  });
  store.getState().openScreen('signoff');
  // The wizard store satisfies the screen's contract (checked by the compiler here).
  const like: SignoffStoreLike = store;
  const ui = await renderUi(<SignoffScreen store={like} checklist={checklist} />);
  // The terminal the issue was found on.
  await ui.resize(...(opts.size ?? [24, 80]));
  return { ui, store, mem, reports };
}

/** The frame as one line: wrapped text compared as the sentence it is. */
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

/** Another terminal signs `role` as `who`. */
function signElsewhere(mem: ReturnType<typeof createMemorySession>, role: string, who: string) {
  mem.remote({ type: 'signoff.sign', role, signature: who.toLowerCase(), fingerprint: sessionFingerprint(mem.current()) }, who);
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
    // Moving on clears the old refusal: it was about the row left behind; the refused signature is gone from its row.
    await ui.press(KEY.down);
    await ui.waitFor((f) => !f.includes('✗'));
    expect(ui.frame()).not.toContain('not signed');
    expect(ui.frame()).toMatch(/DevOps Engineer\s+—/);
    // Bob takes Security Officer: his name is on the row, so typing there signs nothing.
    signElsewhere(mem, 'Security Officer', 'Bob');
    await ui.waitFor(/Security Officer\s+Bob/);
    await ui.press('y', KEY.enter);
    expect(mem.current().signoff.signatures.map((s) => `${s.role}=${s.name}`)).toEqual(['Tech Lead=Ada', 'Security Officer=Bob']);
  });

  it('Ctrl-U and Ctrl-W edit the signature and Notes as in every other field', async () => {
    const { ui, store } = await setup(settled());
    await ui.press('ada lovelace');
    await ui.waitFor('ada lovelace▌');
    await ui.press('\u0017'); // Ctrl-W: the last word
    await ui.waitFor(/Tech Lead\s+Ada \(you\)\s+ada ▌/);
    await ui.press('\u0015'); // Ctrl-U: the whole signature
    await ui.waitFor(/Tech Lead\s+Ada \(you\)\s+▌/);
    await ui.press('ada', KEY.enter);
    await ui.waitFor('signed Tech Lead as Ada');
    expect(store.getState().session.signoff.signatures[0].signature).toBe('ada');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    await ui.waitFor('› Notes');
    await ui.press('first line', KEY.enter, 'wrong words');
    await ui.waitFor('wrong words▌');
    await ui.press('\u0015');
    await ui.waitFor((f) => !f.includes('wrong words') && f.includes('first line'));
  });

  it('a signature and its Enter in one chunk (a fast pty, a paste) sign what was typed, once', async () => {
    const { ui, mem } = await setup(settled());
    await ui.press('ada\r');
    await ui.waitFor('signed Tech Lead as Ada');
    expect(mem.current().signoff.signatures[0].signature).toBe('ada');
  });

  it('Home, End, ←/→, Delete and Backspace edit where the cursor is, as in every other field', async () => {
    const { ui, store } = await setup(settled());
    await ui.press('dlx');
    await ui.press('\u001B[H'); // Home
    await ui.waitFor(/Tech Lead\s+Ada \(you\)\s+▌dlx/);
    await ui.press('A', KEY.right, '\u001B[3~', 'a L'); // Delete: the l after the cursor
    await ui.waitFor(/Ada \(you\)\s+Ada L▌x/);
    await ui.press('\u001B[F', KEY.backspace, '!'); // End, then Backspace at the end
    await ui.waitFor(/Ada \(you\)\s+Ada L!▌/);
    await ui.press(KEY.left, '\u0001', '>', KEY.enter); // ←, Ctrl-A, then sign
    await ui.waitFor('signed Tech Lead as Ada');
    expect(store.getState().session.signoff.signatures[0].signature).toBe('>Ada L!');
  });

  it('revokes only your own signature (r on your row, then y)', async () => {
    const { ui, mem } = await setup(settled());
    signElsewhere(mem, 'DevOps Engineer', 'Bob');
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    await ui.press(KEY.up, 'r');
    // One line asks first; anything but y keeps the signature.
    await ui.waitFor('Revoke your Tech Lead signature? y/n');
    await ui.press('n');
    await ui.waitFor((f) => !f.includes('Revoke your'));
    expect(mem.current().signoff.signatures.map((s) => s.name)).toEqual(['Bob', 'Ada']);
    await ui.press('r', 'y');
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
    // The override reason is required now, so the focus is there.
    expect(ui.frame()).toContain('› Override reason (required)');
    expect(flat(ui.frame())).toContain('⚠ 3 of 4 roles not signed (DevOps Engineer, Security Officer, Product Owner)');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.enter);
    // The whole sentence, wrapped within the screen.
    const frame = await ui.waitFor('✗ cannot complete');
    expect(flat(frame)).toContain('✗ cannot complete FAILED: 3 of 4 roles not signed (DevOps Engineer, Security Officer, Product Owner); give an override reason that covers it');
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(store.getState().signoff.error).toBe('cannot complete FAILED: 3 of 4 roles not signed (DevOps Engineer, Security Officer, Product Owner); give an override reason that covers it');
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
    // The report path on a line of its own, whole.
    await ui.waitFor(/✓ completed: SUCCESS\nreport: sessions\/prod-20261126-0900\.md/);
    expect(reports).toEqual(['completed']);
    expect(ui.frame()).toMatch(/✓ Completed: SUCCESS by Ada at 2026-11-26 12:00 UTC — the session is read-only/);
    // Every item change is refused now, in this terminal too.
    await store.getState().apply({ type: 'item.note', itemId: smallChecklist().items[0].id, note: 'late' });
    expect(store.getState().error).toMatch(/^session prod-20261126-0900 was completed by Ada at 2026-11-26 12:00 UTC \(SUCCESS\) and is read-only; reopen it/);
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

  it('q on the leave question quits the wizard (the prompt says which key does what); the notes are kept, the signature is not', async () => {
    const { ui, store, mem } = await setup(settled());
    await ui.press('half typed');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    await ui.waitFor('› Notes');
    await ui.press('db ok');
    await ui.waitFor('db ok▌');
    await ui.press(KEY.esc);
    const frame = flat(await ui.waitFor('Leave without'));
    expect(frame).toContain('Esc/y: back to the checklist · q: quit the wizard · any other key: stay.');
    await ui.press('q');
    await ui.waitFor(() => store.getState().exit === 'quit');
    expect(ownSignoffDraft(mem.current(), 'Ada')?.notes).toBe('db ok');
    expect(mem.current().signoff.signatures).toEqual([]);
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

/** What a stranger saw at 60×20 must not happen: every line fits, labels are whole, the table is one header line. */
function expectFits(frame: string, rows: number, columns: number) {
  const lines = frame.split('\n');
  expect(lines.length, frame).toBeLessThanOrEqual(rows);
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(columns);
  const header = lines.find((l) => l.includes('Role') && l.includes('Signature'))!;
  expect(header, frame).toMatch(/Date\s+✓$/);
  expect(frame).not.toMatch(/^\s+Val/m);
  // No row ends in a stray ellipsis, no date is cut.
  for (const l of lines.filter((x) => /Engineer|Officer|Owner|Tech Lead/.test(x))) expect(l, l).not.toMatch(/…$/);
  expect(frame).not.toMatch(/\d{4}-\d\d…/);
}

describe('SignoffScreen below 80 columns (60×20)', () => {
  async function walk60(ui: Awaited<ReturnType<typeof setup>>['ui']) {
    await ui.press('a', KEY.enter);
    let frame = await ui.waitFor('signed Tech Lead');
    expectFits(frame, 20, 60);
    expect(frame).toMatch(/Tech Lead\s+Ada \(you\)\s+a\s+11-26 ✓/);
    expect(frame).toMatch(/^ {2}Notes \(Enter adds a line · Tab next\)$/m);
    expect(frame).toMatch(/^ {2}Next Steps \(Enter adds a line · Tab next\)$/m);
    // The status list open: every choice and the button below it are on screen.
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    frame = await ui.waitFor('ROLLED BACK');
    expectFits(frame, 20, 60);
    expect(frame).toMatch(/❯ SUCCESS\n\s+FAILED\n\s+ROLLED BACK/);
    expect(frame).toContain('[ Complete sign-off ]');
    // SUCCESS with roles unsigned and items pending: the required reason is where the focus is.
    await ui.press(KEY.enter);
    frame = await ui.waitFor('Deployment Status: SUCCESS');
    expectFits(frame, 20, 60);
    expect(frame).toContain('› Override reason (required): ▌');
    expect(flat(frame)).toContain('⚠ 3 of 4 roles not signed (DevOps Engineer, Security Officer, Product Owner)');
  }

  it('opened fresh at 60×20: labels whole, a one-line header with MM-DD dates and a ✓ column, the focus on screen', async () => {
    const { ui } = await setup(emptySession(), 'Ada', { size: [20, 60] });
    await walk60(ui);
  });

  it('the same after a resize from 80×24 to 60×20', async () => {
    const { ui } = await setup(emptySession());
    await ui.waitFor('Tech Lead');
    await ui.resize(20, 60);
    await walk60(ui);
  });

  it('a signature that no longer matches shows ⚠ with one line that says what it means', async () => {
    const { ui, mem } = await setup(settled(), 'Ada', { size: [20, 60] });
    signElsewhere(mem, 'DevOps Engineer', 'Bob');
    mem.remote({ type: 'item.note', itemId: smallChecklist().items[1].id, note: 'changed after signing' }, 'Carol');
    const frame = await ui.waitFor('re-sign needed');
    expectFits(frame, 20, 60);
    expect(frame).toMatch(/DevOps Engineer\s+Bob\s+bob\s+11-26 ⚠/);
    expect(frame).toContain('⚠ changed since it was signed: re-sign needed');
  });
});

describe('SignoffScreen focus and keys', () => {
  it('Enter on SUCCESS (not moved first) puts the focus on the override reason it now needs, once', async () => {
    const { ui } = await setup(emptySession());
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    await ui.waitFor('❯ SUCCESS');
    await ui.press(KEY.enter);
    const frame = await ui.waitFor('Deployment Status: SUCCESS');
    expect(frame).toContain('› Override reason (required)');
    expect(frame).not.toContain('› Notes');
    // The footer shows this field's keys, not the table's.
    expect(frame).toContain('type the reason');
    expect(frame).not.toContain('Enter sign');
    expect(frame).not.toContain('r revoke');
  });

  it('with nothing to override, choosing moves on to Notes; the footer follows the focused field', async () => {
    const { ui, mem } = await setup(settled());
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    for (const [role, who] of [['DevOps Engineer', 'Bob'], ['Security Officer', 'Carol'], ['Product Owner', 'Dan']]) signElsewhere(mem, role, who);
    await ui.waitFor('4/4 roles signed');
    await ui.press(KEY.up);
    expect(await ui.waitFor('› Tech Lead')).toContain('r revoke yours');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.down, KEY.enter);
    const frame = await ui.waitFor('Deployment Status: FAILED');
    expect(frame).toContain('Override reason (not needed)');
    expect(frame).toContain('› Notes');
    expect(frame).toContain('Enter new line');
    await ui.press(KEY.tab, KEY.tab);
    expect(await ui.waitFor('› [ Complete sign-off ]')).toContain('Enter complete');
  });
});

describe('SignoffScreen messages', () => {
  it('a refusal wraps whole within the screen and is gone once the focus moves on', async () => {
    const { ui, store } = await setup(emptySession());
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.enter, KEY.tab, KEY.tab, KEY.tab, KEY.enter);
    let frame = await ui.waitFor('✗ cannot complete SUCCESS');
    expect(flat(frame)).toContain(`✗ ${store.getState().signoff.error}`);
    expect(store.getState().signoff.error).toMatch(/^cannot complete SUCCESS: 4 of 4 roles not signed \(.*\); 6 items are still pending \(.*\); give an override reason that covers each of these 2, or choose another status$/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    await ui.press(KEY.up);
    frame = await ui.waitFor((f) => !f.includes('✗'));
    expect(store.getState().signoff.error).toBeUndefined();
  });

  it('the report path is shown whole, on its own line when it is long', async () => {
    const path = 'sessions/staging-20261201-0140-release-train-b/staging-20261201-0140-report.md';
    const { ui, mem } = await setup(settled(), 'Ada', { reportPath: () => path });
    await ui.press('a', KEY.enter);
    await ui.waitFor('signed Tech Lead');
    for (const [role, who] of [['DevOps Engineer', 'Bob'], ['Security Officer', 'Carol'], ['Product Owner', 'Dan']]) signElsewhere(mem, role, who);
    await ui.waitFor('4/4 roles signed');
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.enter, KEY.tab, KEY.tab, KEY.enter);
    const frame = await ui.waitFor('report:');
    expect(frame.split('\n')).toContain(path);
  });
});

describe('SignoffScreen draft', () => {
  it('status and override reason survive Esc, quitting and resuming: kept in the session as a draft', async () => {
    const first = await setup(emptySession());
    await first.ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.down, KEY.enter);
    await first.ui.waitFor('› Override reason (required)');
    await first.ui.press('db migration 0042 failed');
    await first.ui.press(KEY.esc);
    // Nothing typed is lost, so Esc does not ask.
    expect(first.store.getState().screen).not.toBe('signoff');
    expect(ownSignoffDraft(first.mem.current(), 'Ada')).toMatchObject({ status: 'FAILED', overrideReason: 'db migration 0042 failed', notes: '', nextSteps: '', by: 'Ada' });
    expect(first.mem.current().events.filter((e) => e.what === 'signoff.draft').at(-1)).toMatchObject({ who: 'Ada', detail: 'status FAILED, override reason' });
    await first.store.getState().quit();
    first.ui.unmount();
    // Resumed: a new wizard over the same session opens the sign-off as it was left.
    const again = await setup(emptySession(), 'Ada', { mem: first.mem });
    const frame = await again.ui.waitFor('Deployment Status: FAILED');
    expect(frame).toContain('Override reason (required): db migration 0042 failed');
  });

  it('Ctrl-C keeps the notes too; completing drops the draft (the record has it)', async () => {
    const { ui, mem, store } = await setup(settled());
    await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.down, KEY.down, KEY.enter);
    await ui.waitFor('Deployment Status: ROLLED BACK');
    await ui.press(KEY.tab, 'rolled back at 10:02', KEY.ctrlC);
    await ui.waitFor(() => ownSignoffDraft(mem.current(), 'Ada')?.notes === 'rolled back at 10:02');
    expect(ownSignoffDraft(mem.current(), 'Ada')?.status).toBe('ROLLED BACK');
    await store.getState().flush();
    await store.getState().completeSignoff({ status: 'ROLLED BACK', notes: 'rolled back at 10:02', nextSteps: '', overrideReason: 'roles sign tomorrow' });
    expect(mem.current().status).toBe('completed');
    expect(mem.current().signoff.drafts).toBeUndefined();
    expect(mem.current().signoff.notes).toBe('rolled back at 10:02');
  });

  it('every way out keeps typed Notes: the store’s interrupt (SIGHUP/SIGTERM) and quit hand the form’s draft over before saving', async () => {
    for (const out of ['interrupt', 'quit'] as const) {
      const { ui, mem, store } = await setup(settled());
      await ui.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab);
      await ui.waitFor('› Notes');
      await ui.press(`${out} text`);
      await ui.waitFor(`${out} text▌`);
      // Not a key on the screen: the wizard's signal handler calls the store directly.
      await store.getState()[out]();
      expect({ out, notes: ownSignoffDraft(mem.current(), 'Ada')?.notes }).toEqual({ out, notes: `${out} text` });
      ui.unmount();
      // Unmounted, the form hands over nothing any more.
      await store.getState().quit();
      expect(ownSignoffDraft(mem.current(), 'Ada')?.notes).toBe(`${out} text`);
    }
  });
});

describe('SignoffScreen in team mode', () => {
  it('shows who is here and, cut off from the store, the OFFLINE line with the queued count; the frame still fits 80×24', async () => {
    const { ui, store } = await setup(settled(), 'Ada');
    expect(ui.frame()).not.toContain('here:');
    store.setState({ team: { sessionId: 'production-1', here: ['Ada', 'Grace'], offline: false, queued: 0 } });
    let f = await ui.waitFor('⇄ session production-1 · here: Ada, Grace');
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    expect(f).toContain('you are Ada ·');
    store.setState({ team: { sessionId: 'production-1', here: ['Ada'], offline: true, queued: 2 } });
    f = await ui.waitFor('⚠ OFFLINE — 2 changes queued here');
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    // The focused field and the footer stay on screen with the extra line.
    expect(f).toContain('Complete sign-off');
  });

  it('a long name is shown whole before the counts give way, at 80 and at 60 columns', async () => {
    const name = 'Alexandra Konstantinopoulou-Smythe';
    for (const size of [[24, 80] as [number, number], [20, 60] as [number, number]]) {
      const { ui } = await setup(settled(), name, { size });
      const f = await ui.waitFor(`you are ${name}`);
      const header = f.split('\n').find((l) => l.startsWith('you are '))!;
      expect(header.length).toBeLessThanOrEqual(size[1]);
    }
  });
});
