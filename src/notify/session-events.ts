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
import { criterionMetEvent, type Delivery, type Notifier, type NotifyEvent } from './notify.js';
import type { AnnouncementKind } from '../grammar/notifications.js';
import { incidentsOf } from '../session/incidents.js';
import { sessionProgress } from '../verdict/items.js';

/** The events a change applied to a session stands for (pure). */
export function eventsOfChange(change: Change, after: Session, checklist: Checklist): NotifyEvent[] {
  if (change.type === 'incident') {
    // The template's text, as the operator would paste it: the first incident opens, later ones update.
    const text = fillIncidentTemplate(findIncidentTemplate(checklist), change);
    return [{ kind: 'incident', action: after.incidents.length > 1 ? 'updated' : 'opened', sessionId: after.id, text, ...(change.eta.trim() ? { eta: change.eta.trim() } : {}) }];
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

/**
 * The announcement an operator sends from an item, built from the record only
 * (pure): completion with the items' counts, or a rollback with the latest
 * incident's status, impact and ETA. It says no more than the session holds.
 */
function announcementOf(kind: AnnouncementKind, s: Session, by: string): NotifyEvent {
  if (kind === 'deployment.complete') {
    const p = sessionProgress(s);
    return { kind, sessionId: s.id, environment: s.environment, by, settled: p.settled, total: p.total, failed: p.failed };
  }
  const latest = incidentsOf(s).at(-1);
  const i = latest?.latest;
  return { kind, sessionId: s.id, environment: s.environment, by, ...(i && latest ? { incident: { n: latest.n, status: i.status, severity: i.severity, impact: i.impact, eta: i.eta } } : {}) };
}

/**
 * What the wizard's `a` key sends through (WizardDeps.announce): the text and
 * targets before, the sending after. `recorded` resolves once every outcome
 * handed to the notifier's onDelivery is in the session, so the item's probe
 * that runs next sees it.
 */
export function announcer(notifier: Notifier, current: () => Session, by: string, recorded: () => Promise<unknown>) {
  const to = (audience: string | undefined) => notifier.targets.filter((t) => audience === undefined || t.audience === audience);
  return {
    preview(kind: AnnouncementKind, audience: string | undefined) {
      return { text: notifier.textOf(announcementOf(kind, current(), by)), targets: to(audience).map((t) => (t.audience ? `${t.audience} (${t.host})` : t.host)) };
    },
    async send(kind: AnnouncementKind, audience: string | undefined, itemId: string): Promise<Delivery[]> {
      const sent = await notifier.notify(announcementOf(kind, current(), by), audience, itemId);
      await recorded();
      return sent;
    },
  };
}
