/**
 * The `session` probe: the tool's own record, judged from the session the
 * probe runs in (a frozen copy the runner hands in, ctx.session). Without a
 * session (`check`, `watch`) it cannot judge: `inconclusive`, never a guess.
 *
 * - items-settled: every item outside the probe's own section is done,
 *   verified, skipped or n/a, and none failed ("All checklist items completed");
 * - watch-started: a watch of the rollback criteria was started ("… monitoring
 *   period initiated");
 * - success-criteria: no rollback criterion met in any watch, the latest
 *   window complete, no item failed, no incident open ("Success criteria met");
 * - known-issues: each failed, skipped or overridden item carries a note or
 *   reason, and each incident its impact ("Known issues documented");
 * - incident-timeline: each incident still open was updated within `every`
 *   ("Update incident timeline");
 * - notified: a message of kind `event` was delivered (the webhook answered
 *   2xx, recorded as a `notify.sent` event) to a target of `audience`, and
 *   (`with=eta`) gave an ETA ("Stakeholders notified", "Alert operations team",
 *   "Communicate ETA for resolution"). A delivery to a target with no audience
 *   cannot say who read it: inconclusive.
 */
import type { z } from 'zod';
import type { params as schema } from './kinds/session.js';
import type { Probe, ProbeOutcome, SessionView } from './types.js';
import { savedVerdict } from '../verdict/window.js';
import { foldChecks, type Check } from './toolkit.js';
import { ANNOUNCEMENTS } from '../grammar/notifications.js';

export type SessionParams = z.infer<typeof schema>;
type S = SessionView['session'];

const SETTLED = new Set(['done', 'verified', 'skipped', 'na']);
/** The incident template's statuses that close an incident. */
const CLOSED = /^\s*resolved\b/i;

/** The section part of an item id (`a/b/item` → `a/b/`). */
const sectionOf = (id: string) => id.slice(0, id.lastIndexOf('/') + 1);

function list(ids: string[], max = 3): string {
  return ids.slice(0, max).join(', ') + (ids.length > max ? `, … (${ids.length - max} more)` : '');
}

function itemsSettled(s: S, own?: string): Check[] {
  const skip = own !== undefined ? sectionOf(own) : undefined;
  const ids = Object.keys(s.items).filter((id) => id !== own && (skip === undefined || skip === '' || sectionOf(id) !== skip));
  const failed = ids.filter((id) => s.items[id]?.state === 'failed');
  const pending = ids.filter((id) => !SETTLED.has(s.items[id]?.state ?? 'pending') && s.items[id]?.state !== 'failed');
  const checks: Check[] = [];
  if (failed.length) checks.push({ status: 'fail', message: `${failed.length} item${failed.length === 1 ? '' : 's'} failed: ${list(failed)}` });
  if (pending.length) checks.push({ status: 'fail', message: `${pending.length} item${pending.length === 1 ? '' : 's'} not settled: ${list(pending)}` });
  if (!checks.length) checks.push({ status: 'pass', message: `all ${ids.length} other items settled (done, verified, skipped with a reason or n/a), none failed` });
  return checks;
}

function windowText(w: NonNullable<S['watches']>[number]): string {
  const l = w.criteria[0]?.limits;
  if (!l) return 'no criteria';
  const mins = Math.round((l.intervalMs * l.count) / 60_000);
  return `${w.criteria.length} criteri${w.criteria.length === 1 ? 'on' : 'a'}, window ${l.count} × ${Math.round(l.intervalMs / 1000)} s${mins ? ` ≈ ${mins} min` : ''}`;
}

function watchStarted(s: S): Check[] {
  const w = s.watches?.at(-1);
  if (!w) return [{ status: 'fail', message: 'no watch of the rollback criteria started in this session (start one: w in the wizard)' }];
  return [{ status: 'pass', message: `watch started ${w.startedAt} by ${w.by} (${windowText(w)})${w.stopped ? `, stopped: ${w.stopped}` : ', running'}` }];
}

