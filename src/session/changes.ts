/**
 * Every change to a session is a plain value applied by one pure function, so
 * the file store, the PostgreSQL store (which may re-apply a change on fresher
 * state) and the tests all agree on what a change does. Each change also
 * appends one event to the log.
 */
import type { CommandRun, ItemState, Session, SessionEvent, WatchRecord } from './schema.js';
import type { ProbeResult } from '../probes/types.js';
import { isCancelled } from '../verdict/probe.js';
import { reconcile } from './reconcile.js';
import { describeConflict, mergeItemState } from './item-conflict.js';
import { UserError } from '../errors.js';
import { changeItemId, refusalDetail } from './refused.js';
import { completionBlockers, completionRefusal, currentCompletion, readOnlyLine, sessionFingerprint, sessionPolicy, signRefusal, type BlockerKind, type SignoffPolicy } from './signoff.js';
import { incidentsOf, nextIncidentNumber } from './incidents.js';
import { checkProof, completerRefusal, roleSignedBySameKey, type ActionProof } from '../signing/guard.js';
import { VARIABLE_NAME } from '../config/session-vars.js';
import { createRedactor, isSecretName } from '../secrets/redactor.js';

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
  /**
   * A command block ran. `command`/`output`: the block and its output as one text (the event's detail);
   * `run`: the same run command by command (expanded text, secrets masked), when the runner recorded steps.
   */
  | { type: 'command.run'; itemId?: string; sectionId?: string; command: string; exitCode: number | null; output: string; failed?: string; run?: CommandRun }
  /** A new incident, or (`incident`: its number) an update of one: appended to its status history. */
  | { type: 'incident'; status: string; severity: string; impact: string; eta: string; actions: string; file?: string; incident?: number }
  /** The writer's own incident form as it stands, not logged yet (`incident`: the one it updates); all empty drops it. */
  | { type: 'incident.draft'; status: string; severity: string; impact: string; eta: string; actions: string; incident?: number }
  | { type: 'operator.join'; name: string }
  /** A notification (src/notify/) could not be delivered: logged (with what, to whom, the answer, when given), nothing else changes. */
  | { type: 'notify.failed'; detail: string; notification?: Notification }
  /** A notification was delivered: what, to which audience and host (never the URL), the answer; nothing else changes. */
  | { type: 'notify.sent'; notification: Notification }
  /**
   * The signer is the operator of the terminal that applies it (ChangeMeta.who); `name` is ignored (older logs carry it).
   * The roles and their rules are the session's (signoff.policy), never the change's.
   * `proof`: the signer's SSH key signature of the statement (src/signing/guard.ts); without it, a name only.
   */
  | { type: 'signoff.sign'; role: string; signature: string; fingerprint: string; name?: string; proof?: ActionProof }
  /** Only the signer can revoke (a key-signed role: only the same key). */
  | { type: 'signoff.revoke'; role: string; reason?: string; proof?: ActionProof }
  /**
   * Refused while completionBlockers (src/session/signoff.ts) lists anything,
   * unless an override reason covers every blocker; the reason is recorded with
   * who gave it, when, and the blockers it covered. `acknowledged`: the blocker
   * kinds the writer's screen showed with the reason (a new kind is refused).
   * With keys, signed by the completer's key (`override` when a reason is given).
   */
  | { type: 'signoff.complete'; status: string; notes: string; nextSteps: string; overrideReason?: string; acknowledged?: BlockerKind[]; proof?: ActionProof }
  | { type: 'signoff.reopen'; reason: string; proof?: ActionProof }
  /** Who may sign this session: the allowed_signers text and where it came from; `required`: every sign-off action needs a key. */
  | { type: 'signing.setup'; allowedSigners: string; source: string; required?: boolean }
  /** The writer's own sign-off form as it stands (status, notes, next steps, override reason), kept until completion; all empty drops it. */
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
  | { type: 'checklist.reconcile'; hash: string; items: { id: string; sectionId?: string }[]; policy?: SignoffPolicy }
  /**
   * A change the store refused when it got there (e.g. made offline on a session completed meanwhile):
   * recorded with who made it (ChangeMeta.who), when (`madeAt`), what and why, never dropped silently (refused.ts).
   */
  | { type: 'change.refused'; refused: Change; madeAt: string; why: string; changeId?: string };

