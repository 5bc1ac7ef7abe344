/**
 * The emergency form: an incident written from the checklist's Communication
 * Template, updated while it is open, and its update reminder. The session
 * core decides what an open incident is (src/session/incidents.ts); the file
 * is rendered from the session after the change is accepted, so nothing is
 * ever written beside the record, and a completed session refuses it.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Session } from '../session/schema.js';
import { incidentsOf, nextIncidentNumber, openIncidents } from '../session/incidents.js';
import { readOnlyLine } from '../session/signoff.js';
import { renderIncidentFile } from '../report/incident-file.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { fillIncidentTemplate, findIncidentTemplate, templateChoices, type IncidentFields } from './incident.js';

export interface IncidentSlice {
  /** The open incident, while the session is not completed: when its next update is due (epoch ms). */
  incident?: { n: number; dueAt: number; everyMin: number };
  /** The store's clock (the reminder counts minutes with it; tests pin it). */
  clock: () => number;
  /** `!`: the form, on a new incident or on the open one (prefilled); a completed session refuses it with the read-only line. */
  openEmergency(): void;
  /** Log the form: a new incident, or an update of incident `updating` (its status history grows). */
  saveEmergency(fields: IncidentFields, updating?: number): Promise<void>;
  /** Keep the form as typed in the session, as this operator's own draft; nothing is written when it is unchanged. */
  saveIncidentDraft(fields: IncidentFields, updating?: number): Promise<void>;
}

/** The incident `!` updates: the latest open one (undefined: `!` opens a new one). */
export function emergencyTarget(session: Pick<Session, 'incidents'>): { n: number; fields: IncidentFields; openedAt: string; openedBy: string } | undefined {
  const open = openIncidents(session).at(-1);
  if (!open) return undefined;
  const { status, severity, impact, eta, actions } = open.latest;
  return { n: open.n, fields: { status, severity, impact, eta, actions }, openedAt: open.updates[0].at, openedBy: open.updates[0].by };
}

/** This operator's own incident draft (an older file's shared draft only when they typed it). */
export function ownIncidentDraft(session: Pick<Session, 'incidentDrafts' | 'incidentDraft'>, who: string): (IncidentFields & { incident?: number }) | undefined {
  return session.incidentDrafts?.[who] ?? (session.incidentDraft?.by === who ? session.incidentDraft : undefined);
}

const INCIDENT_FIELDS = ['status', 'severity', 'impact', 'eta', 'actions'] as const;

export const incidentSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], IncidentSlice> =>
  (set, get) => {
    const { deps, redact } = ctx;
    // The incident template's own Status/Severity values and update interval (checklist's Communication Template).
    const template = findIncidentTemplate(ctx.checklist);
    const allowed = templateChoices(template);
    /** The reminder for the latest open incident, counted from its last update; none once the session is completed. */
    const reminderOf = (doc: Session, at?: number): IncidentSlice['incident'] => {
      const open = openIncidents(doc).at(-1);
      if (!open || !allowed.updateEveryMin || doc.status === 'completed') return undefined;
      return { n: open.n, dueAt: (at ?? Date.parse(open.latest.at)) + allowed.updateEveryMin * 60_000, everyMin: allowed.updateEveryMin };
    };

    return {
      incident: reminderOf(ctx.session.current()),
      clock: ctx.now,
      openEmergency() {
        const doc = get().session;
        if (doc.status === 'completed') {
          set({ error: readOnlyLine(doc), incident: undefined });
          return;
        }
        get().openScreen('emergency');
      },
      async saveEmergency(fields, updating) {
        const doc = get().session;
        // A completed session is read-only: nothing is logged, and no file is written beside it.
        if (doc.status === 'completed') {
          set({ error: readOnlyLine(doc), incident: undefined });
          return;
        }
        const clean = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, redact(String(v).trim())])) as unknown as IncidentFields;
        if (!clean.status || !clean.severity || !clean.impact) {
          set({ error: 'status, severity and impact are required' });
          return;
        }
        for (const [label, value, values] of [['status', clean.status, allowed.statuses], ['severity', clean.severity, allowed.severities]] as const) {
          if (!values.includes(value)) {
            set({ error: `${label} ${value} is not one of the template's: ${values.join(', ')}` });
            return;
          }
        }
        const target = updating !== undefined ? incidentsOf(doc).find((i) => i.n === updating) : undefined;
        const n = target?.n ?? nextIncidentNumber(doc);
        const at = ctx.now();
        // Logged first (the change drops this operator's draft); refused (completed meanwhile), nothing is written.
        const refused = await ctx.applyNow({ type: 'incident', ...clean, file: target?.latest.file ?? deps.incidentPath?.(n), incident: target ? n : undefined });
        if (refused) return;
        // The file is the record rendered: every line of it is in the session.
        const text = renderIncidentFile(get().session, ctx.checklist, n, { message: redact(fillIncidentTemplate(template, clean)), updateEveryMin: allowed.updateEveryMin });
        let file: string | undefined;
        let error: string | undefined;
        if (deps.writeIncident && text) {
          try {
            file = await deps.writeIncident(n, text);
          } catch (err) {
            error = `incident ${n} is recorded in the session; its file could not be written: ${redact(err instanceof Error ? err.message : String(err))}`;
          }
        }
        // Short: the path must fit the status line whole at 80 columns.
        const what = target ? `incident ${n} updated (${clean.status})` : `incident ${n}`;
        set({
          screen: get().back,
          error,
          notice: file ? (target ? `${what}: ${file}` : `incident written to ${file}`) : `${what} recorded in the session`,
          // Counted from the store's clock (the time of this update), not the save.
          incident: reminderOf(get().session, at),
        });
      },
      async saveIncidentDraft(fields, updating) {
        const doc = get().session;
        if (doc.status === 'completed') return;
        const clean = Object.fromEntries(INCIDENT_FIELDS.map((k) => [k, redact(String(fields[k] ?? ''))])) as unknown as IncidentFields;
        const was = ownIncidentDraft(doc, deps.operator);
        if (INCIDENT_FIELDS.every((k) => (was?.[k] ?? '') === clean[k]) && was?.incident === updating) return;
        await get().apply({ type: 'incident.draft', ...clean, incident: updating });
      },
    };
  };
