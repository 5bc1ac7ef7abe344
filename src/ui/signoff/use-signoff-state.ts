/**
 * The sign-off form as a pure reducer with named actions: one row per role
 * (name, typed signature), a Deployment Status chosen from the document's
 * choices, an override reason when SUCCESS is blocked, Notes and Next Steps
 * as multi-line text. Side effects (applying changes, writing the report)
 * happen in the screen once the form reaches `submitting`.
 */
import { useReducer } from 'react';
import type { Session } from '../../session/schema.js';
import { isSuccessStatus } from '../../session/signoff.js';

export interface SignerRow {
  role: string;
  name: string;
  signature: string;
  /** Typed in this form (a stored, untouched signature is not signed again). */
  edited: boolean;
  /** Whether the session held a signature for this role when the form opened. */
  stored: boolean;
}

export type Field =
  | { kind: 'name'; row: number }
  | { kind: 'signature'; row: number }
  | { kind: 'status' }
  | { kind: 'override' }
  | { kind: 'notes' }
  | { kind: 'nextSteps' }
  | { kind: 'confirm' };

export type Phase = 'editing' | 'submitting' | 'done';

export interface SignoffFormState {
  rows: SignerRow[];
  statuses: string[];
  /** Index into statuses; -1 until the operator chooses. */
  statusIndex: number;
  override: string;
  notes: string[];
  nextSteps: string[];
  /** Why SUCCESS is blocked (from completionGuard); empty when it is not. */
  blockedReasons: string[];
  focus: number;
  phase: Phase;
  error?: string;
  /** Where the report was written, once done. */
  reportPath?: string;
  /** Set when writing the report failed (the sign-off itself is saved). */
  reportError?: string;
}

export type SignoffAction =
  | { type: 'type'; text: string }
  | { type: 'backspace' }
  | { type: 'enter' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'choose'; delta: number }
  | { type: 'blocked'; reasons: string[] }
  | { type: 'done'; reportPath?: string; reportError?: string }
  | { type: 'failed'; error: string };

export interface SignoffInit {
  roles: string[];
  statuses: string[];
  session: Session;
  blockedReasons: string[];
}

/** The form opened on a session: stored signatures, status, notes and next steps prefilled. */
export function initialSignoffState({ roles, statuses, session, blockedReasons }: SignoffInit): SignoffFormState {
  const sigs = session.signoff.signatures;
  const allRoles = [...roles, ...sigs.map((s) => s.role).filter((r) => !roles.includes(r))];
  const lines = (text: string) => (text ? text.split('\n') : ['']);
  return {
    rows: allRoles.map((role) => {
      const s = sigs.find((x) => x.role === role);
      return { role, name: s?.name ?? '', signature: s?.signature ?? '', edited: false, stored: Boolean(s) };
    }),
    statuses,
    statusIndex: session.signoff.status ? statuses.indexOf(session.signoff.status) : -1,
    override: session.signoff.override?.reason ?? '',
    notes: lines(session.signoff.notes),
    nextSteps: lines(session.signoff.nextSteps),
    blockedReasons,
    focus: 0,
    phase: 'editing',
  };
}

export function chosenStatus(s: SignoffFormState): string | undefined {
  return s.statusIndex >= 0 ? s.statuses[s.statusIndex] : undefined;
}

/** SUCCESS chosen while the guard rail blocks it: the override field appears. */
export function needsOverride(s: SignoffFormState): boolean {
  const st = chosenStatus(s);
  return Boolean(st && isSuccessStatus(st) && s.blockedReasons.length);
}

/** The fields in focus order (the override field only when it is needed). */
export function fieldsOf(s: SignoffFormState): Field[] {
  return [
    ...s.rows.flatMap((_r, row): Field[] => [
      { kind: 'name', row },
      { kind: 'signature', row },
    ]),
    { kind: 'status' },
    ...(needsOverride(s) ? [{ kind: 'override' } as Field] : []),
    { kind: 'notes' },
    { kind: 'nextSteps' },
    { kind: 'confirm' },
  ];
}

export function focusedField(s: SignoffFormState): Field {
  const f = fieldsOf(s);
  return f[Math.min(s.focus, f.length - 1)];
}

function indexOf(s: SignoffFormState, kind: Field['kind']): number {
  return fieldsOf(s).findIndex((f) => f.kind === kind);
}

// Typed text: no control characters; single-line fields also lose line breaks.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

function editRow(s: SignoffFormState, row: number, key: 'name' | 'signature', edit: (v: string) => string): SignoffFormState {
  const rows = s.rows.map((r, i) => (i === row ? { ...r, [key]: edit(r[key]), edited: true } : r));
  return { ...s, rows, error: undefined };
}

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

