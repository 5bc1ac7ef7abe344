/**
 * Incidents as the session records them, in one place: which entries are one
 * incident (its updates share a number), what its status history is, and
 * what an open incident is. The sign-off guard, the incident form, its
 * update reminder and the report all ask here. Pure: no I/O.
 */
import type { Session } from './schema.js';

export type IncidentEntry = Session['incidents'][number];

/**
 * Statuses that end an incident. The shipped checklist's Communication
 * Template offers INVESTIGATING/IDENTIFIED/MONITORING/RESOLVED; CLOSED is the
 * other word teams use for the same end.
 */
const CLOSED_INCIDENT_STATUSES = ['RESOLVED', 'CLOSED'];

/** Whether an incident status ends the incident (RESOLVED, CLOSED; any case). */
function isClosedIncidentStatus(status: string): boolean {
  return CLOSED_INCIDENT_STATUSES.includes(status.trim().toUpperCase());
}

/** The number of the incident an entry belongs to (older files: each entry its own incident, numbered by position). */
export function incidentNumber(entry: IncidentEntry, index: number): number {
  return entry.incident ?? index + 1;
}

export interface Incident {
  n: number;
  /** Every entry of the incident, oldest first: the first opened it, the others updated it. */
  updates: IncidentEntry[];
  /** The latest entry: the incident as it stands. */
  latest: IncidentEntry;
  open: boolean;
}

/** The session's incidents, in the order they were opened. */
export function incidentsOf(session: Pick<Session, 'incidents'>): Incident[] {
  const byN = new Map<number, IncidentEntry[]>();
  session.incidents.forEach((e, i) => {
    const n = incidentNumber(e, i);
    byN.set(n, [...(byN.get(n) ?? []), e]);
  });
  return [...byN.entries()].map(([n, updates]) => {
    const latest = updates[updates.length - 1];
    return { n, updates, latest, open: !isClosedIncidentStatus(latest.status) };
  });
}

/** Incidents whose latest status is not resolved/closed. */
export function openIncidents(session: Pick<Session, 'incidents'>): Incident[] {
  return incidentsOf(session).filter((i) => i.open);
}

/** The number a new incident gets. */
export function nextIncidentNumber(session: Pick<Session, 'incidents'>): number {
  return Math.max(0, ...incidentsOf(session).map((i) => i.n)) + 1;
}
