/**
 * The sign-off form as a pure reducer with named actions. The session (from
 * the store) says who signed what; the form holds only what this terminal has
 * typed and not yet recorded: a signature per role, the chosen Deployment
 * Status, an override reason, Notes and Next Steps, a reopening reason. Signing,
 * revoking, completing and reopening are store actions (src/store).
 */
import { useReducer } from 'react';
import type { Session } from '../../session/schema.js';
import { ownSignoffDraft } from '../../session/signoff.js';
import { editField, type FieldAction } from '../text-field-state.js';

export type Field =
  | { kind: 'role'; row: number }
  | { kind: 'status' }
  | { kind: 'override' }
  | { kind: 'notes' }
  | { kind: 'nextSteps' }
  | { kind: 'complete' };

/** editing: the form; leaving: Esc asked whether to drop a typed signature; revoking: r asked y/n; resigning: s asked y/n; reopening: typing why. */
export type Phase = 'editing' | 'leaving' | 'revoking' | 'resigning' | 'reopening';

export interface SignoffFormState {
  roles: string[];
  statuses: string[];
  /** Typed, not yet signed signatures by role. */
  drafts: Record<string, string>;
  /** Index into statuses; -1 until the operator chooses. */
  statusIndex: number;
  /** The status the select highlights (↑/↓); Enter chooses it. */
  highlight: number;
  override: string;
  notes: string[];
  nextSteps: string[];
  focus: number;
  phase: Phase;
  reopenReason: string;
  /**
   * Where typing goes in the focused text (a signature, the override or reopen
   * reason, the last line of Notes / Next Steps); undefined: at its end. Moving
   * to another field puts it back at the end.
   */
  cursor?: number;
  /** The form's own complaint (e.g. no status chosen); refusals of the store come from the store. */
  error?: string;
}

export type SignoffAction =
  | { type: 'type'; text: string }
  | { type: 'backspace' }
  | { type: 'enter' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'highlight'; index: number }
  /** `overrideNeeded`: recording this status needs an override reason now, so the focus goes there. */
  | { type: 'choose'; index: number; overrideNeeded: boolean }
  /** r on your signed row: ask before revoking it. */
  | { type: 'askRevoke' }
  /** s (or Enter) on your signed row whose content changed since: ask before signing it again. */
  | { type: 'askResign' }
  | { type: 'signed'; role: string }
  /** The store refused `role`'s signature: what was typed on that row goes, so it does not look pending. */
  | { type: 'refused'; role: string }
  /** A readline edit of the shared text fields (text-field-state.ts: Ctrl-U/W/K, Home/End, ←/→, Delete) on the focused text, at the cursor. */
  | { type: 'edit'; action: FieldAction }
  | { type: 'leave' }
  | { type: 'stay' }
  | { type: 'reopen' }
  | { type: 'reopened' }
  | { type: 'error'; error: string };

export interface SignoffInit {
  roles: string[];
  statuses: string[];
  session: Session;
  /** This terminal's operator: the form opens on their own draft, never another person's. */
  operator: string;
}

/** The form opened on a session: the draft kept in it when there is one, else status, override, notes and next steps as recorded. */
function initialSignoffState({ roles, statuses, session, operator }: SignoffInit): SignoffFormState {
  const lines = (text: string) => (text ? text.split('\n') : ['']);
  const draft = session.status === 'completed' ? undefined : ownSignoffDraft(session, operator);
  const status = draft ? draft.status : session.signoff.status;
  const statusIndex = status ? statuses.indexOf(status) : -1;
  return {
    roles,
    statuses,
    drafts: {},
    statusIndex,
    highlight: Math.max(0, statusIndex),
    override: draft ? (draft.overrideReason ?? '') : (session.signoff.override?.reason ?? ''),
    notes: lines(draft ? draft.notes : session.signoff.notes),
    nextSteps: lines(draft ? draft.nextSteps : session.signoff.nextSteps),
    focus: 0,
    phase: 'editing',
    reopenReason: '',
  };
}