/** What a notify.sent / notify.failed event records of one attempt. */
export type Notification = NonNullable<SessionEvent['notification']>;

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

/** `record` without `key` (undefined when nothing is left). */
function dropKey<T>(record: Record<string, T> | undefined, key: string): Record<string, T> | undefined {
  if (!record || !(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return Object.keys(rest).length ? rest : undefined;
}

/** Apply one change, returning a new session (the input is not mutated). */
export function applyChange(session: Session, change: Change, meta: ChangeMeta): Session {
  const at = meta.at ?? new Date().toISOString();
  const who = meta.who;
  // A completed session is read-only until reopened: only moving around and joining are not changes to it.
  // `change.refused` is a write it accepts: the record of a change refused because it was completed
  // meanwhile must land in it, or the refusal would be dropped silently. So are the records of notifications
  // (the completion's own message is answered after completion): log entries, outside what signatures cover.
  if (session.status === 'completed' && !['cursor', 'operator.join', 'signoff.reopen', 'change.refused', 'notify.sent', 'notify.failed'].includes(change.type)) {
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
        // A skip's reason, or the reason typed for setting a state over the probes or over a failed item: kept with the state.
        it.reason = change.reason?.trim() || undefined;
        it.override = change.override || undefined;
        it.updatedAt = at;
        it.updatedBy = who;
        it.stateSet = { by: who, at, via: 'hand' };
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
        it.stateSet = { by: who, at, via: 'hand' };
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
        it.stateSet = { by: who, at, via: 'probe' };
        s.events.push({ at, who, what: 'item.state', itemId: r.itemId, detail: change.state });
      }
      break;
    }
    case 'cursor':
      s.cursor = { sectionId: change.sectionId, itemId: change.itemId };
      break;
    case 'command.run':
      s.events.push({
        at,
        who,
        what: 'command.run',
        itemId: change.itemId,
        detail: `exit ${change.exitCode ?? 'killed'}${change.failed ? ` — FAILED: ${change.failed}` : ''}\n$ ${change.command}\n${change.output}`,
        ...(change.run ? { run: change.run } : {}),
      });
      break;
    case 'incident': {
      // An update names its incident; a new one gets the next number.
      const known = change.incident !== undefined ? incidentsOf(session).find((i) => i.n === change.incident) : undefined;
      if (change.incident !== undefined && !known) throw new ChangeRefused(`there is no incident ${change.incident} to update in session ${session.id}`);
      const n = known?.n ?? nextIncidentNumber(session);
      s.incidents.push({ at, by: who, status: change.status, severity: change.severity, impact: change.impact, eta: change.eta, actions: change.actions, file: change.file ?? known?.latest.file, incident: n });
      s.events.push({ at, who, what: 'incident', detail: `${known ? `incident ${n} updated` : `incident ${n} opened`}: ${change.status} / ${change.severity}: ${change.impact}` });
      s.incidentDrafts = dropKey(s.incidentDrafts, who);
      // An older file's one shared draft goes only with its own author's incident.
      if (s.incidentDraft?.by === who) s.incidentDraft = undefined;
      break;
    }
    case 'notify.failed':
      s.events.push({ at, who, what: 'notify.failed', itemId: change.notification?.itemId, detail: change.detail, ...(change.notification ? { notification: change.notification } : {}) });
      break;
    case 'notify.sent': {
      const n = change.notification;
      if (n.error) throw new ChangeRefused(`a notification not delivered (${n.error}) is recorded as notify.failed, not notify.sent`);
      s.events.push({ at, who, what: 'notify.sent', itemId: n.itemId, detail: `${n.event} to ${n.audience ? `${n.audience} at ` : ''}${n.host}: delivered${n.status !== undefined ? ` (HTTP ${n.status})` : ''}`, notification: n });
      break;
    }
    case 'operator.join':
      if (!s.operators.includes(change.name)) s.operators.push(change.name);
      s.events.push({ at, who, what: 'operator.join', detail: change.name });
      break;
    case 'signoff.sign': {
      const policy = sessionPolicy(session);
      // The key first, when there is one (or must be): who signs is the key's principal, whatever the operator name says.
      const key = checkProof(session, { action: 'sign', session: session.id, fingerprint: change.fingerprint, role: change.role }, change.proof, { role: change.role });
      if (key.refused) throw new ChangeRefused(key.refused);
      // With a key, a person is the key's principal (key-signed roles are held by principals), not the name the terminal claims.
      const identity = change.proof?.principal ?? who;
      const view = change.proof
        ? { ...session, signoff: { ...session.signoff, signatures: session.signoff.signatures.map((x) => (x.signed ? { ...x, name: x.signed.principal } : x)) } }
        : session;
      const { refused, combinedWith } = signRefusal(view, change.role, identity, policy);
      if (refused) throw new ChangeRefused(refused);
      if (change.proof && policy.independent?.includes(change.role) && session.events.some((e) => e.who === who && e.what === 'item.state')) {
        throw new ChangeRefused(`${change.role} must be signed by someone who did not operate the deployment, and ${who} changed items in this session`);
      }
      if (key.signed) {
        const held = session.signoff.signatures.find((x) => x.role === change.role);
        if (held?.signed && held.signed.principal !== key.signed.principal) throw new ChangeRefused(`${change.role} is already signed with ${held.signed.principal}'s key (${held.signed.key}); only that key can revoke it`);
        const other = roleSignedBySameKey(session, change.role, change.proof!);
        if (other && !(policy.combinable ?? []).some((g) => g.includes(other) && g.includes(change.role))) {
          throw new ChangeRefused(`${key.signed.principal} (key ${key.signed.key}) already signed ${other}: one key signs one role (the checklist does not let ${change.role} and ${other} be combined)`);
        }
      }
      const typed = change.signature.trim() || key.signed?.principal || '';
      if (!typed) throw new ChangeRefused(`${change.role}: type a signature to sign`);
      s.signoff.signatures = [
        ...s.signoff.signatures.filter((x) => x.role !== change.role),
        { role: change.role, name: who, signature: typed, date: at, fingerprint: change.fingerprint, combinedWith, signed: key.signed },
      ];
      s.events.push({ at, who, what: 'signoff.sign', detail: `${change.role}${combinedWith ? ` (combined with ${combinedWith})` : ''}${key.signed ? ` — key ${key.signed.principal} ${key.signed.key}` : ''}`, signed: key.signed });
      break;
    }
    case 'signoff.revoke': {
      const held = s.signoff.signatures.find((x) => x.role === change.role);
      if (!held) throw new ChangeRefused(`${change.role} is not signed; there is nothing to revoke`);
      const key = checkProof(session, { action: 'revoke', session: session.id, fingerprint: held.fingerprint, role: change.role, ref: held.signed?.signedAt ?? held.date }, change.proof);
      if (key.refused) throw new ChangeRefused(key.refused);
      if (held.signed) {
        // A key-signed role is revoked by that key only: the operator name proves nothing.
        if (key.signed?.principal !== held.signed.principal) {
          throw new ChangeRefused(`${change.role} was signed with ${held.signed.principal}'s key (${held.signed.key}); only that key can revoke it${key.signed ? `, not ${key.signed.principal}'s` : ''}`);
        }
      } else if (held.name !== who) throw new ChangeRefused(`${change.role} was signed by ${held.name}; only ${held.name} can revoke it`);
      s.signoff.signatures = s.signoff.signatures.filter((x) => x.role !== change.role);
      const signedFor = key.signed ? { fingerprint: held.fingerprint, role: change.role, ref: held.signed?.signedAt ?? held.date } : undefined;
      s.events.push({ at, who, what: 'signoff.revoke', detail: change.reason ? `${change.role}: ${change.reason}` : change.role, signed: key.signed, signedFor });
      break;
    }
    case 'signoff.complete': {
      const reason = change.overrideReason?.trim() || undefined;
      // The completion guard, for every writer: the session's own policy, items, probes, watches and incidents.
      const blockers = completionBlockers(session, change.status);
      const refused = completionRefusal(blockers, change.status, reason, change.acknowledged);
      if (refused) throw new ChangeRefused(refused);
      const covers = reason && blockers.length ? blockers.map((b) => b.text) : undefined;
      // With keys: signed by the completer's key (an override is its own action), bound to this completion.
      const completions = (session.signoff.history ?? []).filter((h) => h.action === 'completed').length;
      const key = checkProof(session, { action: reason ? 'override' : 'complete', session: session.id, fingerprint: sessionFingerprint(session), status: change.status, reason, ref: String(completions) }, change.proof);
      if (key.refused) throw new ChangeRefused(key.refused);
      const notAllowed = key.signed && completerRefusal(session, key.signed.principal);
      if (notAllowed) throw new ChangeRefused(`cannot complete: ${notAllowed}`);
      s.signoff.status = change.status;
      s.signoff.notes = change.notes;
      s.signoff.nextSteps = change.nextSteps;
      s.signoff.override = reason ? { reason, by: who, at, covers } : undefined;
      s.signoff.completedAt = at;
      s.signoff.draft = undefined;
      s.signoff.drafts = undefined;
      s.signoff.history = [...(s.signoff.history ?? []), { at, by: who, action: 'completed', status: change.status, overrideReason: reason, overrideCovers: covers, signed: key.signed, fingerprint: key.signed ? sessionFingerprint(session) : undefined }];
      s.status = 'completed';
      s.events.push({ at, who, what: 'signoff.complete', detail: reason ? `${change.status} (override: ${reason}${covers ? `; covers: ${covers.join('; ')}` : ''})` : change.status, signed: key.signed });
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
      const key = checkProof(session, { action: 'reopen', session: session.id, fingerprint: sessionFingerprint(session), reason, ref: currentCompletion(session)?.at }, change.proof);
      if (key.refused) throw new ChangeRefused(key.refused);
      const notAllowed = key.signed && completerRefusal(session, key.signed.principal);
      if (notAllowed) throw new ChangeRefused(`cannot reopen: ${notAllowed}`);
      s.signoff.history = [...(s.signoff.history ?? []), { at, by: who, action: 'reopened', reason, signed: key.signed, fingerprint: key.signed ? sessionFingerprint(session) : undefined }];
      s.signoff.completedAt = undefined;
      s.status = 'active';
      s.events.push({ at, who, what: 'signoff.reopen', detail: reason, signed: key.signed });
      break;
    }
    case 'incident.draft': {
      const { type: _type, incident, ...fields } = change;
      const typed = Object.values(fields).some((v) => v.trim());
      // Each person's form is their own: kept under its author, never under whoever saves next.
      s.incidentDrafts = typed ? { ...s.incidentDrafts, [who]: { ...fields, incident, by: who, at } } : dropKey(s.incidentDrafts, who);
      if (s.incidentDraft?.by === who) s.incidentDraft = undefined;
      s.events.push({ at, who, what: 'incident.draft', detail: typed ? 'kept' : 'cleared' });
      break;
    }
    case 'signoff.draft': {
      const draft = { status: change.status || undefined, notes: change.notes, nextSteps: change.nextSteps, overrideReason: change.overrideReason || undefined };
      const parts = [draft.status && `status ${draft.status}`, draft.overrideReason && 'override reason', draft.notes && 'notes', draft.nextSteps && 'next steps'].filter(Boolean);
      // Each person's draft is their own: an override reason typed by one is never recorded as another's.
      s.signoff.drafts = parts.length ? { ...s.signoff.drafts, [who]: { ...draft, by: who, at } } : dropKey(s.signoff.drafts, who);
      if (s.signoff.draft?.by === who) s.signoff.draft = undefined;
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
    case 'change.refused':
      s.events.push({ at, who, what: 'change.refused', itemId: changeItemId(change.refused), detail: refusalDetail(change) });
      break;
    case 'signing.setup': {
      const same = session.signing?.allowedSigners === change.allowedSigners && Boolean(session.signing?.required) === Boolean(change.required);
      if (same && session.signing?.source === change.source) break;
      // Once a key signed, the roster it was checked against stays: a terminal cannot swap in its own file.
      if (session.signing && !same && (session.signoff.signatures.some((x) => x.signed) || (session.signoff.history ?? []).some((h) => h.signed))) {
        throw new ChangeRefused(`this session's sign-off was signed against ${session.signing.source}; its allowed signers cannot change now (revoke the key signatures first)`);
      }
      s.signing = { allowedSigners: change.allowedSigners, source: change.source, required: change.required || undefined };
      s.events.push({ at, who, what: 'signing.setup', detail: `${change.source}${change.required ? ' (signatures required)' : ''}` });
      break;
    }
    case 'checklist.reconcile':
      return reconcile(s, change, who, at).session;
  }
  return s;
}
