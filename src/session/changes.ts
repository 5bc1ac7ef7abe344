/**
 * Every change to a session is a plain value applied by one pure function, so
 * the file store, the PostgreSQL store (which may re-apply a change on fresher
 * state) and the tests all agree on what a change does. Each change also
 * appends one event to the log.
 */
import type { ItemState, Session, WatchRecord } from './schema.js';
import type { ProbeResult } from '../probes/types.js';
import { isCancelled } from '../verdict/probe.js';
import { reconcile } from './reconcile.js';
import { describeConflict, mergeItemState } from './item-conflict.js';
import { UserError } from '../errors.js';
import { VARIABLE_NAME } from '../config/session-vars.js';
import { createRedactor, isSecretName } from '../secrets/redactor.js';
import { readOnlyLine, signRefusal, unsignedRoles, type SignoffPolicy } from './signoff.js';

/**
 * A change the session's rules do not allow on its current state (a role
 * signed by someone else, a completed session). Thrown by applyChange, so the
 * team store refuses it also when it re-applies the change on fresher state;
 * the message is the one line the person is shown.
 */
export class ChangeRefused extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'ChangeRefused';
  }
}

export type Change =
  /** `seen`: the item's state on the writer's screen when they changed it (team mode fills it; see item-conflict.ts). */
  | { type: 'item.state'; itemId: string; state: ItemState; reason?: string; override?: boolean; seen?: ItemState }
  | { type: 'item.note'; itemId: string; note: string }
  /**
   * A variable the checklist needs, given in the wizard for this session. The
   * core keeps its value only when it is no secret (by name or by shape): a
   * secret is recorded as given, never its value.
   */
  | { type: 'vars.set'; name: string; value: string }
  /**
   * One action over a section: every item of `itemIds` still pending takes
   * `state` with the one `reason` (an item already settled keeps its state).
   */
  | { type: 'section.settle'; sectionId: string; state: 'na' | 'skipped'; reason: string; itemIds: string[] }
  /**
   * `state`: the item's verdict from this run, when this result completes it:
   * saved with the result (one change, one write), logged as its own event.
   */
  | { type: 'probe.result'; result: ProbeResult; state?: ItemState }
  | { type: 'cursor'; sectionId?: string; itemId?: string }
  | { type: 'command.run'; itemId?: string; sectionId?: string; command: string; exitCode: number | null; output: string; failed?: string }
  | { type: 'incident'; status: string; severity: string; impact: string; eta: string; actions: string; file?: string }
  /** The incident form as it stands, not logged yet; all empty drops it. */
  | { type: 'incident.draft'; status: string; severity: string; impact: string; eta: string; actions: string }
  | { type: 'operator.join'; name: string }
  /** A notification (src/notify/) could not be delivered: logged, nothing else changes. */
  | { type: 'notify.failed'; detail: string }
  /** The signer is the operator of the terminal that applies it (ChangeMeta.who); `name` is ignored (older logs carry it). */
  | { type: 'signoff.sign'; role: string; signature: string; fingerprint: string; policy?: SignoffPolicy; name?: string }
  /** Only the signer can revoke. */
  | { type: 'signoff.revoke'; role: string; reason?: string }
  /** Needs every role of `roles` validly signed, or an override reason (recorded with who gave it). */
  | { type: 'signoff.complete'; status: string; notes: string; nextSteps: string; overrideReason?: string; roles?: string[] }
  | { type: 'signoff.reopen'; reason: string }
  /** The sign-off form as it stands (status, notes, next steps, override reason), kept until completion; all empty drops it. */
  | { type: 'signoff.draft'; status?: string; notes: string; nextSteps: string; overrideReason?: string }
  /** A watch of the rollback criteria starts (src/store/watch-slice.ts): the plan, no measurement yet. */
  | { type: 'watch.start'; startedAt: string; criteria: Omit<WatchRecord['criteria'][number], 'measurements'>[] }
  /**
   * Measurements of criterion `criterionId` of the watch started at `startedAt` (a watch is named by its start,
   * so two operators' watches never mix): one as it arrives, or the slots missed while the wizard was closed.
   */
  | { type: 'watch.measurement'; startedAt: string; criterionId: string; measurements: WatchRecord['criteria'][number]['measurements'] }
  | { type: 'watch.stop'; startedAt: string; why: NonNullable<WatchRecord['stopped']> }
  /** Another operator's wizard takes over measuring an unfinished window (its starter is not here). */
  | { type: 'watch.continue'; startedAt: string }
  /** The checklist changed since the session started: match items by id (see reconcile.ts). */
  | { type: 'checklist.reconcile'; hash: string; items: { id: string; sectionId?: string }[] };

