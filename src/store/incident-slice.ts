/** The emergency form: an incident written from the checklist's Communication Template, and its update reminder. */
import type { StateCreator } from 'zustand/vanilla';
import type { Session } from '../session/schema.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { fillIncidentTemplate, findIncidentTemplate, incidentHeader, templateChoices, type IncidentFields } from './incident.js';

export interface IncidentSlice {
  /** The open incident, while its status is not RESOLVED: when its next update is due (epoch ms). */
  incident?: { n: number; dueAt: number; everyMin: number };
  /** The store's clock (the reminder counts minutes with it; tests pin it). */
  clock: () => number;
  saveEmergency(fields: IncidentFields): Promise<void>;
  /** Keep the form as typed in the session (session.incidentDraft); nothing is written when it is unchanged. */
  saveIncidentDraft(fields: IncidentFields): Promise<void>;
}

export const incidentSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], IncidentSlice> =>
  (set, get) => {
    const { deps, redact } = ctx;
    // The incident template's own Status/Severity values and update interval (checklist's Communication Template).
    const template = findIncidentTemplate(ctx.checklist);
    const allowed = templateChoices(template);
    /** The reminder for the last incident logged, unless it is resolved or the template names no interval. */
    const reminderOf = (doc: Session): IncidentSlice['incident'] => {
      const last = doc.incidents.at(-1);
      if (!last || !allowed.updateEveryMin || /RESOLVED/i.test(last.status)) return undefined;
      return { n: doc.incidents.length, dueAt: Date.parse(last.at) + allowed.updateEveryMin * 60_000, everyMin: allowed.updateEveryMin };
    };

    return {
      incident: reminderOf(ctx.session.current()),
      clock: ctx.now,
      async saveEmergency(fields) {
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
        // Logging it drops the draft (the incident change does), so a form left earlier is not offered again.
        const n = get().session.incidents.length + 1;
        const at = ctx.now();
        const header = incidentHeader({ n, at, environment: get().session.environment, operator: deps.operator, sessionId: get().session.id, updateEveryMin: allowed.updateEveryMin });
        const text = redact(header) + fillIncidentTemplate(template, clean);
        let file: string | undefined;
        if (deps.writeIncident) {
          try {
            file = await deps.writeIncident(n, text);
          } catch (err) {
            set({ error: `could not write the incident file: ${redact(err instanceof Error ? err.message : String(err))}` });
          }
        }
        await ctx.applyNow({ type: 'incident', ...clean, file });
        set({
          screen: get().back,
          notice: file ? `incident written to ${file}` : 'incident logged',
          // Counted from the store's clock (the time written in the file), not the save.
          incident: allowed.updateEveryMin && !/RESOLVED/i.test(clean.status) ? { n, dueAt: at + allowed.updateEveryMin * 60_000, everyMin: allowed.updateEveryMin } : undefined,
        });
      },
      async saveIncidentDraft(fields) {
        const doc = get().session;
        if (doc.status === 'completed') return;
        const clean = Object.fromEntries(INCIDENT_FIELDS.map((k) => [k, redact(String(fields[k] ?? ''))])) as unknown as IncidentFields;
        const was = doc.incidentDraft;
        if (INCIDENT_FIELDS.every((k) => (was?.[k] ?? '') === clean[k])) return;
        await get().apply({ type: 'incident.draft', ...clean });
      },
    };
  };

const INCIDENT_FIELDS = ['status', 'severity', 'impact', 'eta', 'actions'] as const;
