/**
 * Every text field edits like readline (Ctrl-A/E/U/K/W, Home/End, Backspace
 * before the cursor, Delete under it) and shows its cursor as an inverse block;
 * control bytes never reach a value. The same component serves the note, the
 * skip reason, the incident fields, the operator, the environment name, the
 * identity question and a command's confirmation word.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { IdentityPicker } from '../../src/ui/identity-picker.js';
import { ResumePicker, type PickerChoice } from '../../src/ui/resume-picker.js';
import { editField, fieldActions, type FieldState } from '../../src/ui/text-field-state.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const K = {
  ctrlA: '\u0001',
  ctrlE: '\u0005',
  ctrlU: '\u0015',
  ctrlK: '\u000B',
  ctrlW: '\u0017',
  home: '\u001B[H',
  end: '\u001B[F',
  homeVt: '\u001B[1~',
  endVt: '\u001B[4~',
  delete: '\u001B[3~',
  backspace: '\u007F',
  ctrlH: '\b',
};

/** Apply raw keys to a field, as the component does. */
function typeKeys(start: FieldState, ...keys: string[]): FieldState {
  let s = start;
  for (const k of keys) for (const a of fieldActions(k)) s = editField(s, a);
  return s;
}

describe('text field rules (pure)', () => {
  const at = (value: string, cursor = value.length): FieldState => ({ value, cursor });

  it('Ctrl-A / Home go to the start, Ctrl-E / End to the end', () => {
    for (const k of [K.ctrlA, K.home, K.homeVt, '\u001BOH']) expect(typeKeys(at('abc'), k)).toEqual(at('abc', 0));
    for (const k of [K.ctrlE, K.end, K.endVt, '\u001BOF']) expect(typeKeys(at('abc', 1), k)).toEqual(at('abc', 3));
  });

  it('Backspace (0x7f or ^H) deletes before the cursor, Delete (ESC[3~) under it', () => {
    expect(typeKeys(at('abc', 1), K.backspace)).toEqual(at('bc', 0));
    expect(typeKeys(at('abc', 1), K.ctrlH)).toEqual(at('bc', 0));
    expect(typeKeys(at('abc', 1), K.delete)).toEqual(at('ac', 1));
    expect(typeKeys(at('abc'), K.delete)).toEqual(at('abc'));
    expect(typeKeys(at('abc', 0), K.backspace)).toEqual(at('abc', 0));
  });

  it('Ctrl-U deletes to the start, Ctrl-K to the end, Ctrl-W the word before', () => {
    expect(typeKeys(at('Seed 3cfddde4 maintainers', 5), K.ctrlU)).toEqual(at('3cfddde4 maintainers', 0));
    expect(typeKeys(at('Seed 3cfddde4 maintainers', 4), K.ctrlK)).toEqual(at('Seed', 4));
    expect(typeKeys(at('Seed 3cfddde4 maintainers'), K.ctrlW)).toEqual(at('Seed 3cfddde4 ', 14));
    expect(typeKeys(at('Seed 3cfddde4  '), K.ctrlW)).toEqual(at('Seed ', 5));
  });

  it('no control byte or escape sequence is ever inserted; a pasted chunk is read in order', () => {
    for (const k of ['\u001B', '\t', '\u0003', '\u001B[A', '\u001B[1;5D', '\u0007', '\u001Bx']) expect(typeKeys(at('ab'), k)).toEqual(at('ab'));
    expect(typeKeys(at(''), 'ab\u0015cd\u0007e')).toEqual(at('cde'));
    expect(fieldActions('x\r')).toEqual([{ type: 'insert', text: 'x' }, { type: 'submit' }]);
  });

  it('←/→ step over a character outside the BMP whole', () => {
    expect(typeKeys(at('a😀b', 3), '\u001B[D')).toEqual(at('a😀b', 1));
    expect(typeKeys(at('a😀b', 1), '\u001B[C')).toEqual(at('a😀b', 3));
    expect(typeKeys(at('a😀b', 3), K.backspace)).toEqual(at('ab', 1));
  });
});

