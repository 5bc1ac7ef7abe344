/**
 * What `deploy-wizard verify` checks, pure: every signature of a session
 * against allowed_signers and the session's own content, one line each. The
 * content's fingerprint is handed in (the session module computes it).
 */
import type { SignedHistoryEntry, SignedSession } from './types.js';
import { checkSigner, type AllowedSigners } from './allowed-signers.js';
import { statementFor } from './guard.js';
import type { SignedStatement } from './message.js';
import { verifySshsig } from './sshsig.js';

export interface VerifyOutcome {
  lines: string[];
  /** Every required role has a valid key signature, and every key signature checked is valid. */
  ok: boolean;
}

const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

export function verifySession(session: SignedSession, fingerprint: string, roles: string[], allowed: AllowedSigners | undefined): VerifyOutcome {
  const lines: string[] = [`session ${session.id} (${session.environment}): content fingerprint sha256 ${fingerprint} (recomputed)`];
  let ok = true;
  let valid = 0;
  const all = [...roles, ...session.signoff.signatures.map((s) => s.role).filter((r) => !roles.includes(r))];
  for (const role of all) {
    const sig = session.signoff.signatures.find((s) => s.role === role);
    const required = roles.includes(role);
    if (!sig) {
      lines.push(`✗ ${role}: not signed`);
      if (required) ok = false;
      continue;
    }
    if (!sig.signed) {
      lines.push(`✗ ${role}: ${sig.name} (name only): names, not signatures`);
      if (required) ok = false;
      continue;
    }
    const k = sig.signed;
    const head = `${role}  ${k.principal}  ${k.key}`;
    const why = ((): string | undefined => {
      if (!allowed) return 'no allowed_signers to check it against (--allowed-signers FILE)';
      const res = verifySshsig(k.sshsig, statementFor({ action: 'sign', session: session.id, fingerprint: sig.fingerprint, role }, { principal: k.principal, at: k.signedAt }));
      if (!res.ok) return res.reason;
      if (res.publicKey!.fingerprint !== k.key) return `made by key ${res.publicKey!.fingerprint}, not ${k.key}`;
      const who = checkSigner(allowed, k.key, { principal: k.principal, at: new Date(k.signedAt), role });
      if (who.refused) return who.refused;
      if (sig.fingerprint !== fingerprint) return 'the content changed after signing (its fingerprint is not the one signed)';
      return undefined;
    })();
    if (why) {
      lines.push(`✗ ${head}  invalid: ${why}`);
      ok = false;
    } else {
      lines.push(`✓ ${head}  valid (signed ${when(k.signedAt)})`);
      if (required) valid++;
    }
  }
  // Every completion, reopening and revocation taken with a key, oldest first; the completion in force over today's content.
  const history = signedHistory(session, fingerprint, allowed);
  lines.push(...history.lines);
  if (history.firstInvalid) {
    ok = false;
    lines.push(`✗ the first sign-off action that does not verify: ${history.firstInvalid}`);
  }
  const keyed = session.signoff.signatures.some((s) => s.signed);
  lines.push(
    keyed
      ? `${valid} of ${roles.length} required roles have a valid key signature`
      : `names, not signatures: no SSH key signed this sign-off (${valid} of ${roles.length} roles verified)`,
  );
  return { lines, ok: ok && valid === roles.length };
}


/**
 * The history's key-signed actions re-checked one by one, in the order they
 * happened: each completion (round N signs ref N, the content it completed),
 * each reopening (the completion it reopened), each revocation (the role and
 * the signature it revoked). The completion in force is checked over the
 * content as it is now; an earlier one over the fingerprint it recorded.
 */
function signedHistory(session: SignedSession, current: string, allowed: AllowedSigners | undefined): { lines: string[]; firstInvalid?: string } {
  const history = session.signoff.history ?? [];
  const lines: string[] = [];
  let firstInvalid: string | undefined;
  const inForce = session.status === 'completed' && history[history.length - 1]?.action === 'completed' ? history.length - 1 : -1;
  type Step = { at: string; label: string; sig?: SignedHistoryEntry['signed']; st?: Omit<SignedStatement, 'principal' | 'at'>; unknown?: string; by: string };
  const steps: Step[] = [];
  let completions = 0;
  let lastCompletionAt: string | undefined;
  history.forEach((h, i) => {
    if (h.action === 'completed') {
      const round = completions++;
      lastCompletionAt = h.at;
      const label = `completion ${h.status ?? ''}${h.overrideReason ? ' (override)' : ''}${i === inForce ? '' : ` (round ${round + 1}, reopened later)`}`;
      const fp = i === inForce ? current : h.fingerprint;
      const st = fp ? { action: h.overrideReason ? ('override' as const) : ('complete' as const), session: session.id, fingerprint: fp, status: h.status, reason: h.overrideReason, ref: String(round) } : undefined;
      steps.push({ at: h.at, label, sig: h.signed, st, by: h.by, unknown: fp ? undefined : 'the record does not keep the content it completed (written before deploy-wizard kept it)' });
    } else {
      const fp = h.fingerprint;
      const st = fp && h.reason ? { action: 'reopen' as const, session: session.id, fingerprint: fp, reason: h.reason, ref: lastCompletionAt } : undefined;
      steps.push({ at: h.at, label: 'reopen', sig: h.signed, st, by: h.by, unknown: fp ? undefined : 'the record does not keep the content it reopened (written before deploy-wizard kept it)' });
    }
  });
  for (const e of session.events) {
    if (e.what !== 'signoff.revoke' || !e.signed) continue;
    const f = e.signedFor;
    const st = f ? { action: 'revoke' as const, session: session.id, fingerprint: f.fingerprint, role: f.role, ref: f.ref } : undefined;
    steps.push({ at: e.at, label: `revoke ${f?.role ?? e.detail ?? ''}`.trim(), sig: e.signed, st, by: e.who, unknown: f ? undefined : 'the record does not keep which signature it revoked (written before deploy-wizard kept it)' });
  }
  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const step of steps) {
    const k = step.sig;
    if (!k) {
      // Name-only actions: shown for the completion in force (as before), the rest are the history the report lists.
      if (step.label.startsWith('completion') && !step.label.includes('round')) lines.push(`· ${step.label} by ${step.by}: name only`);
      continue;
    }
    const head = `${step.label}  ${k.principal}  ${k.key}`;
    if (!step.st) {
      lines.push(`· ${head}  not re-checked: ${step.unknown}`);
      continue;
    }
    const res = verifySshsig(k.sshsig, statementFor(step.st, { principal: k.principal, at: k.signedAt }));
    const who = allowed && res.ok ? checkSigner(allowed, k.key, { principal: k.principal, at: new Date(k.signedAt) }) : undefined;
    const why = !allowed ? 'no allowed_signers to check it against' : !res.ok ? res.reason : res.publicKey!.fingerprint !== k.key ? `made by key ${res.publicKey!.fingerprint}` : who?.refused;
    lines.push(`${why ? '✗' : '✓'} ${head}  ${why ? `invalid: ${why}` : `valid (signed ${when(k.signedAt)})`}`);
    if (why && !firstInvalid) firstInvalid = `${step.label} by ${k.principal} at ${when(k.signedAt)} (${why})`;
  }
  return { lines, firstInvalid };
}