function successCriteria(s: S): Check[] {
  const checks: Check[] = [];
  for (const w of s.watches ?? []) {
    for (const c of w.criteria) {
      const v = savedVerdict(c, w.stopped);
      if (v.phase === 'failed') checks.push({ status: 'fail', message: `rollback criterion met: ${c.text} (${v.message})` });
    }
  }
  const failed = Object.entries(s.items).filter(([, r]) => r.state === 'failed').map(([id]) => id);
  if (failed.length) checks.push({ status: 'fail', message: `${failed.length} item${failed.length === 1 ? '' : 's'} failed: ${list(failed)}` });
  const open = s.incidents.filter((i) => !CLOSED.test(i.status));
  if (open.length) checks.push({ status: 'fail', message: `incident open since ${open[0].at} (${open[0].status}, ${open[0].severity})` });
  const last = s.watches?.at(-1);
  if (!last) checks.push({ status: 'inconclusive', reason: 'no-data', message: 'no watch of the rollback criteria in this session: the success criteria were not measured' });
  else {
    const taken = Math.min(...last.criteria.map((c) => c.measurements.length));
    const count = Math.max(...last.criteria.map((c) => c.limits.count));
    if (taken < count && last.stopped !== 'ended') {
      checks.push({ status: 'inconclusive', reason: 'no-data', message: `the watch window is ${last.stopped ? 'incomplete' : 'still running'} (${taken}/${count} samples): success cannot be judged yet` });
    }
  }
  if (!checks.length) {
    const n = last!.criteria.length;
    checks.push({ status: 'pass', message: `no rollback criterion met over a complete window (${n} criteri${n === 1 ? 'on' : 'a'}), no item failed, no incident open` });
  }
  return checks;
}

function knownIssues(s: S): Check[] {
  const issues = Object.entries(s.items).filter(([, r]) => r.state === 'failed' || r.state === 'skipped' || r.override);
  const bare = issues.filter(([, r]) => !(r.note?.trim() || r.reason?.trim())).map(([id]) => id);
  const vague = s.incidents.filter((i) => !i.impact.trim());
  const checks: Check[] = [];
  if (bare.length) checks.push({ status: 'fail', message: `${bare.length} issue${bare.length === 1 ? '' : 's'} without a note or reason: ${list(bare)}` });
  if (vague.length) checks.push({ status: 'fail', message: `${vague.length} incident${vague.length === 1 ? '' : 's'} without an impact` });
  if (!checks.length) checks.push({ status: 'pass', message: issues.length || s.incidents.length ? `${issues.length} failed, skipped or overridden item${issues.length === 1 ? '' : 's'} and ${s.incidents.length} incident${s.incidents.length === 1 ? '' : 's'}, each documented` : 'no known issue: no item failed, skipped or overridden, no incident' });
  return checks;
}

function incidentTimeline(s: S, everyMs: number, now: number): Check[] {
  if (!s.incidents.length) return [{ status: 'inconclusive', reason: 'no-data', message: 'no incident recorded in this session: no timeline to update' }];
  const last = s.incidents.at(-1)!;
  if (CLOSED.test(last.status)) return [{ status: 'pass', message: `incident timeline: ${s.incidents.length} entr${s.incidents.length === 1 ? 'y' : 'ies'}, resolved ${last.at}` }];
  const age = now - Date.parse(last.at);
  const mins = Math.round(age / 60_000);
  if (age > everyMs) return [{ status: 'fail', message: `incident timeline last updated ${mins} min ago (${last.status}); updates are due every ${Math.round(everyMs / 60_000)} min` }];
  return [{ status: 'pass', message: `incident timeline updated ${mins} min ago (${last.status}, ${s.incidents.length} entr${s.incidents.length === 1 ? 'y' : 'ies'})` }];
}

type Note = NonNullable<S['events'][number]['notification']> & { at: string; who: string };

