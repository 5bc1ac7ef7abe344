/**
 * Sign-off rules, pure: the fingerprint a signature is bound to, whether each
 * signature still matches the session, and the Final Checklist guard rail
 * that decides whether a Deployment Status may be recorded.
 */
import { createHash } from 'node:crypto';
import type { Checklist } from '../checklist/types.js';
import type { ItemRecord, Session } from './schema.js';
import { isFailing } from '../verdict/probe.js';
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
export function fingerprintContent(session: Session): Record<string, unknown> {
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
  /** Why SUCCESS is not clean: each a sentence naming counts and examples. */
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

/**
 * The reference document's Final Checklist as a rule ("All checklist items
 * completed", "Success criteria met"): SUCCESS while items are pending, items
 * failed or probes failed needs an explicit override with a reason. FAILED,
 * ROLLED BACK (any non-success status) are always allowed: recording a bad
 * outcome must never be blocked.
 */
export function completionGuard(
  session: Session,
  checklist: Pick<Checklist, 'items'> | undefined,
  status: string,
  overrideReason?: string,
): GuardResult {
  if (!isSuccessStatus(status)) return { allowed: true, reasons: [], needsOverride: false };
  const ids = checklist?.items.length ? checklist.items.map((i) => i.id) : Object.keys(session.items);
  const textOf = new Map(checklist?.items.map((i) => [i.id, i.text]) ?? []);
  const label = (id: string) => textOf.get(id) ?? id;
  const pending: string[] = [];
  const failed: string[] = [];
  const failedProbes: string[] = [];
  for (const id of ids) {
    const rec = session.items[id];
    const state = rec?.state ?? 'pending';
    if (state === 'pending') pending.push(label(id));
    if (state === 'failed') failed.push(label(id));
    for (const p of rec?.probes ?? []) {
      if (isFailing(p.status)) failedProbes.push(`${label(id)}: ${p.kind} ${p.status}`);
    }
  }
  const reasons: string[] = [];
  if (pending.length) reasons.push(`${plural(pending.length, 'item is', 'items are')} still pending (${examples(pending)})`);
  if (failed.length) reasons.push(`${plural(failed.length, 'item', 'items')} failed (${examples(failed)})`);
  if (failedProbes.length) reasons.push(`${plural(failedProbes.length, 'probe', 'probes')} failed (${examples(failedProbes)})`);
  const needsOverride = reasons.length > 0;
  const allowed = !needsOverride || Boolean(overrideReason?.trim());
  return { allowed, reasons, needsOverride };
}

/** What the sign-off rules need of the checklist; carried by the changes so every store applies the same rules. */
export interface SignoffPolicy {
  /** Every role of the Sign-off table. */
  roles: string[];
  /** Groups of roles one person may hold together. */
  combinable?: string[][];
  /** Roles whose signer must not have operated the deployment (changed an item). */
  independent?: string[];
}

export function signoffPolicy(checklist?: Pick<Checklist, 'signoff'>): SignoffPolicy {
  const policy: SignoffPolicy = { roles: signoffRoles(checklist) };
  if (checklist?.signoff?.combinable?.length) policy.combinable = checklist.signoff.combinable;
  if (checklist?.signoff?.independent?.length) policy.independent = checklist.signoff.independent;
  return policy;
}

const day = (iso: string) => iso.replace('T', ' ').slice(0, 16);

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
 * Why recording `status` now needs an override reason: the roles without a
 * valid signature, then the Final Checklist's reasons. Empty when none is
 * needed. The sign-off screen shows these and the report lists them under the
 * override, so both say the same.
 */
export function overrideReasons(session: Session, checklist: Pick<Checklist, 'items' | 'signoff'> | undefined, status: string): string[] {
  const roles = signoffRoles(checklist);
  const unsigned = unsignedRoles(session, roles);
  return [...(unsigned.length ? [`${unsigned.length} of ${roles.length} roles not signed (${unsigned.join(', ')})`] : []), ...completionGuard(session, checklist, status).reasons];
}

/** The last completion, when the session is completed now. */
export function currentCompletion(session: Session): { at: string; by: string; status?: string } | undefined {
  if (session.status !== 'completed') return undefined;
  const last = [...(session.signoff.history ?? [])].reverse().find((h) => h.action === 'completed');
  return { at: last?.at ?? session.signoff.completedAt ?? session.updatedAt, by: last?.by ?? 'unknown', status: last?.status ?? session.signoff.status };
}

/** The one line every refused change in a completed session gets. */
export function readOnlyLine(session: Session): string {
  const c = currentCompletion(session);
  const what = c ? ` by ${c.by} at ${day(c.at)}${c.status ? ` (${c.status})` : ''}` : '';
  return `session ${session.id} was completed${what} and is read-only; reopen it on the sign-off screen (o) to change anything`;
}