function move(s: SignoffFormState, delta: number): SignoffFormState {
  const n = fieldsOf(s).length;
  return { ...s, focus: Math.max(0, Math.min(n - 1, s.focus + delta)), error: undefined };
}

/** Check the whole form; an error line and the field to fix, or nothing. */
export function validate(s: SignoffFormState): { error: string; focus: number } | undefined {
  for (const [i, r] of s.rows.entries()) {
    if (r.name.trim() && !r.signature.trim()) return { error: `${r.role}: type a signature (or clear the name)`, focus: i * 2 + 1 };
    if (!r.name.trim() && r.signature.trim()) return { error: `${r.role}: type a name (or clear the signature)`, focus: i * 2 };
  }
  if (s.statusIndex < 0) return { error: 'choose a Deployment Status with ←/→', focus: indexOf(s, 'status') };
  if (needsOverride(s) && !s.override.trim())
    return { error: `${chosenStatus(s)} is blocked: type an override reason, or choose another status`, focus: indexOf(s, 'override') };
  return undefined;
}

export function signoffReducer(s: SignoffFormState, a: SignoffAction): SignoffFormState {
  if (a.type === 'done') return { ...s, phase: 'done', reportPath: a.reportPath, reportError: a.reportError };
  if (a.type === 'failed') return { ...s, phase: 'editing', error: a.error };
  if (a.type === 'blocked') return { ...s, blockedReasons: a.reasons };
  if (s.phase !== 'editing') return s;
  const f = focusedField(s);
  switch (a.type) {
    case 'type': {
      if (f.kind === 'name' || f.kind === 'signature') {
        const t = a.text.replace(/[\r\n]+/g, ' ').replace(CONTROL, '');
        return editRow(s, f.row, f.kind, (v) => v + t);
      }
      if (f.kind === 'override') return { ...s, override: s.override + a.text.replace(/[\r\n]+/g, ' ').replace(CONTROL, ''), error: undefined };
      if (f.kind === 'notes') return { ...s, notes: editLines(s.notes, a.text), error: undefined };
      if (f.kind === 'nextSteps') return { ...s, nextSteps: editLines(s.nextSteps, a.text), error: undefined };
      return s;
    }
    case 'backspace': {
      if (f.kind === 'name' || f.kind === 'signature') return editRow(s, f.row, f.kind, (v) => v.slice(0, -1));
      if (f.kind === 'override') return { ...s, override: s.override.slice(0, -1) };
      if (f.kind === 'notes') return { ...s, notes: backspaceLines(s.notes) };
      if (f.kind === 'nextSteps') return { ...s, nextSteps: backspaceLines(s.nextSteps) };
      return s;
    }
    case 'enter': {
      // Enter adds a line in the multi-line fields (Tab / Ctrl-D move on).
      if (f.kind === 'notes') return { ...s, notes: [...s.notes, ''] };
      if (f.kind === 'nextSteps') return { ...s, nextSteps: [...s.nextSteps, ''] };
      if (f.kind === 'status' && s.statusIndex < 0) return { ...s, error: 'choose a Deployment Status with ←/→' };
      if (f.kind === 'confirm') {
        const bad = validate(s);
        return bad ? { ...s, error: bad.error, focus: bad.focus } : { ...s, phase: 'submitting', error: undefined };
      }
      return move(s, 1);
    }
    case 'next':
      return move(s, 1);
    case 'prev':
      return move(s, -1);
    case 'choose': {
      if (f.kind !== 'status') return s;
      const n = s.statuses.length;
      const i = s.statusIndex < 0 ? (a.delta > 0 ? 0 : n - 1) : (s.statusIndex + a.delta + n) % n;
      return { ...s, statusIndex: i, error: undefined };
    }
  }
  return s;
}

/** What to record on completion: one sign per new or edited signer, then the completion. */
export function completionOf(s: SignoffFormState): {
  signs: Array<{ role: string; name: string; signature: string }>;
  status: string;
  notes: string;
  nextSteps: string;
  overrideReason?: string;
} {
  const text = (lines: string[]) => lines.join('\n').trim();
  return {
    signs: s.rows.filter((r) => r.name.trim() && r.signature.trim() && (r.edited || !r.stored)).map((r) => ({ role: r.role, name: r.name.trim(), signature: r.signature.trim() })),
    status: chosenStatus(s) ?? '',
    notes: text(s.notes),
    nextSteps: text(s.nextSteps),
    overrideReason: needsOverride(s) ? s.override.trim() : undefined,
  };
}

/** The form's state and dispatch for a component. */
export function useSignoffState(init: SignoffInit) {
  return useReducer(signoffReducer, init, initialSignoffState);
}