export interface ChangeMeta {
  who: string;
  /** ISO time; defaults to now. */
  at?: string;
}

/** Index of the session's watch started at `startedAt` (the latest such), or -1. */
function watchIndex(s: Pick<Session, 'watches'>, startedAt: string): number {
  const all = s.watches ?? [];
  for (let i = all.length - 1; i >= 0; i--) if (all[i].startedAt === startedAt) return i;
  return -1;
}

/** The session's watch started at `startedAt` (what a `watch.measurement` or `watch.stop` change names). */
export function findWatch(s: Pick<Session, 'watches'>, startedAt: string): WatchRecord | undefined {
  return s.watches?.[watchIndex(s, startedAt)];
}

/** Apply one change, returning a new session (the input is not mutated). */
export function applyChange(session: Session, change: Change, meta: ChangeMeta): Session {
  const at = meta.at ?? new Date().toISOString();
  const who = meta.who;
  // A completed session is read-only until reopened: only moving around and joining are not changes to it.
  if (session.status === 'completed' && !['cursor', 'operator.join', 'signoff.reopen'].includes(change.type)) {
    throw new ChangeRefused(readOnlyLine(session));
  }
  // Copy only the containers a change can touch, not the whole document: a
  // session with evidence on every item is hundreds of KiB, and a deep copy per
  // keystroke was most of the wizard's garbage. Untouched items are shared.
  const s: Session = {
    ...session,
    updatedAt: at,
    items: { ...session.items },
    events: [...session.events],
    incidents: [...session.incidents],
    operators: [...session.operators],
    cursor: { ...session.cursor },
    signoff: { ...session.signoff, signatures: [...session.signoff.signatures] },
  };
  const item = (id: string) => {
    const old = s.items[id];
    return (s.items[id] = old ? { ...old, probes: [...old.probes] } : { state: 'pending', probes: [], updatedAt: at, updatedBy: who });
  };
  switch (change.type) {
    case 'item.state': {
      // Someone else changed this item since the writer looked: the more cautious state stays (item-conflict.ts).
      const { apply, conflict } = mergeItemState(session, change.itemId, change.state, change.seen, who);
      const it = item(change.itemId);
      if (apply) {
        it.state = change.state;
        it.reason = change.state === 'skipped' ? change.reason : undefined;
        it.override = change.override || undefined;
        it.updatedAt = at;
        it.updatedBy = who;
      }
      s.events.push({ at, who, what: 'item.state', itemId: change.itemId, detail: change.reason ? `${change.state}: ${change.reason}` : change.state });
      if (conflict) s.events.push({ at, who, what: 'item.conflict', itemId: change.itemId, detail: describeConflict(conflict, who, at, undefined), conflict });
      break;
    }
    case 'section.settle': {
      const reason = change.reason.trim();
      if (!reason) throw new ChangeRefused('settling a section needs a reason: say why its remaining items do not apply');
      const settled = change.itemIds.filter((id) => (session.items[id]?.state ?? 'pending') === 'pending');
      for (const id of settled) {
        const it = item(id);
        it.state = change.state;
        it.reason = reason;
        it.override = undefined;
        it.updatedAt = at;
        it.updatedBy = who;
        s.events.push({ at, who, what: 'item.state', itemId: id, detail: `${change.state}: ${reason}` });
      }
      s.events.push({ at, who, what: 'section.settle', detail: `${settled.length} item${settled.length === 1 ? '' : 's'} ${change.state === 'na' ? 'n/a' : change.state} in ${change.sectionId}: ${reason}` });
      break;
    }
    case 'vars.set': {
      if (!VARIABLE_NAME.test(change.name)) throw new ChangeRefused(`"${change.name}" is not a variable name (letters, digits and _, as in \${NAME})`);
      const secret = isSecretName(change.name) || createRedactor()(change.value) !== change.value;
      s.events.push({
        at,
        who,
        what: 'vars.set',
        detail: secret ? `${change.name} given for this session (a secret: its value is not recorded)` : `${change.name} = ${change.value}`,
        variable: secret ? { name: change.name } : { name: change.name, value: change.value },
      });
      break;
    }
    case 'item.note': {
      const it = item(change.itemId);
      it.note = change.note || undefined;
      it.updatedAt = at;
      it.updatedBy = who;
      s.events.push({ at, who, what: 'item.note', itemId: change.itemId, detail: change.note });
      break;
    }
    case 'probe.result': {
      const r = change.result;
      if (r.itemId) {
        const it = item(r.itemId);
        // Keep the latest result per probe spec; a cancelled run is only an event and never replaces earlier evidence.
        const earlier = it.probes.some((p) => p.spec === r.spec);
        if (!(earlier && isCancelled(r))) it.probes = [...it.probes.filter((p) => p.spec !== r.spec), r];
        it.updatedAt = at;
      }
      s.events.push({ at, who, what: 'probe.result', itemId: r.itemId, detail: `${r.kind} ${r.status}: ${r.summary}` });
      if (change.state && r.itemId) {
        const it = item(r.itemId);
        it.state = change.state;
        it.reason = undefined;
        it.override = undefined;
        it.updatedBy = who;
        s.events.push({ at, who, what: 'item.state', itemId: r.itemId, detail: change.state });
      }
      break;
    }
    case 'cursor':
      s.cursor = { sectionId: change.sectionId, itemId: change.itemId };
      break;
    case 'command.run':
      s.events.push({ at, who, what: 'command.run', itemId: change.itemId, detail: `exit ${change.exitCode ?? 'killed'}${change.failed ? ` — FAILED: ${change.failed}` : ''}\n$ ${change.command}\n${change.output}` });
      break;
    case 'incident':
      s.incidents.push({ at, by: who, status: change.status, severity: change.severity, impact: change.impact, eta: change.eta, actions: change.actions, file: change.file });
      s.events.push({ at, who, what: 'incident', detail: `${change.status} / ${change.severity}: ${change.impact}` });
      s.incidentDraft = undefined;
      break;
    case 'notify.failed':
      s.events.push({ at, who, what: 'notify.failed', detail: change.detail });
      break;
    case 'operator.join':
      if (!s.operators.includes(change.name)) s.operators.push(change.name);
      s.events.push({ at, who, what: 'operator.join', detail: change.name });
      break;
    case 'signoff.sign': {
      const policy = change.policy ?? { roles: [...new Set([...s.signoff.signatures.map((x) => x.role), change.role])] };
      const { refused, combinedWith } = signRefusal(session, change.role, who, policy);
      if (refused) throw new ChangeRefused(refused);
      if (!change.signature.trim()) throw new ChangeRefused(`${change.role}: type a signature to sign`);
      s.signoff.signatures = [
        ...s.signoff.signatures.filter((x) => x.role !== change.role),
        { role: change.role, name: who, signature: change.signature.trim(), date: at, fingerprint: change.fingerprint, combinedWith },
      ];
      s.events.push({ at, who, what: 'signoff.sign', detail: `${change.role}${combinedWith ? ` (combined with ${combinedWith})` : ''}` });
      break;
    }
    case 'signoff.revoke': {
      const held = s.signoff.signatures.find((x) => x.role === change.role);
      if (!held) throw new ChangeRefused(`${change.role} is not signed; there is nothing to revoke`);
      if (held.name !== who) throw new ChangeRefused(`${change.role} was signed by ${held.name}; only ${held.name} can revoke it`);
      s.signoff.signatures = s.signoff.signatures.filter((x) => x.role !== change.role);
      s.events.push({ at, who, what: 'signoff.revoke', detail: change.reason ? `${change.role}: ${change.reason}` : change.role });
      break;
    }
    case 'signoff.complete': {
      const reason = change.overrideReason?.trim() || undefined;
      const missing = unsignedRoles(session, change.roles ?? []);
      if (missing.length && !reason) {
        throw new ChangeRefused(
          `cannot complete: ${missing.length} role${missing.length === 1 ? ' is' : 's are'} not signed (${missing.join(', ')}); have ${missing.length === 1 ? 'it' : 'them'} signed, or give an override reason`,
        );
      }
      s.signoff.status = change.status;
      s.signoff.notes = change.notes;
      s.signoff.nextSteps = change.nextSteps;
      s.signoff.override = reason ? { reason, by: who, at } : undefined;
      s.signoff.completedAt = at;
      s.signoff.draft = undefined;
      s.signoff.history = [...(s.signoff.history ?? []), { at, by: who, action: 'completed', status: change.status, overrideReason: reason }];
      s.status = 'completed';
      s.events.push({ at, who, what: 'signoff.complete', detail: reason ? `${change.status} (override: ${reason})` : change.status });
      // A completed session is read-only: every window still open ends here, judged over what it measured.
      if (s.watches) s.watches = s.watches.map((w) => {
        if (w.stopped) return w;
        s.events.push({ at, who, what: 'watch.stop', detail: `signoff (window started ${w.startedAt} by ${w.by})` });
        return { ...w, stopped: 'signoff' as const, stoppedAt: at };
      });
      break;
    }
    case 'signoff.reopen': {
      if (session.status !== 'completed') throw new ChangeRefused(`session ${session.id} is not completed; there is nothing to reopen`);
      const reason = change.reason.trim();
      if (!reason) throw new ChangeRefused('reopening needs a reason: say why the completed session must change');
      s.signoff.history = [...(s.signoff.history ?? []), { at, by: who, action: 'reopened', reason }];
      s.signoff.completedAt = undefined;
      s.status = 'active';
      s.events.push({ at, who, what: 'signoff.reopen', detail: reason });
      break;
    }
    case 'incident.draft': {
      const { type: _type, ...fields } = change;
      const typed = Object.values(fields).some((v) => v.trim());
      s.incidentDraft = typed ? { ...fields, by: who, at } : undefined;
      s.events.push({ at, who, what: 'incident.draft', detail: typed ? 'kept' : 'cleared' });
      break;
    }
    case 'signoff.draft': {
      const draft = { status: change.status || undefined, notes: change.notes, nextSteps: change.nextSteps, overrideReason: change.overrideReason || undefined };
      const parts = [draft.status && `status ${draft.status}`, draft.overrideReason && 'override reason', draft.notes && 'notes', draft.nextSteps && 'next steps'].filter(Boolean);
      s.signoff.draft = parts.length ? { ...draft, by: who, at } : undefined;
      s.events.push({ at, who, what: 'signoff.draft', detail: parts.join(', ') || 'cleared' });
      break;
    }
    case 'watch.start':
      s.watches = [...(s.watches ?? []), { startedAt: change.startedAt, by: who, criteria: change.criteria.map((c) => ({ ...c, measurements: [] })) }];
      s.events.push({ at, who, what: 'watch.start', detail: `${change.criteria.length} rollback criteri${change.criteria.length === 1 ? 'on' : 'a'}` });
      break;
    case 'watch.measurement': {
      const i = watchIndex(s, change.startedAt);
      const w = s.watches?.[i];
      const c = w && !w.stopped ? w.criteria.find((x) => x.id === change.criterionId) : undefined;
      if (!w || !c) throw new ChangeRefused(`no running watch started at ${change.startedAt} measures "${change.criterionId}"`);
      const criteria = w.criteria.map((x) => (x === c ? { ...x, measurements: [...x.measurements, ...change.measurements] } : x));
      s.watches = s.watches!.map((x, k) => (k === i ? { ...w, criteria } : x));
      s.events.push({ at, who, what: 'watch.measurement', detail: `${change.criterionId}: ${change.measurements.map((m) => (m.missed ? 'missed' : m.phase)).join(', ')}` });
      break;
    }
    case 'watch.stop': {
      const i = watchIndex(s, change.startedAt);
      const w = s.watches?.[i];
      if (!w || w.stopped) break;
      s.watches = s.watches!.map((x, k) => (k === i ? { ...w, stopped: change.why, stoppedAt: at } : x));
      s.events.push({ at, who, what: 'watch.stop', detail: change.why });
      break;
    }
    case 'watch.continue': {
      const i = watchIndex(s, change.startedAt);
      const w = s.watches?.[i];
      if (!w || w.stopped) throw new ChangeRefused(`no unfinished watch started at ${change.startedAt} to continue`);
      s.watches = s.watches!.map((x, k) => (k === i ? { ...w, continuedBy: [...(w.continuedBy ?? []), who] } : x));
      s.events.push({ at, who, what: 'watch.continue', detail: `window started ${w.startedAt} by ${w.by}` });
      break;
    }
    case 'checklist.reconcile':
      return reconcile(s, change, who, at).session;
  }
  return s;
}