export function chosenStatus(s: SignoffFormState): string | undefined {
  return s.statusIndex >= 0 ? s.statuses[s.statusIndex] : undefined;
}

/** The fields in focus order: one row per role, the status, the override reason, Notes, Next Steps, Complete. */
export function fieldsOf(s: Pick<SignoffFormState, 'roles'>): Field[] {
  return [
    ...s.roles.map((_r, row): Field => ({ kind: 'role', row })),
    { kind: 'status' },
    { kind: 'override' },
    { kind: 'notes' },
    { kind: 'nextSteps' },
    { kind: 'complete' },
  ];
}

export function focusedField(s: SignoffFormState): Field {
  const f = fieldsOf(s);
  return f[Math.min(s.focus, f.length - 1)];
}

/**
 * Typed signatures not recorded yet (Esc asks before dropping them). The
 * status, override reason, Notes and Next Steps are never dropped: leaving
 * keeps them in the session as a draft (draftOf).
 */
export function unsavedText(s: SignoffFormState): string[] {
  return Object.entries(s.drafts)
    .filter(([, v]) => v.trim())
    .map(([role]) => `your signature for ${role}`);
}

/** The form as the session's draft (saved when the focus leaves a field, and on Esc, q and Ctrl-C). */
export function draftOf(s: SignoffFormState): { status?: string; notes: string; nextSteps: string; overrideReason?: string } {
  const { status, ...rest } = completionOf(s);
  return { ...rest, status: status || undefined };
}

// Typed text: no control characters; single-line fields also lose line breaks.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/** Typed text for a one-line field: line breaks become spaces, control characters go. */
const typedLine = (t: string) => t.replace(/[\r\n]+/g, ' ').replace(CONTROL, '');

function editLines(lines: string[], text: string): string[] {
  const parts = text.replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n');
  const out = [...lines];
  out[out.length - 1] += parts[0];
  return [...out, ...parts.slice(1)];
}

function backspaceLines(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  if (last.length) return [...lines.slice(0, -1), last.slice(0, -1)];
  return lines.length > 1 ? lines.slice(0, -1) : lines;
}

/** The text the cursor is in, and how to put an edited one back: undefined when the focus is on no text. */
function focusedText(s: SignoffFormState): { value: string; put: (value: string) => SignoffFormState } | undefined {
  if (s.phase === 'reopening') return { value: s.reopenReason, put: (v) => ({ ...s, reopenReason: v }) };
  if (s.phase !== 'editing') return undefined;
  const f = focusedField(s);
  const lastLine = (key: 'notes' | 'nextSteps') => ({ value: s[key][s[key].length - 1], put: (v: string) => ({ ...s, [key]: [...s[key].slice(0, -1), v] }) });
  if (f.kind === 'role') {
    const role = s.roles[f.row];
    return { value: s.drafts[role] ?? '', put: (v) => ({ ...s, drafts: { ...s.drafts, [role]: v } }) };
  }
  if (f.kind === 'override') return { value: s.override, put: (v) => ({ ...s, override: v }) };
  if (f.kind === 'notes' || f.kind === 'nextSteps') return lastLine(f.kind);
  return undefined;
}

/** Where the cursor stands in the focused text (its end unless moved). */
export function cursorOf(s: SignoffFormState): number {
  const text = focusedText(s)?.value ?? '';
  return Math.min(s.cursor ?? text.length, text.length);
}

/** The shared text-field rule (text-field-state.ts) on the focused text, at the cursor. */
function edit(s: SignoffFormState, action: FieldAction): SignoffFormState {
  const text = focusedText(s);
  if (!text) return s;
  const next = editField({ value: text.value, cursor: cursorOf(s) }, action);
  return { ...text.put(next.value), cursor: next.cursor === next.value.length ? undefined : next.cursor };
}

function move(s: SignoffFormState, delta: number): SignoffFormState {
  const n = fieldsOf(s).length;
  return { ...s, focus: Math.max(0, Math.min(n - 1, s.focus + delta)), cursor: undefined, error: undefined };
}

