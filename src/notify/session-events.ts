/**
 * Which session changes tell people, seen at the session's edge: every change
 * goes through `OpenSession.apply`, so incidents and sign-off completion are
 * announced here without the sign-off or incident code knowing about
 * notifications (whoever changes them keeps the announcement for free).
 */
import type { Checklist } from '../checklist/types.js';
import { findWatch, type Change } from '../session/changes.js';
import type { Session } from '../session/schema.js';
import type { OpenSession } from '../session/store.js';
import { fillIncidentTemplate, findIncidentTemplate } from '../store/incident.js';
import { savedVerdict } from '../watch/judge.js';
import { criterionMetEvent, type NotifyEvent } from './notify.js';

/** The events a change applied to a session stands for (pure). */
export function eventsOfChange(change: Change, after: Session, checklist: Checklist): NotifyEvent[] {
  if (change.type === 'incident') {
    // The template's text, as the operator would paste it: the first incident opens, later ones update.
    const text = fillIncidentTemplate(findIncidentTemplate(checklist), change);
    return [{ kind: 'incident', action: after.incidents.length > 1 ? 'updated' : 'opened', sessionId: after.id, text }];
  }
  if (change.type === 'watch.measurement') {
    // The measurement that turns its window's verdict to failed tells people, once.
    const c = findWatch(after, change.startedAt)?.criteria.find((x) => x.id === change.criterionId);
    if (!c) return [];
    const before = { ...c, measurements: c.measurements.slice(0, c.measurements.length - change.measurements.length) };
    const now = savedVerdict(c);
    if (now.phase === 'failed' && savedVerdict(before).phase !== 'failed') {
      return [criterionMetEvent(c.text, now, { environment: after.environment, sessionId: after.id })];
    }
    return [];
  }
  if (change.type === 'signoff.complete') return [{ kind: 'signoff.complete', sessionId: after.id, status: change.status, environment: after.environment }];
  return [];
}

/** The same open session, announcing the changes `eventsOfChange` names once they are applied. */
export function notifyingSession<T extends OpenSession>(open: T, notify: (e: NotifyEvent) => void, checklist: Checklist): T {
  const apply = async (change: Change): Promise<Session> => {
    const after = await open.apply(change);
    try {
      for (const e of eventsOfChange(change, after, checklist)) notify(e);
    } catch {
      // Telling people never breaks the session.
    }
    return after;
  };
  return new Proxy(open, {
    get(target, key) {
      if (key === 'apply') return apply;
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