describe('the new-session form edits its operator like readline', () => {
  it('Ctrl-U clears the prefilled name, Ctrl-A/Home/End/Delete/Backspace edit where the cursor is, Ctrl-W a word', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={[]} defaults={{ environment: 'staging', operator: 'Seed 3cfddde4 maintainers' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    await ui.waitFor('nothing is assumed');
    await ui.press(KEY.enter);
    await ui.waitFor(/operator\s+Seed 3cfddde4 maintainers/);
    // The cursor is an inverse block after the name.
    expect(ui.rawFrame()).toContain('maintainers\u001B[7m \u001B[27m');
    await ui.press(K.ctrlW);
    await ui.waitFor(/operator\s+Seed 3cfddde4 *\n/);
    await ui.press(K.ctrlU, ...'ada lovelace');
    await ui.waitFor(/operator\s+ada lovelace/);
    expect(ui.frame()).not.toMatch(/maintaine|uw|ua/);
    await ui.press(K.ctrlA, 'X');
    await ui.waitFor('Xada lovelace');
    // The cursor stands on the character after the X.
    expect(ui.rawFrame()).toContain('X\u001B[7ma\u001B[27mda lovelace');
    await ui.press(K.delete);
    await ui.waitFor('Xda lovelace');
    await ui.press(K.backspace);
    await ui.waitFor(/operator\s+da lovelace/);
    await ui.press(K.end, KEY.left, KEY.left, K.ctrlK, K.home, 'A');
    await ui.waitFor(/operator\s+Ada lovela\s/);
    await ui.press(KEY.enter);
    expect(chosen).toEqual([{ start: { environment: 'staging', operator: 'Ada lovela' } }]);
  });

  it('the environment name takes the same keys', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={[]} defaults={{ operator: 'carol' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    await ui.waitFor('nothing is assumed');
    await ui.press(KEY.up, KEY.enter);
    await ui.waitFor('[environment name]');
    await ui.press(...'eu prod', K.ctrlW, ...'west', K.ctrlA, K.delete, 'E', KEY.enter);
    await ui.waitFor(/operator\s+carol/);
    await ui.press(KEY.enter);
    expect(chosen).toEqual([{ start: { environment: 'Eu west', operator: 'carol' } }]);
  });
});

describe('the wizard forms use the same field', () => {
  it('the note: Ctrl-U and Ctrl-W edit, no letter of theirs is typed', async () => {
    const made = makeStore();
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press(KEY.enter, 'e');
    await ui.waitFor('Note for: Backups verified');
    await ui.press(...'old text', K.ctrlU, ...'restore tested', K.ctrlW, ...'verified', K.home, K.delete, 'R', KEY.enter);
    await ui.waitFor('Check the database');
    expect(made.session.current().items['pre-deployment/database/backups-verified'].note).toBe('Restore verified');
  });

  it('the skip reason: Ctrl-A, End and Backspace edit', async () => {
    const made = makeStore();
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press(KEY.enter, 's');
    await ui.waitFor('Reason (required)');
    await ui.press(...'no dbx', K.ctrlA, K.end, K.backspace, KEY.enter);
    await ui.waitFor('[-] Backups verified');
    expect(made.session.current().items['pre-deployment/database/backups-verified']).toMatchObject({ state: 'skipped', reason: 'no db' });
  });

  it('the incident fields: Ctrl-W removes a word; the empty field shows its cursor on the placeholder', async () => {
    const written: string[] = [];
    const made = makeStore({ deps: { writeIncident: async (n, text) => (written.push(text), `/tmp/s/mem-1-incident-${n}.md`) } });
    ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
    await ui.press('!');
    await ui.waitFor('EMERGENCY');
    await ui.press(KEY.enter, KEY.enter);
    await ui.waitFor('[description of user impact]');
    expect(ui.rawFrame()).toContain('\u001B[7m[\u001B[27m');
    await ui.press(...'calls drop often', K.ctrlW, K.ctrlW, ...'drop', KEY.enter, ...'30m', KEY.enter, ...'x', K.ctrlU, ...'rollback', KEY.enter);
    await ui.waitFor('incident written to');
    expect(written[0]).not.toContain('often');
    expect(made.session.current().incidents[0]).toMatchObject({ impact: 'calls drop', actions: 'rollback' });
  });

  it('the identity question: Ctrl-U clears a typed name', async () => {
    const names: string[] = [];
    ui = await renderUi(<IdentityPicker sessionId="s-1" operators={[]} onChoose={(n) => names.push(n)} onCancel={() => {}} />);
    await ui.waitFor('Your name:');
    await ui.press(...'wrong', K.ctrlU, ...'dora', KEY.enter);
    expect(names).toEqual(['dora']);
  });
});
