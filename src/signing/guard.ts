/**
 * The session core's key check for sign-off actions (sign, revoke, complete,
 * override, reopen). Pure: the session carries the allowed_signers text it was
 * set up with; a change carries the actor's proof (principal, key, time,
 * SSHSIG over the canonical statement). applyChange asks this module and
 * throws its refusal, so every store (file, PostgreSQL re-applying on fresher
 * state) refuses alike.
 */
import type { KeySignature, SignedSession as Session } from './types.js';
import { AllowedSignersError, checkSigner, parseAllowedSigners, rolesOf, type AllowedSigners } from './allowed-signers.js';
import { statementText, type SignedStatement } from './message.js';
import { verifySshsig } from './sshsig.js';

/** What a change carries when its actor signed it with a key. */
export interface ActionProof {
  principal: string;
  /** SHA256 fingerprint of the key (checked against the one inside the SSHSIG). */
  key: string;
  /** ISO time in the signed statement. */
  at: string;
  sshsig: string;
}

const cache = new Map<string, AllowedSigners | string>();

/** The session's allowed signers, parsed once per text; a string when the recorded text does not parse. */
export function sessionSigners(session: Pick<Session, 'signing'>): AllowedSigners | string | undefined {
  const s = session.signing;
  if (!s) return undefined;
  const key = `${s.source}\n${s.allowedSigners}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    try {
      hit = parseAllowedSigners(s.allowedSigners, s.source);
    } catch (err) {
      hit = err instanceof AllowedSignersError ? err.message : String(err);
    }
    if (cache.size > 32) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Whether sign-off actions in this session need a key: the checklist or
 * config required it, or someone already signed with one (from then on a
 * name alone can neither revoke that signature nor complete or reopen over it).
 */
function keysRequired(session: Session): boolean {
  return Boolean(session.signing?.required) || session.signoff.signatures.some((s) => s.signed) || (session.signoff.history ?? []).some((h) => h.signed);
}

/** The statement a proof must sign, as the core rebuilds it (the same for the signer and for `verify`). */
export function statementFor(st: Omit<SignedStatement, 'principal' | 'at'>, proof: Pick<ActionProof, 'principal' | 'at'>): string {
  return statementText({ ...st, principal: proof.principal, at: proof.at });
}

const what: Record<SignedStatement['action'], string> = {
  sign: 'signing',
  revoke: 'revoking',
  complete: 'completing',
  override: 'completing with an override',
  reopen: 'reopening',
};

/**
 * Check `proof` for `st`; returns the refusal line, or the key signature to
 * record (undefined when the action is taken by name only and that is allowed).
 */
export function checkProof(session: Session, st: Omit<SignedStatement, 'principal' | 'at'>, proof: ActionProof | undefined, opts: { role?: string } = {}): { refused?: string; signed?: KeySignature } {
  if (!proof) {
    if (!keysRequired(session)) return {};
    const why = session.signing?.required ? 'this session requires signatures' : 'this session\'s sign-off was signed with SSH keys';
    return { refused: `${what[st.action]}${st.role ? ` ${st.role}` : ''} needs your SSH key: ${why} (add your key to ssh-agent, or name it with "signingKey" in --config)` };
  }
  const allowed = sessionSigners(session);
  if (allowed === undefined) return { refused: `${what[st.action]} was signed with a key, but this session has no allowed_signers to check it against (--allowed-signers FILE)` };
  if (typeof allowed === 'string') return { refused: `the session's allowed_signers cannot be read: ${allowed}` };
  const res = verifySshsig(proof.sshsig, statementFor(st, proof));
  if (!res.ok) {
    // Completing or reopening signs the content as it is: a change that reached the store first means signing again.
    const again = st.action !== 'sign' && st.action !== 'revoke' && res.publicKey ? ' (the record changed since you signed, or this is another action: try again on the record as it is now)' : '';
    return { refused: `the key signature for ${what[st.action]}${st.role ? ` ${st.role}` : ''} does not verify: ${res.reason}${again}` };
  }
  if (res.publicKey!.fingerprint !== proof.key) return { refused: `the key signature was made by ${res.publicKey!.fingerprint}, not ${proof.key}` };
  const at = new Date(proof.at);
  if (Number.isNaN(at.getTime())) return { refused: `the key signature's time "${proof.at}" is not a time` };
  const who = checkSigner(allowed, proof.key, { principal: proof.principal, at, role: opts.role });
  if (who.refused) return { refused: `${what[st.action]}${st.role ? ` ${st.role}` : ''} refused: ${who.refused}` };
  return { signed: { principal: proof.principal, key: proof.key, signedAt: proof.at, sshsig: proof.sshsig } };
}

/**
 * Who may complete or reopen: a principal holding a key signature of this
 * session; when no role is key-signed yet, anyone allowed_signers gives a role
 * (anyone listed, when the file declares no roles). Returns the refusal line.
 */
export function completerRefusal(session: Session, principal: string): string | undefined {
  const keyed = session.signoff.signatures.filter((s) => s.signed);
  if (keyed.length) {
    if (keyed.some((s) => s.signed!.principal === principal)) return undefined;
    return `${principal} signed no role of this session; completing and reopening need the key of a signer (${[...new Set(keyed.map((s) => s.signed!.principal))].join(', ')})`;
  }
  const allowed = sessionSigners(session);
  if (!allowed || typeof allowed === 'string' || allowed.roles.size === 0) return undefined;
  return rolesOf(allowed, principal).length ? undefined : `${principal} has no sign-off role in ${allowed.path}; completing needs the key of a person who may sign`;
}

/** One key, one role: the role this key or principal already signed (other than `role`), if any. */
export function roleSignedBySameKey(session: Session, role: string, proof: ActionProof): string | undefined {
  const s = session.signoff.signatures.find((x) => x.role !== role && x.signed && (x.signed.key === proof.key || x.signed.principal === proof.principal));
  return s?.role;
}
