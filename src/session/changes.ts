/**
 * Every change to a session is a plain value applied by one pure function, so
 * the file store, the PostgreSQL store (which may re-apply a change on fresher
 * state) and the tests all agree on what a change does. Each change also
 * appends one event to the log.
 */
import type { ItemState, Session } from './schema.js';
import type { ProbeResult } from '../probes/types.js';
import { isCancelled } from '../verdict/probe.js';
import { reconcile } from './reconcile.js';

export type Change =
  | { type: 'item.state'; itemId: string; state: ItemState; reason?: string; override?: boolean }
  | { type: 'item.note'; itemId: string; note: string }
  /**
   * `state`: the item's verdict from this run, when this result completes it:
   * saved with the result (one change, one write), logged as its own event.
   */
  | { type: 'probe.result'; result: ProbeResult; state?: ItemState }
  | { type: 'cursor'; sectionId?: string; itemId?: string }
  | { type: 'command.run'; itemId?: string; sectionId?: string; command: string; exitCode: number | null; output: string }
  | { type: 'incident'; status: string; severity: string; impact: string; eta: string; actions: string; file?: string }
  | { type: 'operator.join'; name: string }
  | { type: 'signoff.sign'; role: string; name: string; signature: string; fingerprint: string }
  | { type: 'signoff.complete'; status: string; notes: string; nextSteps: string; overrideReason?: string }
  /** The checklist changed since the session started: match items by id (see reconcile.ts). */
  | { type: 'checklist.reconcile'; hash: string; items: { id: string; sectionId?: string }[] };

export interface ChangeMeta {
  who: string;
  /** ISO time; defaults to now. */
  at?: string;
}

/** Apply one change, returning a new session (the input is not mutated). */
export function applyChange(session: Session, change: Change, meta: ChangeMeta): Session {
  const at = meta.at ?? new Date().toISOString();
  const who = meta.who;
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
      const it = item(change.itemId);
      it.state = change.state;
      it.reason = change.state === 'skipped' ? change.reason : undefined;
      it.override = change.override || undefined;
      it.updatedAt = at;
      it.updatedBy = who;
      s.events.push({ at, who, what: 'item.state', itemId: change.itemId, detail: change.reason ? `${change.state}: ${change.reason}` : change.state });
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
      s.events.push({ at, who, what: 'command.run', itemId: change.itemId, detail: `$ ${change.command} (exit ${change.exitCode ?? 'killed'})\n${change.output}` });
      break;
    case 'incident':
      s.incidents.push({ at, by: who, status: change.status, severity: change.severity, impact: change.impact, eta: change.eta, actions: change.actions, file: change.file });
      s.events.push({ at, who, what: 'incident', detail: `${change.status} / ${change.severity}: ${change.impact}` });
      break;
    case 'operator.join':
      if (!s.operators.includes(change.name)) s.operators.push(change.name);
      s.events.push({ at, who, what: 'operator.join', detail: change.name });
      break;
    case 'signoff.sign':
      s.signoff.signatures = [
        ...s.signoff.signatures.filter((x) => x.role !== change.role),
        { role: change.role, name: change.name, signature: change.signature, date: at, fingerprint: change.fingerprint },
      ];
      s.events.push({ at, who, what: 'signoff.sign', detail: `${change.role}: ${change.name}` });
      break;
    case 'signoff.complete':
      s.signoff.status = change.status;
      s.signoff.notes = change.notes;
      s.signoff.nextSteps = change.nextSteps;
      s.signoff.override = change.overrideReason ? { reason: change.overrideReason, by: who, at } : undefined;
      s.signoff.completedAt = at;
      s.status = 'completed';
      s.events.push({ at, who, what: 'signoff.complete', detail: change.overrideReason ? `${change.status} (override: ${change.overrideReason})` : change.status });
      break;
    case 'checklist.reconcile':
      return reconcile(s, change, who, at).session;
  }
  return s;
}
