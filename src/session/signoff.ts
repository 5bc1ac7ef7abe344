/**
 * Sign-off rules, pure: the fingerprint a signature is bound to, whether each
 * signature still matches the session, and the Final Checklist guard rail
 * that decides whether a Deployment Status may be recorded.
 */
import { dateClockText } from '../grammar/time-format.js';
import { createHash } from 'node:crypto';
import type { Checklist } from '../checklist/types.js';
import type { ItemRecord, Session, WatchRecord } from './schema.js';
import { isFailing } from '../verdict/probe.js';
import { savedVerdict } from '../verdict/window.js';
import { openIncidents } from './incidents.js';
import { byCodeUnit } from '../order.js';

/** Used when the checklist has no Sign-off table / "Deployment Status" line. */
export const DEFAULT_ROLES = ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'];
export const DEFAULT_STATUSES = ['SUCCESS', 'FAILED', 'ROLLED BACK'];

/** Roles that sign, from the checklist's own Sign-off table (fallback: the four shipped roles). */
export function signoffRoles(checklist?: Pick<Checklist, 'signoff'>): string[] {
  const roles = checklist?.signoff?.roles ?? [];
  return roles.length ? roles : DEFAULT_ROLES;
}

/** Status choices, from the document's "Deployment Status" line (fallback: SUCCESS/FAILED/ROLLED BACK). */
export function signoffStatuses(checklist?: Pick<Checklist, 'signoff'>): string[] {
  const statuses = checklist?.signoff?.statuses ?? [];
  return statuses.length ? statuses : DEFAULT_STATUSES;
}

/** A status that claims the deployment went well, so the guard rail applies to it. */
export function isSuccessStatus(status: string): boolean {
  return /^\s*success/i.test(status);
}

/** JSON with object keys sorted at every level, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => byCodeUnit(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The part of an item a signer vouches for. Who touched it last and when is
 * bookkeeping, not content; an untouched pending record equals no record, so
 * reconciliation creating empty records does not void signatures.
 */
function itemContent(rec: ItemRecord): Record<string, unknown> | undefined {
  const { state, reason, note, override, probes } = rec;
  if (state === 'pending' && !reason && !note && !override && probes.length === 0) return undefined;
  return { state, reason, note, override: override || undefined, probes };
}

/** The content a signature covers: items, notes, probe results, incidents, environment, checklist hash. */
function fingerprintContent(session: Session): Record<string, unknown> {
  const items: Record<string, unknown> = {};
  for (const [id, rec] of Object.entries(session.items)) {
    const c = itemContent(rec);
    if (c) items[id] = c;
  }
  return {
    checklistHash: session.checklist.hash,
    environment: session.environment,
    items,
    incidents: session.incidents,
  };
}

/**
 * SHA-256 hex of the canonical JSON of the signed content. Excludes the
 * sign-off block, cursor, updatedAt and the event log, so signing, moving
 * around and reading never change it.
 */
export function sessionFingerprint(session: Session): string {
  return createHash('sha256').update(canonicalJson(fingerprintContent(session))).digest('hex');
}

export interface SignatureCheck {
  role: string;
  name: string;
  signature: string;
  date: string;
  fingerprint: string;
  /** valid: the session still has the content signed; changed: something signed changed since. */
  status: 'valid' | 'changed';
}

/** Every signature with whether the session still matches what was signed. */
export function signatureStatus(session: Session): SignatureCheck[] {
  const now = sessionFingerprint(session);
  return session.signoff.signatures.map((s) => ({
    role: s.role,
    name: s.name,
    signature: s.signature,
    date: s.date,
    fingerprint: s.fingerprint,
    status: s.fingerprint === now ? 'valid' : 'changed',
  }));
}

export interface GuardResult {
  /** Whether the status may be recorded now (with the override reason, when one was given). */
  allowed: boolean;
  /** Why the status is not clean: each blocker as a sentence naming counts and examples. */
  reasons: string[];
  /** True when the status is only allowed with an explicit override reason. */
  needsOverride: boolean;
}

