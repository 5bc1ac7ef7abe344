/**
 * An incident as a Markdown file, rendered from the session alone (nothing in
 * it is not in the session): who opened it and when (UTC), the communication
 * message filled from the checklist's template as it stands now, its status
 * history, and what the tool knows at the last update: rollback criteria and
 * watch verdicts, commands run with their exit status, failing probes.
 * Pure; the store writes the text next to the session.
 */
import type { Checklist } from '../checklist/types.js';
import type { Session } from '../session/schema.js';
import { incidentsOf } from '../session/incidents.js';
import { isFailing } from '../verdict/probe.js';
import { codeBlock, escapeInline } from '../text/escape.js';
import { evaluateRollback } from './model.js';
import { ROLLBACK_WORDS } from '../verdict/window.js';

/** "2026-11-30 23:40 UTC". */
function utcMinute(msOrIso: number | string): string {
  const d = new Date(msOrIso);
  return Number.isNaN(d.getTime()) ? String(msOrIso) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface IncidentFileOptions {
  /** The checklist's template filled with the incident's latest values (src/store/incident.ts). */
  message: string;
  /** The template's promised update interval, when it names one. */
  updateEveryMin?: number;
}

/** The Markdown text of incident `n` of `session`, or undefined when the session has no such incident. */
export function renderIncidentFile(session: Session, checklist: Checklist, n: number, opts: IncidentFileOptions): string | undefined {
  const incident = incidentsOf(session).find((i) => i.n === n);
  if (!incident) return undefined;
  const t = (text: string | undefined) => escapeInline(text ?? '');
  const first = incident.updates[0];
  const last = incident.latest;
  const out: string[] = [];
  out.push(`# Incident ${n}: ${t(session.environment)}`, '');
  out.push(
    `- **Status**: ${t(last.status)}${incident.open ? '' : ' (closed)'}`,
    `- **Severity**: ${t(last.severity)}`,
    `- **Opened**: ${utcMinute(first.at)} by ${t(first.by)}`,
    `- **Last update**: ${utcMinute(last.at)} by ${t(last.by)}`,
    ...(incident.open && opts.updateEveryMin ? [`- **Next update due**: ${utcMinute(Date.parse(last.at) + opts.updateEveryMin * 60_000)} (every ${opts.updateEveryMin} minutes)`] : []),
    `- **Environment**: ${t(session.environment)}`,
    `- **Session**: ${t(session.id)}`,
    '',
  );
  out.push('## Message', '', codeBlock(opts.message.trimEnd()), '');

  out.push('## Status history', '');
  out.push('| Time | By | Status | Severity | Impact | ETA | Actions |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const u of incident.updates) out.push(`| ${utcMinute(u.at)} | ${t(u.by)} | ${t(u.status)} | ${t(u.severity)} | ${t(u.impact)} | ${t(u.eta)} | ${t(u.actions)} |`);
  out.push('');

  out.push(`## What the tool knows (at ${utcMinute(last.at)})`, '');
  const rollback = evaluateRollback(session, checklist).filter((v) => v.verdict !== 'unmeasured' || /watch|running|stopped/.test(v.observed));
  out.push('### Rollback criteria', '');
  if (rollback.length) for (const v of rollback) out.push(`- ${ROLLBACK_WORDS[v.verdict]}: ${t(v.criterion)} (${t(v.observed)}; threshold ${t(v.threshold)})`);
  else out.push('- none measured');
  out.push('');

  out.push('### Commands run', '');
  const runs = session.events.filter((e) => e.what === 'command.run' && e.at <= last.at);
  if (runs.length) {
    for (const e of runs) {
      // The event's first line is how the run ended (exit N, or exit N — FAILED: why), then `$ script`.
      const [head = '', script = ''] = (e.detail ?? '').split('\n');
      out.push(`- ${utcMinute(e.at)} by ${t(e.who)}: ${t(head)} — \`${escapeInline(script.replace(/^\$ /, '')).replace(/`/g, "'")}\``);
    }
  } else out.push('- none');
  out.push('');

  out.push('### Failing probes', '');
  const text = new Map(checklist.items.map((i) => [i.id, i.text]));
  const failing = Object.entries(session.items).flatMap(([id, rec]) => rec.probes.filter((p) => isFailing(p.status)).map((p) => ({ id, p })));
  if (failing.length) for (const { id, p } of failing) out.push(`- ${t(text.get(id) ?? id)}: ${t(p.kind)} ${t(p.status)}: ${t(p.summary)} (${utcMinute(p.at)})`);
  else out.push('- none');
  out.push('');
  return out.join('\n');
}