export function signoffReducer(s: SignoffFormState, a: SignoffAction): SignoffFormState {
  switch (a.type) {
    case 'error':
      return { ...s, error: a.error };
    case 'signed': {
      const drafts = { ...s.drafts };
      delete drafts[a.role];
      return { ...s, drafts, error: undefined };
    }
    case 'refused': {
      const drafts = { ...s.drafts };
      delete drafts[a.role];
      return { ...s, drafts };
    }
    case 'leave':
      return { ...s, phase: 'leaving' };
    case 'askRevoke':
      return { ...s, phase: 'revoking', error: undefined };
    case 'askResign':
      return { ...s, phase: 'resigning', error: undefined };
    case 'highlight':
      return { ...s, highlight: a.index };
    case 'stay':
      return { ...s, phase: 'editing' };
    case 'reopen':
      return { ...s, phase: 'reopening', reopenReason: '', cursor: undefined, error: undefined };
    case 'reopened':
      return { ...s, phase: 'editing', reopenReason: '', cursor: undefined };
    case 'choose': {
      // The focus goes to the next field that needs input: the override reason when this status needs one, else Notes.
      const fields = fieldsOf(s);
      const next = fields.findIndex((f) => f.kind === (a.overrideNeeded ? 'override' : 'notes'));
      return { ...s, statusIndex: a.index, highlight: a.index, focus: next, cursor: undefined, error: undefined };
    }
  }
  if (s.phase === 'reopening') {
    if (a.type === 'edit') return edit(s, a.action);
    if (a.type === 'type') return { ...edit(s, { type: 'insert', text: typedLine(a.text) }), error: undefined };
    if (a.type === 'backspace') return edit(s, { type: 'backspace' });
    return s;
  }
  if (s.phase !== 'editing') return s;
  const f = focusedField(s);
  switch (a.type) {
    case 'type': {
      if (f.kind === 'role' || f.kind === 'override') return { ...edit(s, { type: 'insert', text: typedLine(a.text) }), error: undefined };
      if (f.kind === 'notes' || f.kind === 'nextSteps') {
        // A line break in what arrives (a paste) starts new lines: it goes at the end, where the cursor then stands.
        if (/[\r\n]/.test(a.text)) return { ...s, [f.kind]: editLines(s[f.kind], a.text), cursor: undefined, error: undefined };
        return { ...edit(s, { type: 'insert', text: a.text.replace(CONTROL, '') }), error: undefined };
      }
      return s;
    }
    case 'backspace': {
      // At the start of an empty last line, Backspace goes back to the line above.
      if ((f.kind === 'notes' || f.kind === 'nextSteps') && s[f.kind][s[f.kind].length - 1] === '') return { ...s, [f.kind]: backspaceLines(s[f.kind]), cursor: undefined };
      return edit(s, { type: 'backspace' });
    }
    case 'edit':
      return edit(s, a.action);
    case 'enter':
      // Enter adds a line in the multi-line fields (Tab / Ctrl-D move on); signing and completing are the key hook's.
      if (f.kind === 'notes') return { ...s, notes: [...s.notes, ''], cursor: undefined };
      if (f.kind === 'nextSteps') return { ...s, nextSteps: [...s.nextSteps, ''], cursor: undefined };
      return move(s, 1);
    case 'next':
      return move(s, 1);
    case 'prev':
      return move(s, -1);
  }
  return s;
}

/** What completing records, from the form. */
export function completionOf(s: SignoffFormState): { status: string; notes: string; nextSteps: string; overrideReason?: string } {
  return {
    status: chosenStatus(s) ?? '',
    notes: s.notes.join('\n').trim(),
    nextSteps: s.nextSteps.join('\n').trim(),
    overrideReason: s.override.trim() || undefined,
  };
}

/** The form's state and dispatch for a component. */
export function useSignoffState(init: SignoffInit) {
  return useReducer(signoffReducer, init, initialSignoffState);
}
