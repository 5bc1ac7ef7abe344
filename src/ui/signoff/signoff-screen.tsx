/**
 * The sign-off screen: one row per role of the checklist's Sign-off table
 * (who signed, live from the store), your own signature typed on your row,
 * the Deployment Status (ink-select-input), an override reason, Notes and Next
 * Steps, Complete. Selectors, the key map and the view only: signing,
 * revoking, completing, reopening and the report are store actions. Fits any
 * height: the focused field is always on screen.
 */
import React, { useCallback, useRef, useSyncExternalStore } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { Checklist } from '../../checklist/types.js';
import type { Session } from '../../session/schema.js';
import { completionGuard, currentCompletion, signatureStatus, signoffRoles, signoffStatuses, unsignedRoles } from '../../session/signoff.js';
import type { Completion, SignoffFeedback } from '../../store/wizard-store.js';
import { fit } from '../scroll.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { COMPLETED_HINTS, LEAVE_HINTS, REOPEN_HINTS, SIGNOFF_HINTS, STATUS_HINTS, useSignoffKeys } from './use-signoff-keys.js';
import { chosenStatus, completionOf, fieldsOf, focusedField, signoffReducer, unsavedText, useSignoffState, type SignoffAction, type SignoffFormState } from './use-signoff-state.js';

/** What the sign-off screen needs of the wizard store (the wizard's zustand store satisfies it). */
export interface SignoffStoreState {
  session: Session;
  /** The checklist being walked (for roles, statuses and item texts). */
  checklist?: Checklist;
  /** Who this terminal is: signatures are recorded with this name. */
  operator: string;
  signoff: SignoffFeedback;
  signRole(role: string, signature: string): Promise<boolean>;
  revokeRole(role: string): Promise<boolean>;
  completeSignoff(c: Completion): Promise<boolean>;
  reopenSession(reason: string): Promise<boolean>;
  clearSignoffFeedback(): void;
  /** Leave the wizard. */
  quit(): Promise<unknown> | void;
  /** Back to where the screen was opened from (Esc). */
  closeScreen?(): void;
  /** Ctrl-C: cancel, save, exit 130. */
  interrupt?(): Promise<unknown> | void;
}

export interface SignoffStoreLike {
  getState(): SignoffStoreState;
  subscribe(listener: () => void): () => void;
}

export interface SignoffScreenProps {
  store: SignoffStoreLike;
  /** Used when the store's state carries no checklist. */
  checklist?: Checklist;
  /** Whether this screen listens to keys (default true). */
  isActive?: boolean;
}

export function SignoffScreen({ store, checklist: checklistProp, isActive = true }: SignoffScreenProps) {
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const session = useSyncExternalStore(subscribe, () => store.getState().session);
  const feedback = useSyncExternalStore(subscribe, () => store.getState().signoff);
  const { operator } = store.getState();
  const checklist = store.getState().checklist ?? checklistProp;
  const roles = signoffRoles(checklist);
  const statuses = signoffStatuses(checklist);
  const [form, dispatch] = useSignoffState({ roles, statuses, session });
  // Keys can arrive faster than renders: the ref runs the same reducer ahead of React, so each key sees the last one's result.
  const formRef = useRef(form);
  formRef.current = form;
  const act = useCallback((a: SignoffAction) => {
    formRef.current = signoffReducer(formRef.current, a);
    dispatch(a);
  }, []);
  const { rows, columns } = useTerminalSize();

  const st = () => store.getState();
  useSignoffKeys(
    () => {
      const f = formRef.current;
      const doc = st().session;
      const field = focusedField(f);
      const holder = field.kind === 'role' ? doc.signoff.signatures.find((s) => s.role === roles[field.row])?.name : undefined;
      return {
        phase: f.phase,
        field,
        completed: doc.status === 'completed',
        rowHolder: holder === undefined ? undefined : holder === operator ? 'me' : 'other',
        dirty: unsavedText(f, doc).length > 0,
      };
    },
    act,
    {
      sign: (typed = '') => {
        const f = focusedField(formRef.current);
        if (f.kind !== 'role') return;
        const role = roles[f.row];
        const text = (formRef.current.drafts[role] ?? '') + typed;
        if (!text.trim()) return act({ type: 'error', error: `type your signature for ${role} first; it is recorded with your name, ${operator}` });
        void st().signRole(role, text).then((ok) => ok && act({ type: 'signed', role }));
      },
      revoke: () => {
        const f = focusedField(formRef.current);
        if (f.kind === 'role') void st().revokeRole(roles[f.row]);
      },
      complete: () => {
        if (!chosenStatus(formRef.current)) return act({ type: 'error', error: 'choose a Deployment Status first (Shift-Tab to it, ↑/↓ and Enter)' });
        void st().completeSignoff(completionOf(formRef.current));
      },
      reopen: () => {
        const reason = formRef.current.reopenReason;
        if (!reason.trim()) return act({ type: 'error', error: 'type why the session must change before reopening it' });
        void st().reopenSession(reason).then((ok) => ok && act({ type: 'reopened' }));
      },
      back: () => {
        st().clearSignoffFeedback();
        st().closeScreen?.();
      },
      quit: () => void st().quit(),
      interrupt: () => void (st().interrupt ?? st().quit)(),
    },
    isActive,
  );

  return (
    <SignoffView
      form={form}
      session={session}
      checklist={checklist}
      operator={operator}
      feedback={feedback}
      rows={rows}
      columns={columns}
      onStatus={(index) => act({ type: 'choose', index })}
      isActive={isActive}
    />
  );
}