const EXAMPLES = 3;

function examples(texts: string[]): string {
  const shown = texts.slice(0, EXAMPLES).map((t) => `"${t}"`).join(', ');
  return texts.length > EXAMPLES ? `${shown} and ${texts.length - EXAMPLES} more` : shown;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the sign-off rules need of the checklist; stored in the session (signoff.policy) so every writer applies the same rules. */
export interface SignoffPolicy {
  /** Every role of the Sign-off table. */
  roles: string[];
  /** Groups of roles one person may hold together. */
  combinable?: string[][];
  /** Roles whose signer must not have operated the deployment (changed an item). */
  independent?: string[];
  /** The Deployment Status choices. */
  statuses?: string[];
}

/** The checklist's sign-off policy: what a session stores at its start and on reconciliation. */
export function signoffPolicy(checklist?: Pick<Checklist, 'signoff'>): SignoffPolicy {
  const policy: SignoffPolicy = { roles: signoffRoles(checklist) };
  if (checklist?.signoff?.combinable?.length) policy.combinable = checklist.signoff.combinable;
  if (checklist?.signoff?.independent?.length) policy.independent = checklist.signoff.independent;
  policy.statuses = signoffStatuses(checklist);
  return policy;
}

/**
 * The policy the session core applies: the one the session stored from its
 * checklist. A session written before the policy was stored falls back to
 * the shipped Sign-off table (all four roles, nothing combinable, the three
 * statuses): never fewer roles than a session of the shipped checklist needs,
 * so the fallback can only ask for more signatures or an override, never let
 * a completion through that the checklist would refuse. Resuming such a
 * session in the wizard stores its checklist's policy (reconciliation).
 */
export function sessionPolicy(session: Pick<Session, 'signoff'>): SignoffPolicy {
  return session.signoff.policy ?? { roles: DEFAULT_ROLES, statuses: DEFAULT_STATUSES };
}

/** One reason a status cannot be recorded without an override. */
export type BlockerKind = 'roles' | 'pending' | 'failed-items' | 'failing-probes' | 'criterion-met' | 'incident-open' | 'watch-running' | 'watch-incomplete';

export interface Blocker {
  kind: BlockerKind;
  /** The sentence the sign-off screen, the refusal and the report show. */
  text: string;
}

/** How an item is named in a blocker: the checklist's text when the caller has it, else its id. */
export type ItemLabel = (itemId: string) => string;

/** Item labels from a checklist (its text), falling back to the id. */
export function itemLabels(checklist?: Pick<Checklist, 'items'>): ItemLabel {
  const textOf = new Map(checklist?.items.map((i) => [i.id, i.text]) ?? []);
  return (id) => textOf.get(id) ?? id;
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** Blockers from the session's watches of the rollback criteria, judged by the verdict core's window judge. */
function watchBlockers(session: Pick<Session, 'watches'>): Blocker[] {
  const out: Blocker[] = [];
  for (const w of session.watches ?? []) {
    const name = `watch started ${hhmm(w.startedAt)} by ${w.by}`;
    const verdicts = w.criteria.map((c) => ({ c, v: savedVerdict(c, w.stopped) }));
    for (const { c, v } of verdicts) {
      if (v.phase === 'failed') out.push({ kind: 'criterion-met', text: `rollback criterion met: "${c.text}" (${v.counts.failed} failed > failure_limit ${c.limits.failureLimit}; ${name})` });
    }
    const samples = (c: WatchRecord['criteria'][number]) => `${c.measurements.length}/${c.limits.count} samples`;
    const unfinished = verdicts.filter(({ c, v }) => v.phase !== 'failed' && c.measurements.length < c.limits.count && !(v.phase === 'inconclusive' && !w.stopped));
    if (!unfinished.length) continue;
    const figures = unfinished.map(({ c }) => `"${c.text}" ${samples(c)}`).join(', ');
    if (!w.stopped) out.push({ kind: 'watch-running', text: `${name} is still running (${figures})` });
    else if (w.stopped !== 'ended' && w.stopped !== 'met') out.push({ kind: 'watch-incomplete', text: `${name} is incomplete: stopped early ${w.stopped === 'signoff' ? 'at sign-off' : 'by the operator'} (${figures})` });
  }
  return out;
}

/**
 * Everything that stands between the session and recording `status`, each
 * a blocker an override reason must cover:
 * - any status: roles of the session's policy without a valid signature;
 * - SUCCESS (the reference document's Final Checklist, "All checklist items
 *   completed", "Success criteria met"): items pending or failed, probes
 *   failing, a rollback criterion met in a watch, an incident open, a watch
 *   window running or stopped early (incomplete).
 * FAILED and ROLLED BACK (any non-success status) are never blocked by the
 * Final Checklist: recording a bad outcome must never be blocked.
 * The item ids are the session's (reconciliation keeps them equal to the checklist's).
 */
export function completionBlockers(session: Session, status: string, label: ItemLabel = (id) => id): Blocker[] {
  const out: Blocker[] = [];
  const roles = sessionPolicy(session).roles;
  const unsigned = unsignedRoles(session, roles);
  if (unsigned.length) out.push({ kind: 'roles', text: `${unsigned.length} of ${roles.length} roles not signed (${unsigned.join(', ')})` });
  if (!isSuccessStatus(status)) return out;
  const pending: string[] = [];
  const failed: string[] = [];
  const failedProbes: string[] = [];
  for (const [id, rec] of Object.entries(session.items)) {
    if (rec.state === 'pending') pending.push(label(id));
    if (rec.state === 'failed') failed.push(label(id));
    for (const p of rec.probes) if (isFailing(p.status)) failedProbes.push(`${label(id)}: ${p.kind} ${p.status}`);
  }
  if (pending.length) out.push({ kind: 'pending', text: `${plural(pending.length, 'item is', 'items are')} still pending (${examples(pending)})` });
  if (failed.length) out.push({ kind: 'failed-items', text: `${plural(failed.length, 'item', 'items')} failed (${examples(failed)})` });
  if (failedProbes.length) out.push({ kind: 'failing-probes', text: `${plural(failedProbes.length, 'probe', 'probes')} failed (${examples(failedProbes)})` });
  const watch = watchBlockers(session);
  out.push(...watch.filter((b) => b.kind === 'criterion-met'));
  for (const i of openIncidents(session)) {
    out.push({ kind: 'incident-open', text: `incident ${i.n} is open (${i.latest.status}, ${i.latest.severity}, last update ${hhmm(i.latest.at)} by ${i.latest.by})` });
  }
  out.push(...watch.filter((b) => b.kind !== 'criterion-met'));
  return out;
}

/**
 * The Final Checklist part of the guard (completionBlockers without the
 * unsigned roles) as a yes/no: may `status` be recorded with `overrideReason`?
 */
export function completionGuard(session: Session, checklist: Pick<Checklist, 'items'> | undefined, status: string, overrideReason?: string): GuardResult {
  const reasons = completionBlockers(session, status, itemLabels(checklist)).filter((b) => b.kind !== 'roles').map((b) => b.text);
  const needsOverride = reasons.length > 0;
  return { allowed: !needsOverride || Boolean(overrideReason?.trim()), reasons, needsOverride };
}

/**
 * Why a completion must be refused, or undefined when it may be recorded:
 * every blocker needs the override reason, and when the writer says which
 * blockers it saw (`acknowledged`, the kinds its screen showed next to the
 * reason), a blocker of another kind that appeared since is refused, so a
 * reason is never recorded against something its author did not see.
 */
export function completionRefusal(blockers: readonly Blocker[], status: string, overrideReason: string | undefined, acknowledged?: readonly BlockerKind[]): string | undefined {
  if (!blockers.length) return undefined;
  if (!overrideReason?.trim()) {
    // Another status helps only past the Final Checklist's blockers; unsigned roles need signatures or the reason whatever the status.
    const other = blockers.some((b) => b.kind !== 'roles') ? ', or choose another status' : '';
    return `cannot complete ${status}: ${blockers.map((b) => b.text).join('; ')}; give an override reason that covers ${blockers.length === 1 ? 'it' : `each of these ${blockers.length}`}${other}`;
  }
  const unseen = acknowledged ? blockers.filter((b) => !acknowledged.includes(b.kind)) : [];
  if (unseen.length) {
    return `cannot complete ${status}: ${unseen.map((b) => b.text).join('; ')} came up after the override reason was written; read it and confirm the reason again`;
  }
  return undefined;
}

const day = (iso: string) => dateClockText(iso, { seconds: false });

/** Why `who` may not sign `role` now, or undefined when they may (and which held role it is combined with). */
export function signRefusal(session: Session, role: string, who: string, policy: SignoffPolicy): { refused?: string; combinedWith?: string } {
  if (!policy.roles.includes(role)) return { refused: `"${role}" is not a role of the checklist's Sign-off table (${policy.roles.join(', ')})` };
  const sigs = session.signoff.signatures;
  const held = sigs.find((s) => s.role === role);
  if (held && held.name !== who) {
    return { refused: `${role} is already signed by ${held.name} (${day(held.date)}); only ${held.name} can revoke that signature` };
  }
  const other = sigs.find((s) => s.role !== role && s.name === who);
  let combinedWith: string | undefined;
  if (other) {
    const allowed = (policy.combinable ?? []).some((g) => g.includes(role) && g.includes(other.role));
    if (!allowed) return { refused: `${who} already signed ${other.role}: each role needs a different person (the checklist does not let ${role} and ${other.role} be combined)` };
    combinedWith = other.role;
  }
  if (policy.independent?.includes(role) && session.events.some((e) => e.who === who && e.what === 'item.state')) {
    return { refused: `${role} must be signed by someone who did not operate the deployment, and ${who} changed items in this session` };
  }
  return { combinedWith };
}

/** Roles of the table without a signature that still matches the session (unsigned, or changed after signing). */
export function unsignedRoles(session: Session, roles: string[]): string[] {
  const valid = new Set(signatureStatus(session).filter((c) => c.status === 'valid').map((c) => c.role));
  return roles.filter((r) => !valid.has(r));
}

/**
 * Why recording `status` now needs an override reason (completionBlockers,
 * items named by the checklist's text). Empty when none is needed. The
 * sign-off screen shows these; the completion records them with the reason.
 */
export function overrideReasons(session: Session, checklist: Pick<Checklist, 'items'> | undefined, status: string): string[] {
  return completionBlockers(session, status, itemLabels(checklist)).map((b) => b.text);
}

/** `who`'s own sign-off draft: theirs by author, or an older file's one shared draft when they typed it. */
export function ownSignoffDraft(session: Pick<Session, 'signoff'>, who: string): NonNullable<Session['signoff']['draft']> | undefined {
  return session.signoff.drafts?.[who] ?? (session.signoff.draft?.by === who ? session.signoff.draft : undefined);
}

/** The last completion, when the session is completed now. */
export function currentCompletion(session: Session): { at: string; by: string; status?: string; overrideReason?: string } | undefined {
  if (session.status !== 'completed') return undefined;
  const last = [...(session.signoff.history ?? [])].reverse().find((h) => h.action === 'completed');
  const overrideReason = last ? last.overrideReason : session.signoff.override?.reason;
  return { at: last?.at ?? session.signoff.completedAt ?? session.updatedAt, by: last?.by ?? 'unknown', status: last?.status ?? session.signoff.status, ...(overrideReason ? { overrideReason } : {}) };
}

/** The one line every refused change in a completed session gets. */
export function readOnlyLine(session: Session): string {
  const c = currentCompletion(session);
  const what = c ? ` by ${c.by} at ${day(c.at)}${c.status ? ` (${c.status})` : ''}` : '';
  return `session ${session.id} was completed${what} and is read-only; reopen it on the sign-off screen (o) to change anything`;
}
