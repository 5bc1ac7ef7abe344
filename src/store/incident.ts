/**
 * The incident communication template: taken from the checklist's own
 * "Communication Template" block when it has one, filled from the emergency form.
 */
import type { Checklist } from '../checklist/types.js';

export interface IncidentFields {
  status: string;
  severity: string;
  impact: string;
  eta: string;
  actions: string;
}

/** Used when the checklist carries no template (same text as the reference document). */
export const DEFAULT_INCIDENT_TEMPLATE = `INCIDENT ALERT: Service Impact

Status: [INVESTIGATING/IDENTIFIED/MONITORING/RESOLVED]
Severity: [HIGH/MEDIUM/LOW]
Impact: [Description of user impact]
ETA: [Estimated time to resolution]
Actions: [Current actions being taken]

Updates will be provided every 15 minutes.`;

const INCIDENT_STATUSES = ['INVESTIGATING', 'IDENTIFIED', 'MONITORING', 'RESOLVED'];
const INCIDENT_SEVERITIES = ['HIGH', 'MEDIUM', 'LOW'];

export interface TemplateChoices {
  /** The values of `Status: [A/B/...]`. */
  statuses: string[];
  /** The values of `Severity: [A/B/...]`. */
  severities: string[];
  /** "Updates will be provided every N minutes", when the template says so. */
  updateEveryMin?: number;
}

/** What the template allows: its own Status and Severity values and its update interval. */
export function templateChoices(template: string): TemplateChoices {
  const listOf = (label: string, fallback: string[]) => {
    const m = new RegExp(`^\\s*${label}:\\s*\\[([^\\]]*)\\]`, 'im').exec(template);
    const values = m ? m[1].split('/').map((v) => v.trim()).filter((v) => /^[A-Z][A-Z0-9 _-]*$/.test(v)) : [];
    return values.length >= 2 ? values : fallback;
  };
  const every = /every\s+(\d+)\s+minutes?/i.exec(template);
  return {
    statuses: listOf('Status', INCIDENT_STATUSES),
    severities: listOf('Severity', INCIDENT_SEVERITIES),
    updateEveryMin: every ? Number(every[1]) : undefined,
  };
}

/** The first fenced block that looks like the incident alert template. */
export function findIncidentTemplate(checklist: Checklist): string {
  for (const s of checklist.sections) {
    for (const g of s.guidance) {
      if (g.kind === 'command' && /INCIDENT ALERT/.test(g.text) && /Status:/.test(g.text)) return g.text.trimEnd();
    }
  }
  return DEFAULT_INCIDENT_TEMPLATE;
}

/** Replace the bracketed placeholder after each `Label:` with the form's value. */
export function fillIncidentTemplate(template: string, fields: IncidentFields): string {
  const byLabel: Record<string, string> = {
    status: fields.status,
    severity: fields.severity,
    impact: fields.impact,
    eta: fields.eta,
    actions: fields.actions,
  };
  return template
    .split('\n')
    .map((line) => {
      const m = /^(\s*)(Status|Severity|Impact|ETA|Actions):\s*\[[^\]]*\]\s*$/i.exec(line);
      if (!m) return line;
      const value = byLabel[m[2].toLowerCase()] ?? '';
      return `${m[1]}${m[2]}: ${value.replace(/\s*\n\s*/g, ' ').trim()}`;
    })
    .join('\n');
}
