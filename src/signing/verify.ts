/**
 * What `deploy-wizard verify` checks, pure: every signature of a session
 * against allowed_signers and the session's own content, one line each. The
 * content's fingerprint is handed in (the session module computes it).
 */
import type { SignedSession } from './types.js';
import { checkSigner, type AllowedSigners } from './allowed-signers.js';
import { statementFor } from './guard.js';
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
  // The completion in force, when it was taken with a key: re-checked over the same content.
  const history = session.signoff.history ?? [];
  const lastIndex = history.length - 1;
  const last = history[lastIndex];
  if (session.status === 'completed' && last?.action === 'completed' && last.signed) {
    const k = last.signed;
    const completions = history.slice(0, lastIndex).filter((h) => h.action === 'completed').length;
    const st = { action: last.overrideReason ? ('override' as const) : ('complete' as const), session: session.id, fingerprint, status: last.status, reason: last.overrideReason, ref: String(completions) };
    const res = verifySshsig(k.sshsig, statementFor(st, { principal: k.principal, at: k.signedAt }));
    const who = allowed && res.ok ? checkSigner(allowed, k.key, { principal: k.principal, at: new Date(k.signedAt) }) : undefined;
    const why = !allowed ? 'no allowed_signers to check it against' : !res.ok ? res.reason : res.publicKey!.fingerprint !== k.key ? `made by key ${res.publicKey!.fingerprint}` : who?.refused;
    lines.push(`${why ? '✗' : '✓'} completion ${last.status ?? ''}${last.overrideReason ? ' (override)' : ''}  ${k.principal}  ${k.key}  ${why ? `invalid: ${why}` : `valid (signed ${when(k.signedAt)})`}`);
    if (why) ok = false;
  } else if (session.status === 'completed' && last?.action === 'completed') {
    lines.push(`· completion ${last.status ?? ''} by ${last.by}: name only`);
  }
  const keyed = session.signoff.signatures.some((s) => s.signed);
  lines.push(
    keyed
      ? `${valid} of ${roles.length} required roles have a valid key signature`
      : `names, not signatures: no SSH key signed this sign-off (${valid} of ${roles.length} roles verified)`,
  );
  return { lines, ok: ok && valid === roles.length };
}
