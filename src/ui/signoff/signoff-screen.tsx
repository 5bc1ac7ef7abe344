/**
 * The sign-off screen: the end of the walk. One row per role from the
 * checklist's Sign-off table, the Deployment Status, the guard rail's
 * override reason, Notes and Next Steps. On completion it applies one
 * `signoff.sign` per signer (bound to the session fingerprint) and
 * `signoff.complete`, then asks the injected writer for the Markdown report
 * and shows where it went. No file I/O here: the writer comes from the store
 * (or a prop).
 */
import React, { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { Box, Text } from 'ink';
import type { Checklist } from '../../checklist/types.js';
import type { Change } from '../../session/changes.js';
import type { Session } from '../../session/schema.js';
import { completionGuard, sessionFingerprint, signatureStatus, signoffRoles, signoffStatuses } from '../../session/signoff.js';
import { DONE_HINTS, SIGNOFF_HINTS, useSignoffKeys } from './use-signoff-keys.js';
import { completionOf, fieldsOf, focusedField, needsOverride, useSignoffState, type SignoffFormState } from './use-signoff-state.js';

/** What the sign-off screen needs of the wizard store (the wizard's zustand store satisfies it). */
export interface SignoffStoreState {
  session: Session;
  /** The checklist being walked (for roles, statuses and item texts). */
  checklist?: Checklist;
  operator: string;
  apply(change: Change): Promise<unknown> | void;
  /** Leave the wizard (after a finished sign-off). */
  quit(): Promise<unknown> | void;
  /** Back to where the screen was opened from (Esc). */
  closeScreen?(): void;
  /** Ctrl-C: cancel, save, exit 130. */
  interrupt?(): Promise<unknown> | void;
  /** Wait until every applied change is persisted. */
  flush?(): Promise<unknown>;
  /** Writes the Markdown report next to the session and returns its path (see writeReport in src/report). */
  writeReport?: (session: Session) => Promise<string>;
}

export interface SignoffStoreLike {
  getState(): SignoffStoreState;
  subscribe(listener: () => void): () => void;
}

export interface SignoffScreenProps {
  store: SignoffStoreLike;
  /** Used when the store's state carries no checklist. */
  checklist?: Checklist;
  /** Report writer; default: the store's `writeReport`. */
  writeReport?: (session: Session) => Promise<string>;
  /** Clock for the automatic date (tests pin it). Default: Date.now. */
  now?: () => number;
  /** Whether this screen listens to keys (default true). */
  isActive?: boolean;
}

const W = { role: 18, name: 20, signature: 16, date: 12 };

function cell(text: string, width: number, focused: boolean): string {
  const shown = focused ? `${text}▌` : text;
  return shown.length > width - 1 ? `…${shown.slice(-(width - 2))}` : shown;
}

export function SignoffScreen({ store, checklist: checklistProp, writeReport, now = Date.now, isActive = true }: SignoffScreenProps) {
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const session = useSyncExternalStore(subscribe, () => store.getState().session);
  const checklist = store.getState().checklist ?? checklistProp;
  const roles = signoffRoles(checklist);
  const statuses = signoffStatuses(checklist);
  const successStatus = statuses.find((s) => /^\s*success/i.test(s)) ?? 'SUCCESS';
  const blocked = completionGuard(session, checklist, successStatus).reasons;
  const [form, dispatch] = useSignoffState({ roles, statuses, session, blockedReasons: blocked });

  // Items may change while the screen is open (team mode): keep the guard rail current.
  const blockedKey = blocked.join('\n');
  useEffect(() => {
    if (blockedKey !== form.blockedReasons.join('\n')) dispatch({ type: 'blocked', reasons: blocked });
  }, [blockedKey]);

  // Completion: record the sign-off, then have the injected writer produce the report.
  useEffect(() => {
    if (form.phase !== 'submitting') return;
    const st = store.getState();
    const c = completionOf(form);
    (async () => {
      const fingerprint = sessionFingerprint(st.session);
      for (const s of c.signs) await st.apply({ type: 'signoff.sign', ...s, fingerprint });
      await st.apply({ type: 'signoff.complete', status: c.status, notes: c.notes, nextSteps: c.nextSteps, overrideReason: c.overrideReason });
      await st.flush?.();
      const write = writeReport ?? st.writeReport;
      if (!write) return dispatch({ type: 'done', reportError: 'no report writer was given; run deploy-wizard report ID' });
      try {
        dispatch({ type: 'done', reportPath: await write(store.getState().session) });
      } catch (err) {
        dispatch({ type: 'done', reportError: err instanceof Error ? err.message.split('\n')[0] : String(err) });
      }
    })().catch((err: unknown) => dispatch({ type: 'failed', error: `could not save the sign-off: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }));
  }, [form.phase]);

  useSignoffKeys(
    form.phase,
    dispatch,
    {
      onBack: () => store.getState().closeScreen?.(),
      onQuit: () => void store.getState().quit(),
      onInterrupt: () => void (store.getState().interrupt ?? store.getState().quit)(),
    },
    isActive,
  );

  return <SignoffView form={form} session={session} checklist={checklist} today={new Date(now()).toISOString().slice(0, 10)} />;
}

interface ViewProps {
  form: SignoffFormState;
  session: Session;
  checklist?: Checklist;
  /** YYYY-MM-DD filled in for new signatures. */
  today: string;
}

/** The screen's rendering, from the form state and the session alone. */
export function SignoffView({ form, session, checklist, today }: ViewProps) {
  const focus = focusedField(form);
  const editing = form.phase === 'editing';
  const checks = useMemo(() => new Map(signatureStatus(session).map((c) => [c.role, c])), [session]);
  const ids = checklist?.items.map((i) => i.id) ?? Object.keys(session.items);
  const settled = ids.filter((id) => (session.items[id]?.state ?? 'pending') !== 'pending').length;
  const failed = ids.filter((id) => session.items[id]?.state === 'failed').length;
  const is = (kind: string, row?: number) => editing && focus.kind === kind && (row === undefined || ('row' in focus && focus.row === row));

  return (
    <Box flexDirection="column">
      <Text bold>
        Sign-off · {session.environment} · {session.id}
      </Text>
      <Text dimColor>
        {settled} of {ids.length} items settled{failed ? ` · ${failed} failed` : ''}
      </Text>
      <Box marginTop={1}>
        <Box width={2} />
        <Box width={W.role}><Text underline>Role</Text></Box>
        <Box width={W.name}><Text underline>Name</Text></Box>
        <Box width={W.signature}><Text underline>Signature</Text></Box>
        <Box width={W.date}><Text underline>Date</Text></Box>
      </Box>
      {form.rows.map((r, i) => {
        const check = checks.get(r.role);
        const unchanged = r.stored && !r.edited && check;
        const done = form.phase === 'done' && check;
        const date = unchanged || done ? check!.date.slice(0, 10) : r.name.trim() ? today : '';
        const mark = unchanged || done ? (check!.status === 'valid' ? '✓' : 'changed after signing (retype to sign again)') : '';
        const rowFocused = is('name', i) || is('signature', i);
        return (
          <Box key={r.role}>
            <Box width={2}><Text color="cyan">{rowFocused ? '›' : ' '}</Text></Box>
            <Box width={W.role}><Text wrap="truncate">{r.role}</Text></Box>
            <Box width={W.name}><Text inverse={is('name', i)} wrap="truncate">{cell(r.name, W.name, is('name', i))}</Text></Box>
            <Box width={W.signature}><Text inverse={is('signature', i)} wrap="truncate">{cell(r.signature, W.signature, is('signature', i))}</Text></Box>
            <Box width={W.date}><Text dimColor>{date}</Text></Box>
            <Text color={mark === '✓' ? 'green' : 'yellow'}>{mark}</Text>
          </Box>
        );
      })}
      <Box marginTop={1}>
        <Text bold={is('status')}>{is('status') ? '› ' : '  '}Deployment Status: </Text>
        {form.statuses.map((s, i) => (
          <Text key={s} inverse={is('status') && i === form.statusIndex} color={i === form.statusIndex ? 'cyan' : undefined}>
            {i === form.statusIndex ? '(•) ' : '( ) '}
            {s}
            {'  '}
          </Text>
        ))}
      </Box>
      {needsOverride(form) ? (
        <Box flexDirection="column">
          <Text color="yellow">  ⚠ {form.statuses[form.statusIndex]} is blocked by the Final Checklist:</Text>
          {form.blockedReasons.map((r) => (
            <Text key={r} color="yellow" wrap="truncate">
              {'    - '}
              {r}
            </Text>
          ))}
          <Text bold={is('override')}>
            {is('override') ? '› ' : '  '}Override reason (required): <Text inverse={is('override')}>{cell(form.override, 60, is('override'))}</Text>
          </Text>
        </Box>
      ) : null}
      <MultiLine label="Notes" lines={form.notes} focused={is('notes')} />
      <MultiLine label="Next Steps" lines={form.nextSteps} focused={is('nextSteps')} />
      <Box marginTop={1}>
        <Text inverse={is('confirm')} bold>
          {is('confirm') ? '› ' : '  '}[ Complete sign-off ]
        </Text>
        {is('confirm') ? <Text dimColor> Enter to record the status, signatures and notes</Text> : null}
      </Box>
      {form.error ? <Text color="red">✗ {form.error}</Text> : null}
      {form.phase === 'submitting' ? <Text>Saving the sign-off…</Text> : null}
      {form.phase === 'done' ? (
        <Box flexDirection="column">
          <Text color="green">✓ Sign-off recorded: {form.statuses[form.statusIndex]}</Text>
          {form.reportPath ? <Text>Report written to {form.reportPath}</Text> : <Text color="yellow">Report not written: {form.reportError}</Text>}
        </Box>
      ) : null}
      <Box marginTop={1}>
        <Text dimColor wrap="wrap">
          {(form.phase === 'done' ? DONE_HINTS : SIGNOFF_HINTS).join(' · ')}
          {editing ? ` · field ${Math.min(form.focus, fieldsOf(form).length - 1) + 1}/${fieldsOf(form).length}` : ''}
        </Text>
      </Box>
    </Box>
  );
}

function MultiLine({ label, lines, focused }: { label: string; lines: string[]; focused: boolean }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold={focused}>
        {focused ? '› ' : '  '}
        {label}
        <Text dimColor> (Enter adds a line · Tab/Ctrl-D next)</Text>
      </Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="wrap">
          {'    '}
          {l}
          {focused && i === lines.length - 1 ? '▌' : ''}
        </Text>
      ))}
    </Box>
  );
}
