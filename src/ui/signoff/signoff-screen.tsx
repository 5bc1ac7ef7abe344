/**
 * The sign-off screen: one row per role of the checklist's Sign-off table
 * (who signed, live from the store), your own signature typed on your row,
 * the Deployment Status (ink-select-input), an override reason, Notes and Next
 * Steps, Complete. Selectors, the key map and the view only: signing,
 * revoking, completing, reopening, the draft and the report are store
 * actions. Fits any size: below 80 columns the table shortens its Date and
 * Valid columns, long messages wrap, and the focused field is always on screen.
 */
import React, { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { Checklist } from '../../checklist/types.js';
import type { Session } from '../../session/schema.js';
import { currentCompletion, overrideReasons, signatureStatus, signoffRoles, signoffStatuses, unsignedRoles } from '../../session/signoff.js';
import type { Completion, SignoffDraft, SignoffFeedback, SigningKeyState } from '../../store/wizard-store.js';
import { progressBreakdown, progressOf, progressText } from '../../verdict/items.js';
import { Footer, footerHeight } from '../footer.js';
import { wrapLine } from '../item-detail.js';
import { fit, fitEnd } from '../scroll.js';
import { clipAfter, clipEnd } from '../../text/clip.js';
import { teamLine, type TeamStatus } from '../../store/wizard-store.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { signoffHints, useSignoffKeys } from './use-signoff-keys.js';
import { chosenStatus, completionOf, cursorOf, draftOf, fieldsOf, focusedField, signoffReducer, unsavedText, useSignoffState, type SignoffAction, type SignoffFormState } from './use-signoff-state.js';

/** What the sign-off screen needs of the wizard store (the wizard's zustand store satisfies it). */
interface SignoffStoreState {
  session: Session;
  /** The checklist being walked (for roles, statuses and item texts). */
  checklist?: Checklist;
  /** Who this terminal is: signatures are recorded with this name. */
  operator: string;
  signoff: SignoffFeedback;
  /** This terminal's signing key (src/store/signoff-slice.ts). */
  signingKey?: SigningKeyState;
  signRole(role: string, signature: string): Promise<boolean>;
  revokeRole(role: string): Promise<boolean>;
  /** Sign `role` again (this operator's own, outgrown signature) over the session as it is now. */
  resignRole(role: string): Promise<boolean>;
  completeSignoff(c: Completion): Promise<boolean>;
  reopenSession(reason: string): Promise<boolean>;
  /** Keep the form in the session as a draft (nothing is written when it is unchanged). */
  saveSignoffDraft(d: SignoffDraft): Promise<void>;
  clearSignoffFeedback(only?: 'error'): void;
  /** Team mode: the session's presence and connection (the wizard store's `team`). */
  team?: TeamStatus;
  /** Leave the wizard. */
  quit(): Promise<unknown> | void;
  /** Back to where the screen was opened from (Esc). */
  closeScreen?(): void;
  /** Ctrl-C: cancel, save, exit 130. */
  interrupt?(): Promise<unknown> | void;
  /** Register what to hand over before any exit saves (q, Ctrl-C, SIGTERM, SIGHUP); returns the unregistration. */
  onLeaving?(handOver: () => Promise<unknown> | void): () => void;
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
  // Team mode: who is here and whether this terminal is offline, as on every other screen.
  const team = useSyncExternalStore(subscribe, () => store.getState().team);
  const { operator } = store.getState();
  const checklist = store.getState().checklist ?? checklistProp;
  const roles = signoffRoles(checklist);
  const statuses = signoffStatuses(checklist);
  const [form, dispatch] = useSignoffState({ roles, statuses, session, operator });
  const st = () => store.getState();
  // Keys can arrive faster than renders: the ref runs the same reducer ahead of React, so each key sees the last one's result.
  const formRef = useRef(form);
  formRef.current = form;
  const act = useCallback(
    (a: SignoffAction) => {
      const before = formRef.current;
      formRef.current = signoffReducer(before, a);
      dispatch(a);
      if (formRef.current.focus === before.focus && a.type !== 'choose') return;
      // The focus moved on: an old refusal no longer applies, and what the form holds is kept in the session.
      if (store.getState().signoff.error) store.getState().clearSignoffFeedback('error');
      void store.getState().saveSignoffDraft(draftOf(formRef.current));
    },
    [store],
  );
  // Every way out (q, Ctrl-C, SIGTERM, SIGHUP) keeps what the form holds in the session as its draft first.
  useEffect(() => store.getState().onLeaving?.(() => store.getState().saveSignoffDraft(draftOf(formRef.current))), [store]);
  const { rows, columns } = useTerminalSize();

  useSignoffKeys(
    () => {
      const f = formRef.current;
      const doc = st().session;
      const field = focusedField(f);
      return {
        phase: f.phase,
        field,
        completed: doc.status === 'completed',
        rowHolder: field.kind === 'role' ? holderOf(doc, roles[field.row], operator) : undefined,
        rowStale: field.kind === 'role' && isStale(doc, roles[field.row], operator),
        dirty: unsavedText(f).length > 0,
      };
    },
    act,
    {
      sign: () => {
        const f = focusedField(formRef.current);
        if (f.kind !== 'role') return;
        const role = roles[f.row];
        const text = formRef.current.drafts[role] ?? '';
        if (!text.trim()) return act({ type: 'error', error: `type your signature for ${role} first; it is recorded with your name, ${operator}` });
        // Refused (e.g. a second role not allowed): the typed signature goes with the refusal, never left as "(not signed)".
        void st().signRole(role, text).then((ok) => act({ type: ok ? 'signed' : 'refused', role }));
      },
      revoke: () => {
        const f = focusedField(formRef.current);
        if (f.kind === 'role') void st().revokeRole(roles[f.row]);
      },
      resign: () => {
        const f = focusedField(formRef.current);
        if (f.kind === 'role') void st().resignRole(roles[f.row]);
      },
      choose: () => {
        const index = formRef.current.highlight;
        const overrideNeeded = overrideReasons(st().session, checklist, statuses[index]).length > 0;
        act({ type: 'choose', index, overrideNeeded });
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
        void st().saveSignoffDraft(draftOf(formRef.current));
        st().clearSignoffFeedback();
        st().closeScreen?.();
      },
      quit: () => void st().quit(),
      // The draft is handed over by the store's way out (onLeaving above).
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
      keyLine={keyLine(session, store.getState().signingKey)}
      feedback={feedback}
      team={team}
      rows={rows}
      columns={columns}
      onHighlight={(index) => act({ type: 'highlight', index })}
      isActive={isActive}
    />
  );
}

/** The line under the counts: the key that will sign, why there is none, or that signatures here are names. */
function keyLine(session: Session, k: SigningKeyState | undefined): { text: string; warn?: boolean } | undefined {
  // The fingerprint whole at 80 columns for a short principal: the source comes last, shortened.
  if (k?.principal) return { text: `🔑 ${k.principal} ${k.fingerprint} · ${k.source === 'ssh-agent' ? 'agent' : (k.source ?? '').split('/').pop()}` };
  const required = session.signing?.required;
  if (k?.problem) return { text: `${required ? '⚠ signatures required, ' : ''}no key: ${k.problem}`, warn: true };
  if (session.signing) return { text: required ? '⚠ signatures required and this terminal has no key' : 'no key here: names, not signatures', warn: Boolean(required) };
  return undefined;
}

/** `role` is signed by this operator and the session changed since (its signature needs signing again). */
function isStale(session: Session, role: string | undefined, operator: string): boolean {
  const check = signatureStatus(session).find((c) => c.role === role);
  return check !== undefined && check.name === operator && check.status === 'changed';
}

/** Who holds `role`: this terminal's operator, someone else, or nobody yet. */
function holderOf(session: Session, role: string | undefined, operator: string): 'me' | 'other' | undefined {
  const holder = session.signoff.signatures.find((s) => s.role === role)?.name;
  return holder === undefined ? undefined : holder === operator ? 'me' : 'other';
}

interface ViewProps {
  form: SignoffFormState;
  session: Session;
  checklist?: Checklist;
  operator: string;
  /** Whose key signs here (principal, fingerprint), or "names, not signatures" (src/signing/). */
  keyLine?: { text: string; warn?: boolean };
  feedback: SignoffFeedback;
  /** Team mode: presence and the OFFLINE line. */
  team?: TeamStatus;
  /** Terminal size: the body scrolls to keep the focused field on screen. */
  rows: number;
  columns: number;
  /** The select's highlight moved (Enter on the status chooses it: see use-signoff-keys.ts). */
  onHighlight(index: number): void;
  isActive: boolean;
}

/** One piece of the body: its height in lines is known, so the window can be computed. */
interface Block {
  key: string;
  height: number;
  focused?: boolean;
  node: React.ReactNode;
}

/** Column widths of the signature table at a terminal width. */
interface TableColumns {
  pointer: number;
  role: number;
  name: number;
  signature: number;
  date: number;
  mark: number;
  /** Below 80 columns: the date is MM-DD and the validity one mark (✓ or ⚠). */
  narrow: boolean;
}

/** The table's columns: at 80 and wider as they always were; narrower, Date and Valid shrink first, then the rest share. */
function tableColumns(width: number): TableColumns {
  if (width >= 80) return { pointer: 2, role: 18, name: 18, signature: 14, date: 12, mark: Math.max(4, width - 64), narrow: false };
  // One column spare: a line exactly as wide as the terminal may wrap in some terminals.
  const rest = Math.max(15, width - 2 - 6 - 1 - 1);
  const role = Math.floor(rest * 0.36);
  const name = Math.floor(rest * 0.36);
  return { pointer: 2, role, name, signature: rest - role - name, date: 6, mark: 1, narrow: true };
}

function pad(text: string, width: number): string {
  return fit(text, width - 1).padEnd(width);
}

const YOU = ' (you)';

/** The focused text with the bar where typing goes. */
function withBar(text: string, cursor: number): string {
  return `${text.slice(0, cursor)}▌${text.slice(cursor)}`;
}

/** A name for the Name column: a long name is cut, never the " (you)" that says whose row it is. */
function nameCell(name: string, you: boolean, width = tableColumns(80).name): string {
  return you ? fit(name, width - 1 - YOU.length) + YOU : name;
}

/** Which blocks fit in `height` lines with the focused one fully shown. */
function visibleBlocks(blocks: Block[], height: number): { start: number; end: number } {
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

/** `text` wrapped to `width` (continuation rows indented by `indent`), each row one line. */
function wrapped(text: string, width: number, indent = 0): string[] {
  return wrapLine({ text, tone: 'plain', indent }, width).map((r) => r.text);
}

/** A message under the body: its rows, already wrapped, and its colour. */
interface MessageLines {
  rows: string[];
  color?: string;
}

/** What the line(s) under the body say: a question, a refusal, progress, or what happened and where the report went. */
function messageLines(form: SignoffFormState, feedback: SignoffFeedback, width: number): MessageLines[] {
  const focus = focusedField(form);
  if (form.phase === 'leaving') return [{ rows: wrapped(`Leave without ${unsavedText(form).join(', ')}? It is not recorded yet. Esc/y: back to the checklist · q: quit the wizard · any other key: stay.`, width), color: 'yellow' }];
  if (form.phase === 'revoking' && focus.kind === 'role') return [{ rows: wrapped(`Revoke your ${form.roles[focus.row]} signature? y/n`, width), color: 'yellow' }];
  if (form.phase === 'resigning' && focus.kind === 'role') return [{ rows: wrapped(`Sign ${form.roles[focus.row]} again over the session as it is now (the same signature)? y/n`, width), color: 'yellow' }];
  const error = form.error ?? feedback.error;
  if (error) return [{ rows: wrapped(`✗ ${error}`, width, 2), color: 'red' }];
  if (feedback.busy) return [{ rows: ['Saving…'] }];
  const out: MessageLines[] = [];
  if (feedback.notice) out.push({ rows: wrapped(`✓ ${feedback.notice}`, width, 2), color: 'green' });
  // The report path is shown whole (it is what one copies), on its own line.
  if (feedback.reportPath) {
    const line = `report: ${feedback.reportPath}`;
    out.push({ rows: line.length <= width ? [line] : ['report:', ...wrapped(feedback.reportPath, width)], color: 'green' });
  }
  if (feedback.reportError) out.push({ rows: wrapped(`report not written: ${feedback.reportError}`, width, 2), color: 'yellow' });
  return out.length ? out : [{ rows: [' '] }];
}

/** The screen's rendering, from the form, the session and the store's feedback alone. */
function SignoffView({ form, session, checklist, operator, keyLine: key, feedback, team, rows, columns, onHighlight, isActive }: ViewProps) {
  const focus = focusedField(form);
  const cursor = cursorOf(form);
  const editing = form.phase === 'editing';
  const completed = session.status === 'completed';
  const is = (kind: string, row?: number) => (editing || form.phase === 'revoking' || form.phase === 'resigning') && !completed && focus.kind === kind && (row === undefined || ('row' in focus && focus.row === row));
  const checks = new Map(signatureStatus(session).map((c) => [c.role, c]));
  const ids = checklist?.items.map((i) => i.id) ?? Object.keys(session.items);
  // The counts everyone shows (overview, list, report): a failed item is apart, never settled.
  const progress = progressOf(session, ids);
  const unsigned = unsignedRoles(session, form.roles);
  const status = chosenStatus(form);
  const overrideWhy = status ? overrideReasons(session, checklist, status) : [];
  const width = Math.max(40, columns);
  const col = tableColumns(width);

  const blocks: Block[] = [];
  blocks.push({
    key: 'head',
    height: 1,
    node: (
      <Text underline wrap="truncate">
        {pad('', col.pointer) + pad('Role', col.role) + pad('Name', col.name) + pad('Signature', col.signature) + pad('Date', col.date) + (col.narrow ? '✓' : fit('Valid', col.mark))}
      </Text>
    ),
  });
  let changed = false;
  form.roles.forEach((role, i) => {
    const sig = session.signoff.signatures.find((s) => s.role === role);
    const focused = is('role', i);
    const draft = form.drafts[role] ?? '';
    let name: string;
    let signature: string;
    let date = '';
    let mark = '';
    if (sig) {
      const valid = checks.get(role)?.status === 'valid';
      changed ||= !valid;
      name = nameCell(sig.name, sig.name === operator, col.name);
      signature = sig.signature;
      date = col.narrow ? sig.date.slice(5, 10) : sig.date.slice(0, 10);
      mark = valid ? '✓' : col.narrow ? '⚠' : '⚠ re-sign needed';
    } else {
      name = focused || draft ? nameCell(operator, true, col.name) : '—';
      signature = focused ? fitEnd(withBar(draft, cursor), col.signature - 1) : draft ? `${draft} (not signed)` : '';
    }
    // Padded text, not boxes: every row lines up at any width.
    const line = pad(focused ? '›' : '', col.pointer) + pad(role, col.role) + pad(name, col.name) + pad(signature, col.signature) + pad(date, col.date);
    blocks.push({
      key: `role-${role}`,
      height: 1,
      focused,
      node: (
        <Text wrap="truncate">
          <Text color={focused ? 'cyan' : undefined} bold={focused}>
            {mark ? line : line.trimEnd()}
          </Text>
          {mark ? <Text color={mark === '✓' ? 'green' : 'yellow'}>{fit(mark, col.mark)}</Text> : null}
        </Text>
      ),
    });
  });
  if (col.narrow && changed) {
    blocks.push({ key: 'legend', height: 1, node: <Text color="yellow" wrap="truncate">{'  ⚠ changed since it was signed: re-sign needed'}</Text> });
  }

  if (completed) {
    const c = currentCompletion(session);
    const done = wrapped(`✓ Completed${c?.status ? `: ${c.status}` : ''} by ${c?.by} at ${c?.at.replace('T', ' ').slice(0, 16)} UTC — the session is read-only`, width, 2);
    blocks.push({
      key: 'completed',
      height: 1 + done.length,
      node: (
        <Box flexDirection="column" marginTop={1}>
          {done.map((l, i) => (
            <Text key={i} color="green" wrap="truncate">
              {l}
            </Text>
          ))}
        </Box>
      ),
    });
    if (session.signoff.override) {
      const lines = wrapped(`  Override by ${session.signoff.override.by}: ${session.signoff.override.reason}`, width, 4);
      blocks.push({
        key: 'override-done',
        height: lines.length,
        node: (
          <Box flexDirection="column">
            {lines.map((l, i) => (
              <Text key={i} wrap="truncate">
                {l}
              </Text>
            ))}
          </Box>
        ),
      });
    }
    if (form.phase === 'reopening') {
      const label = '› Reopen because: ';
      blocks.push({
        key: 'reopen',
        height: 1,
        focused: true,
        node: (
          <Text wrap="truncate">
            <Text bold>{label}</Text>
            <Text inverse>{fitEnd(withBar(form.reopenReason, cursor), width - label.length - 1)}</Text>
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
                items={form.statuses.map((s, i) => ({ key: s, label: s, value: i }))}
                initialIndex={Math.max(0, form.highlight)}
                isFocused={isActive && statusFocused}
                onHighlight={(item) => onHighlight(item.value)}
              />
            </Box>
          ) : null}
        </Box>
      ),
    });
    const overrideFocused = is('override');
    const needed = overrideWhy.length > 0;
    const label = `${overrideFocused ? '› ' : '  '}Override reason${needed ? ' (required)' : ' (not needed)'}: `;
    const valueWidth = Math.max(4, width - label.length - 1);
    const why = overrideWhy.flatMap((r) => wrapped(`⚠ ${r}`, width - 5, 2).map((l) => `    ${l}`));
    blocks.push({
      key: 'override',
      height: 1 + why.length,
      focused: overrideFocused,
      node: (
        <Box flexDirection="column">
          <Text bold={overrideFocused} wrap="truncate">
            {overrideFocused ? '› ' : '  '}Override reason{needed ? <Text color="yellow"> (required)</Text> : <Text dimColor> (not needed)</Text>}:{' '}
            <Text inverse={overrideFocused}>{overrideFocused ? fitEnd(withBar(form.override, cursor), valueWidth) : fit(form.override, valueWidth)}</Text>
          </Text>
          {why.map((l, i) => (
            <Text key={i} color="yellow" wrap="truncate">
              {l}
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
                {focused && i === lines.length - 1 ? fitEnd(withBar(l, cursor), width - 5) : fit(l, width - 5)}
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

  // Title, counts, the message and the footer always show; the body scrolls in what is left.
  const rowHolder = focus.kind === 'role' ? holderOf(session, form.roles[focus.row], operator) : undefined;
  const fieldCount = fieldsOf(form).length;
  const position = editing && !completed ? [`${Math.min(form.focus, fieldCount - 1) + 1}/${fieldCount}`] : [];
  const rowStale = focus.kind === 'role' && isStale(session, form.roles[focus.row], operator);
  const baseHints = signoffHints({ phase: form.phase, field: focus, completed, rowHolder, rowStale });
  const footerRows = footerHeight([...baseHints, '↑↓ more', ...position], width);
  const messages = messageLines(form, feedback, width);
  // A long message wraps, but never takes the body's last three rows.
  const messageRoom = Math.max(1, rows - 2 - footerRows - 3);
  let messageRows = messages.flatMap((m) => m.rows.map((text) => ({ text, color: m.color })));
  if (messageRows.length > messageRoom) messageRows = [...messageRows.slice(0, messageRoom - 1), { ...messageRows[messageRoom - 1], text: fit(`${messageRows[messageRoom - 1].text}…`, width) }];
  const bodyHeight = Math.max(3, rows - 2 - (key ? 1 : 0) - (team ? 1 : 0) - messageRows.length - footerRows);
  const { start, end } = visibleBlocks(blocks, bodyHeight);
  const hidden = start > 0 || end < blocks.length;

  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        Sign-off · {session.environment} · {session.id}
      </Text>
      {/* Who signs comes first: at 80 columns the counts give way, never the name. */}
      <Text dimColor>
        {clipAfter(`you are ${operator} · ${key ? '' : 'names, not signatures · '}`, `${form.roles.length - unsigned.length}/${form.roles.length} roles signed · ${progressText(progress)} (${progressBreakdown(progress)})`, width)}
      </Text>
      {key ? (
        <Text color={key.warn ? 'yellow' : undefined} dimColor={!key.warn} wrap="truncate">
          {key.text}
        </Text>
      ) : null}
      {team ? (
        <Text color={team.offline ? 'red' : undefined} bold={team.offline} dimColor={!team.offline}>
          {clipEnd(`${team.offline ? '⚠' : '⇄'} ${teamLine(team)}`, width)}
        </Text>
      ) : null}
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {blocks.slice(start, end).map((b) => (
          // Each block keeps the height it was counted with: a crowded body must never squeeze a block's lines.
          <Box key={b.key} flexDirection="column" flexShrink={0} height={b.height}>
            {b.node}
          </Box>
        ))}
      </Box>
      {messageRows.map((m, i) => (
        <Text key={i} color={m.color} wrap="truncate">
          {m.text}
        </Text>
      ))}
      <Footer hints={[...baseHints, ...(hidden ? ['↑↓ more'] : []), ...position]} width={width} />
    </Box>
  );
}