interface ViewProps {
  form: SignoffFormState;
  session: Session;
  checklist?: Checklist;
  operator: string;
  feedback: SignoffFeedback;
  /** Terminal size: the body scrolls to keep the focused field on screen. */
  rows: number;
  columns: number;
  onStatus(index: number): void;
  isActive: boolean;
}

/** One piece of the body: its height in lines is known, so the window can be computed. */
interface Block {
  key: string;
  height: number;
  focused?: boolean;
  node: React.ReactNode;
}

/** Column widths of the signature table; the mark takes what is left. */
const COL = { pointer: 2, role: 18, name: 18, signature: 14, date: 12 };

function pad(text: string, width: number): string {
  return fit(text, width - 1).padEnd(width);
}

const YOU = ' (you)';

/** A name for the Name column: a long name is cut, never the " (you)" that says whose row it is. */
export function nameCell(name: string, you: boolean): string {
  return you ? fit(name, COL.name - 1 - YOU.length) + YOU : name;
}

/** Which blocks fit in `height` lines with the focused one fully shown. */
export function visibleBlocks(blocks: Block[], height: number): { start: number; end: number } {
  const focus = Math.max(0, blocks.findIndex((b) => b.focused));
  let start = 0;
  const used = (a: number, b: number) => blocks.slice(a, b).reduce((n, x) => n + x.height, 0);
  while (start < focus && used(start, focus + 1) > height) start++;
  let end = focus + 1;
  while (end < blocks.length && used(start, end + 1) <= height) end++;
  // Room left above (focus near the end): show earlier blocks too.
  while (start > 0 && used(start - 1, end) <= height) start--;
  return { start, end };
}

