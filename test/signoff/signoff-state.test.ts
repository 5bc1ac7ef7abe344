/** The sign-off form reducer, without Ink. */
import { describe, expect, it } from 'vitest';
import {
  completionOf,
  fieldsOf,
  focusedField,
  initialSignoffState,
  signoffReducer,
  type SignoffAction,
  type SignoffFormState,
} from '../../src/ui/signoff/use-signoff-state.js';
import { DEFAULT_ROLES, DEFAULT_STATUSES, sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession } from '../report/fixtures.js';

const init = (blockedReasons: string[] = [], session = emptySession()) =>
  initialSignoffState({ roles: DEFAULT_ROLES, statuses: DEFAULT_STATUSES, session, blockedReasons });

const run = (s: SignoffFormState, ...actions: SignoffAction[]) => actions.reduce(signoffReducer, s);
const type = (text: string): SignoffAction => ({ type: 'type', text });
const enter: SignoffAction = { type: 'enter' };
const next: SignoffAction = { type: 'next' };
const to = (s: SignoffFormState, kind: string) => run(s, ...Array(fieldsOf(s).findIndex((f) => f.kind === kind)).fill(next));

describe('sign-off form', () => {
  it('opens with one empty row per role and focus on the first name', () => {
    const s = init();
    expect(s.rows.map((r) => r.role)).toEqual(DEFAULT_ROLES);
    expect(focusedField(s)).toEqual({ kind: 'name', row: 0 });
    expect(fieldsOf(s).map((f) => f.kind).slice(-4)).toEqual(['status', 'notes', 'nextSteps', 'confirm']);
  });

  it('Enter adds a line in Notes, Backspace joins it back, Tab moves on', () => {
    let s = to(init(), 'notes');
    s = run(s, type('first'), enter, type('second'));
    expect(s.notes).toEqual(['first', 'second']);
    s = run(s, ...Array(7).fill({ type: 'backspace' }));
    expect(s.notes).toEqual(['first']);
    s = run(s, next);
    expect(focusedField(s).kind).toBe('nextSteps');
  });

  it('pasted text with line breaks becomes lines in Notes but one line in a name', () => {
    let s = run(init(), type('Ada\nLovelace\u0007'));
    expect(s.rows[0].name).toBe('Ada Lovelace');
    s = to(s, 'notes');
    s = run(s, type('a\r\nb\nc'));
    expect(s.notes).toEqual(['a', 'b', 'c']);
  });

  it('shows the override field only for blocked SUCCESS, and requires a reason', () => {
    let s = to(init(['2 items are still pending']), 'status');
    s = run(s, { type: 'choose', delta: 1 });
    expect(fieldsOf(s).some((f) => f.kind === 'override')).toBe(true);
    s = to(s, 'confirm');
    s = run(s, enter);
    expect(s.phase).toBe('editing');
    expect(s.error).toMatch(/SUCCESS is blocked/);
    expect(focusedField(s).kind).toBe('override');
    s = run(s, type('known flaky probe'), enter);
    s = to({ ...s, focus: 0 }, 'confirm');
    s = run(s, enter);
    expect(s.phase).toBe('submitting');
    expect(completionOf(s)).toMatchObject({ status: 'SUCCESS', overrideReason: 'known flaky probe' });
    // Choosing FAILED drops the override from what is recorded.
    s = { ...s, phase: 'editing', statusIndex: 1 };
    expect(fieldsOf(s).some((f) => f.kind === 'override')).toBe(false);
    expect(completionOf(s).overrideReason).toBeUndefined();
  });

  it('refuses to complete without a status', () => {
    const s = run(to(init(), 'confirm'), enter);
    expect(s.error).toBe('choose a Deployment Status with ←/→');
    expect(focusedField(s).kind).toBe('status');
  });

  it('signs again only rows that were typed or edited, not untouched stored signatures', () => {
    const session = applyAll(emptySession(), [
      { type: 'signoff.sign', role: 'Tech Lead', name: 'Ada', signature: 'ada', fingerprint: sessionFingerprint(emptySession()) },
      { type: 'signoff.sign', role: 'Product Owner', name: 'Bob', signature: 'bob', fingerprint: 'old' },
    ]);
    let s = init([], session);
    expect(s.rows[0]).toMatchObject({ name: 'Ada', signature: 'ada', stored: true, edited: false });
    s = run(s, next, next, type('Grace'), next, type('gh'));
    // Product Owner re-signs by retyping (any edit counts).
    s = run(s, ...Array(3).fill(next), { type: 'backspace' }, type('b'));
    expect(completionOf(s).signs).toEqual([
      { role: 'DevOps Engineer', name: 'Grace', signature: 'gh' },
      { role: 'Product Owner', name: 'Bob', signature: 'bob' },
    ]);
  });
});

describe('text arriving in one chunk', () => {
  it('splits Enter and Tab out of typed text, as a pty delivers fast typing', async () => {
    const { textActions } = await import('../../src/ui/signoff/use-signoff-keys.js');
    expect(textActions('Ada Lovelace\rada\r')).toEqual([type('Ada Lovelace'), enter, type('ada'), enter]);
    expect(textActions('x\ty\r\n')).toEqual([type('x'), next, type('y'), enter]);
    expect(textActions('last line\u0004Root cause')).toEqual([type('last line'), next, type('Root cause')]);
    const s = run(init(), ...textActions('Ada Lovelace\rada\r'));
    expect(s.rows[0]).toMatchObject({ name: 'Ada Lovelace', signature: 'ada' });
    expect(focusedField(s)).toEqual({ kind: 'name', row: 1 });
  });
});