/** Where a notification went, as the record names it. */
const whereTo = (n: Note) => (n.audience ? `${n.audience} (${n.host})` : n.host);

function notified(s: S, events: readonly string[], audience?: string, withEta = false): Check[] {
  const of = (what: string) =>
    s.events.flatMap((e) => (e.what === what && e.notification && events.includes(e.notification.event) ? [{ ...e.notification, at: e.at, who: e.who }] : []));
  const kinds = events.join(' or ');
  const to = audience ? ` to ${audience}` : '';
  const sent = of('notify.sent');
  const reached = audience ? sent.filter((n) => n.audience === audience) : sent;
  const told = withEta ? reached.filter((n) => n.eta?.trim()) : reached;
  if (told.length) {
    const n = told.at(-1)!;
    return [{ status: 'pass', message: `${n.event} notification delivered to ${whereTo(n)} ${n.at} by ${n.who} (HTTP ${n.status ?? '2xx'})${withEta ? `, ETA ${n.eta}` : ''}${told.length > 1 ? ` (${told.length} deliveries)` : ''}` }];
  }
  if (reached.length) {
    const n = reached.at(-1)!;
    return [{ status: 'fail', message: `${n.event} notification delivered to ${whereTo(n)} ${n.at} gave no ETA for resolution (record one on the incident form: !, then send again)` }];
  }
  const lost = of('notify.failed').filter((n) => !audience || n.audience === audience);
  if (lost.length) {
    const n = lost.at(-1)!;
    return [{ status: 'fail', message: `${n.event} notification${to} not delivered: ${whereTo(n)} ${n.error ?? 'did not take it'} (${n.at}, ${n.who})` }];
  }
  if (audience) {
    // Delivered, but to a webhook whose readers the record does not name.
    const unnamed = sent.filter((n) => !n.audience);
    if (unnamed.length) {
      const n = unnamed.at(-1)!;
      return [{ status: 'inconclusive', reason: 'no-data', message: `${n.event} notification delivered to ${n.host} (${n.at}), a webhook with no audience: the record cannot tell that it reached ${audience} (name it in --config: "notify": {"${audience}": URL})` }];
    }
  }
  return [{ status: 'fail', message: `no ${kinds} notification delivered${to} in this session${ANNOUNCEMENTS.some((k) => events.includes(k)) ? ' (send it: a on this item)' : ''}` }];
}

/** The checklist's incident template: "Updates will be provided every 15 minutes." */
const DEFAULT_EVERY_MS = 15 * 60_000;

export const probe: Probe<SessionParams> = async (p, ctx): Promise<ProbeOutcome> => {
  const view = ctx.session;
  if (!view) {
    return { status: 'inconclusive', reason: 'cannot-judge-here', summary: `no session here: ${p.check} is judged from the session's own record, in the wizard`, hint: 'run it in the wizard (deploy-wizard start / resume), where the session is', evidence: [] };
  }
  const s = view.session;
  if (p.check === 'notified' && !p.event?.length) {
    return { status: 'error', summary: 'check=notified needs event=KIND (e.g. event=deployment.complete): fix the annotation', evidence: [] };
  }
  const checks =
    p.check === 'items-settled'
      ? itemsSettled(s, view.itemId)
      : p.check === 'watch-started'
        ? watchStarted(s)
        : p.check === 'success-criteria'
          ? successCriteria(s)
          : p.check === 'known-issues'
            ? knownIssues(s)
            : p.check === 'notified'
              ? notified(s, p.event ?? [], p.audience, p.with === 'eta')
              : incidentTimeline(s, p.every ?? DEFAULT_EVERY_MS, Date.now());
  const evidence = [`session ${s.id} (${s.environment}), ${Object.keys(s.items).length} items, ${s.watches?.length ?? 0} watches, ${s.incidents.length} incidents`];
  return foldChecks(checks, checks.filter((c) => c.status === 'pass').map((c) => c.message).join('; '), evidence);
};