/** The screen's rendering, from the form, the session and the store's feedback alone. */
export function SignoffView({ form, session, checklist, operator, feedback, rows, columns, onStatus, isActive }: ViewProps) {
  const focus = focusedField(form);
  const editing = form.phase === 'editing';
  const completed = session.status === 'completed';
  const is = (kind: string, row?: number) => editing && !completed && focus.kind === kind && (row === undefined || ('row' in focus && focus.row === row));
  const checks = new Map(signatureStatus(session).map((c) => [c.role, c]));
  const ids = checklist?.items.map((i) => i.id) ?? Object.keys(session.items);
  const settled = ids.filter((id) => (session.items[id]?.state ?? 'pending') !== 'pending').length;
  const failed = ids.filter((id) => session.items[id]?.state === 'failed').length;
  const unsigned = unsignedRoles(session, form.roles);
  const status = chosenStatus(form);
  const guard = status ? completionGuard(session, checklist, status) : undefined;
  const overrideWhy = [...(unsigned.length ? [`${unsigned.length} of ${form.roles.length} roles not signed (${unsigned.join(', ')})`] : []), ...(guard?.reasons ?? [])];
  const width = Math.max(40, columns);
  const markWidth = Math.max(4, width - COL.pointer - COL.role - COL.name - COL.signature - COL.date);

  const blocks: Block[] = [];
  blocks.push({
    key: 'head',
    height: 1,
    node: <Text underline>{pad('', COL.pointer) + pad('Role', COL.role) + pad('Name', COL.name) + pad('Signature', COL.signature) + pad('Date', COL.date) + fit('Valid', markWidth)}</Text>,
  });
  form.roles.forEach((role, i) => {
    const sig = session.signoff.signatures.find((s) => s.role === role);
    const focused = is('role', i);
    const draft = form.drafts[role] ?? '';
    let name: string;
    let signature: string;
    let date = '';
    let mark = '';
    if (sig) {
      name = nameCell(sig.name, sig.name === operator);
      signature = sig.signature;
      date = sig.date.slice(0, 10);
      mark = checks.get(role)?.status === 'valid' ? '✓' : '⚠ re-sign needed';
    } else {
      name = focused || draft ? nameCell(operator, true) : '—';
      signature = focused ? `${draft}▌` : draft ? `${draft} (not signed)` : '';
    }
    // Padded text, not boxes: every row lines up at any width.
    const line = pad(focused ? '›' : '', COL.pointer) + pad(role, COL.role) + pad(name, COL.name) + pad(signature, COL.signature) + pad(date, COL.date);
    blocks.push({
      key: `role-${role}`,
      height: 1,
      focused,
      node: (
        <Text wrap="truncate">
          <Text color={focused ? 'cyan' : undefined} bold={focused}>
            {line}
          </Text>
          <Text color={mark === '✓' ? 'green' : 'yellow'}>{fit(mark, markWidth)}</Text>
        </Text>
      ),
    });
  });

  if (completed) {
    const c = currentCompletion(session);
    blocks.push({
      key: 'completed',
      height: 2,
      node: (
        <Box flexDirection="column" marginTop={1}>
          <Text color="green" wrap="truncate">
            ✓ Completed{c?.status ? `: ${c.status}` : ''} by {c?.by} at {c?.at.replace('T', ' ').slice(0, 16)} UTC — the session is read-only
          </Text>
        </Box>
      ),
    });
    if (session.signoff.override) {
      blocks.push({ key: 'override-done', height: 1, node: <Text wrap="truncate">  Override by {session.signoff.override.by}: {session.signoff.override.reason}</Text> });
    }
    if (form.phase === 'reopening') {
      blocks.push({
        key: 'reopen',
        height: 1,
        focused: true,
        node: (
          <Text wrap="truncate">
            <Text bold>› Reopen because: </Text>
            <Text inverse>{fit(`${form.reopenReason}▌`, width - 20)}</Text>
          </Text>
        ),
      });
    }
  } else {
    const statusFocused = is('status');
    blocks.push({
      key: 'status',
      height: statusFocused ? 2 + form.statuses.length : 2,
      focused: statusFocused,
      node: (
        <Box flexDirection="column" marginTop={1}>
          <Text bold={statusFocused} wrap="truncate">
            {statusFocused ? '› ' : '  '}Deployment Status: {status ?? <Text dimColor>not chosen</Text>}
          </Text>
          {statusFocused ? (
            <Box marginLeft={4}>
              <SelectInput
                items={form.statuses.map((s, i) => ({ label: s, value: i }))}
                initialIndex={Math.max(0, form.statusIndex)}
                isFocused={isActive && statusFocused}
                onSelect={(item) => onStatus(item.value)}
              />
            </Box>
          ) : null}
        </Box>
      ),
    });
    const overrideFocused = is('override');
    const needed = Boolean(status) && overrideWhy.length > 0;
    const shownWhy = needed ? overrideWhy : [];
    blocks.push({
      key: 'override',
      height: 1 + shownWhy.length,
      focused: overrideFocused,
      node: (
        <Box flexDirection="column">
          <Text bold={overrideFocused} wrap="truncate">
            {overrideFocused ? '› ' : '  '}Override reason{needed ? <Text color="yellow"> (required)</Text> : <Text dimColor> (not needed)</Text>}:{' '}
            <Text inverse={overrideFocused}>{fit(overrideFocused ? `${form.override}▌` : form.override, width - 32)}</Text>
          </Text>
          {shownWhy.map((r) => (
            <Text key={r} color="yellow" wrap="truncate">
              {'    ⚠ '}
              {r}
            </Text>
          ))}
        </Box>
      ),
    });
    for (const [key, label, lines] of [
      ['notes', 'Notes', form.notes],
      ['nextSteps', 'Next Steps', form.nextSteps],
    ] as const) {
      const focused = is(key);
      blocks.push({
        key,
        height: 1 + lines.length,
        focused,
        node: (
          <Box flexDirection="column">
            <Text bold={focused} wrap="truncate">
              {focused ? '› ' : '  '}
              {label}
              <Text dimColor> (Enter adds a line · Tab next)</Text>
            </Text>
            {lines.map((l, i) => (
              <Text key={i} wrap="truncate">
                {'    '}
                {l}
                {focused && i === lines.length - 1 ? '▌' : ''}
              </Text>
            ))}
          </Box>
        ),
      });
    }
    const completeFocused = is('complete');
    blocks.push({
      key: 'complete',
      height: 1,
      focused: completeFocused,
      node: (
        <Text wrap="truncate">
          <Text inverse={completeFocused} bold>
            {completeFocused ? '› ' : '  '}[ Complete sign-off ]
          </Text>
          {completeFocused ? <Text dimColor> Enter records the status; the session becomes read-only</Text> : null}
        </Text>
      ),
    });
  }

  // Title, counts and the two footer lines always show; the body scrolls.
  const bodyHeight = Math.max(3, rows - 5);
  const { start, end } = visibleBlocks(blocks, bodyHeight);
  const hidden = start > 0 || end < blocks.length;
  const message = form.error ?? feedback.error;
  const hints =
    form.phase === 'leaving'
      ? LEAVE_HINTS
      : form.phase === 'reopening'
        ? REOPEN_HINTS
        : completed
          ? COMPLETED_HINTS
          : focus.kind === 'status'
            ? STATUS_HINTS
            : SIGNOFF_HINTS;

  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        Sign-off · {session.environment} · {session.id}
      </Text>
      <Text dimColor wrap="truncate">
        {settled} of {ids.length} items settled{failed ? ` · ${failed} failed` : ''} · {form.roles.length - unsigned.length}/{form.roles.length} roles signed · you are {operator}
      </Text>
      <Box flexDirection="column" height={bodyHeight}>
        {blocks.slice(start, end).map((b) => (
          <React.Fragment key={b.key}>{b.node}</React.Fragment>
        ))}
      </Box>
      {form.phase === 'leaving' ? (
        <Text color="yellow" wrap="truncate">
          Leave without {unsavedText(form, session).join(', ')}? It is not recorded yet.
        </Text>
      ) : message ? (
        <Text color="red" wrap="truncate">
          ✗ {message}
        </Text>
      ) : feedback.busy ? (
        <Text wrap="truncate">Saving…</Text>
      ) : feedback.notice || feedback.reportPath || feedback.reportError ? (
        <Text color={feedback.reportError ? 'yellow' : 'green'} wrap="truncate">
          {feedback.notice ? `✓ ${feedback.notice}` : ''}
          {feedback.reportPath ? ` · report: ${feedback.reportPath}` : ''}
          {feedback.reportError ? ` · report not written: ${feedback.reportError}` : ''}
        </Text>
      ) : (
        <Text> </Text>
      )}
      <Text dimColor wrap="truncate">
        {hints.join(' · ')}
        {hidden ? ' · ↑↓ more' : ''}
        {editing && !completed ? ` · ${Math.min(form.focus, fieldsOf(form).length - 1) + 1}/${fieldsOf(form).length}` : ''}
      </Text>
    </Box>
  );
}
