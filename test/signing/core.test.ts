/**
 * The session core's key rules (applyChange, the function every store
 * applies): four keys from a real ssh-agent sign four roles; a fifth key not
 * in allowed_signers is refused; one key cannot sign two roles; an expired key
 * line is refused; a name without the key can neither revoke, complete nor
 * reopen over key signatures; a session that requires signatures refuses a
 * name-only sign.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChange, type Change } from '../../src/session/changes.js';
import type { Session } from '../../src/session/schema.js';
import { sessionFingerprint, signatureStatus } from '../../src/session/signoff.js';
import { parseAllowedSigners } from '../../src/signing/allowed-signers.js';
import { statementFor, type ActionProof } from '../../src/signing/guard.js';
import type { SignedStatement } from '../../src/signing/message.js';
import { findSigner, type Signer } from '../../src/signing/signer.js';
import { verifySshsig } from '../../src/signing/sshsig.js';
import { walkedSession } from '../report/fixtures.js';
import { cleanup, makeKey, signerLine, startAgent, tempDir, type TestAgent, type TestKey } from '../helpers/ssh-keys.js';
import { refusal } from '../session/helpers.js';

const PEOPLE = ['ada', 'grace', 'ivan', 'pat'] as const;
let dir: string;
let agent: TestAgent;
const keys: Record<string, TestKey> = {};
let allowedText: string;
const signers: Record<string, Signer> = {};

beforeAll(async () => {
  dir = tempDir();
  for (const p of [...PEOPLE, 'mallory', 'old']) keys[p] = makeKey(dir, p, p === 'ivan' ? 'ecdsa' : 'ed25519');
  agent = await startAgent(dir);
  for (const k of Object.values(keys)) agent.add(k);
  allowedText = [
    '# the release team',
    '# deploy-wizard roles: ada@example.com = Tech Lead',
    '# deploy-wizard roles: grace@example.com = DevOps Engineer',
    '# deploy-wizard roles: ivan@example.com = Security Officer, Product Owner',
    '# deploy-wizard roles: pat@example.com = Product Owner',
    '# deploy-wizard roles: old@example.com = Tech Lead',
    ...PEOPLE.map((p) => signerLine(`${p}@example.com`, keys[p])),
    signerLine('old@example.com', keys.old, 'valid-before="20200101Z"'),
  ].join('\n');
  const allowed = parseAllowedSigners(allowedText, 'allowed_signers');
  // The stranger's key is not in the file: a signer built from a file that lists it, as a rogue terminal would.
  const rogue = parseAllowedSigners(`${allowedText}\n${signerLine('mallory@example.com', keys.mallory)}`, 'rogue');
  for (const p of [...PEOPLE, 'old']) signers[p] = await findSigner({ allowed, agentSocket: agent.socket, principal: `${p}@example.com` });
  signers.mallory = await findSigner({ allowed: rogue, agentSocket: agent.socket, principal: 'mallory@example.com' });
});

afterAll(async () => {
  await agent?.stop();
  cleanup(dir);
});

let minute = 100;
function apply(s: Session, change: Change, who: string): Session {
  return applyChange(s, change, { who, at: new Date(Date.parse('2026-11-26T10:00:00Z') + minute++ * 60_000).toISOString() });
}

async function prove(who: string, st: Omit<SignedStatement, 'principal' | 'at'>, at = '2026-11-26T12:00:00.000Z'): Promise<ActionProof> {
  const signer = signers[who];
  const principal = signer.principals[0];
  return { principal, key: signer.publicKey.fingerprint, at, sshsig: await signer.sign(statementFor(st, { principal, at })) };
}


function keyed(required = false): Session {
  return apply(walkedSession(), { type: 'signing.setup', allowedSigners: allowedText, source: 'allowed_signers', required }, 'ada');
}

async function signChange(s: Session, role: string, who: string): Promise<Change> {
  const fingerprint = sessionFingerprint(s);
  return { type: 'signoff.sign', role, signature: '', fingerprint, proof: await prove(who, { action: 'sign', session: s.id, fingerprint, role }) };
}

const ROLE_OF: Record<string, string> = { ada: 'Tech Lead', grace: 'DevOps Engineer', ivan: 'Security Officer', pat: 'Product Owner' };

async function allFour(): Promise<Session> {
  let s = keyed(true);
  for (const p of PEOPLE) s = apply(s, await signChange(s, ROLE_OF[p], p), p);
  return s;
}

describe('sign-off with SSH keys in the session core', () => {
  it('four keys sign four roles; each signature records principal, key and an SSHSIG over the statement', async () => {
    const s = await allFour();
    expect(s.signoff.signatures.map((x) => [x.role, x.signed?.principal])).toEqual(PEOPLE.map((p) => [ROLE_OF[p], `${p}@example.com`]));
    expect(signatureStatus(s).every((c) => c.status === 'valid')).toBe(true);
    const sig = s.signoff.signatures[0];
    expect(sig.signed!.key).toBe(signers.ada.publicKey.fingerprint);
    expect(verifySshsig(sig.signed!.sshsig, statementFor({ action: 'sign', session: s.id, fingerprint: sig.fingerprint, role: 'Tech Lead' }, { principal: 'ada@example.com', at: sig.signed!.signedAt })).ok).toBe(true);
    expect(s.events.filter((e) => e.what === 'signoff.sign' && e.signed)).toHaveLength(4);
  });

  it('refuses a fifth key not in allowed_signers, one key for two roles, an expired key line, and a role not given', async () => {
    const s0 = keyed(true);
    const mallory = await signChange(s0, 'Tech Lead', 'mallory');
    expect(refusal(() => apply(s0, mallory, 'Mallory'))).toBe(`signing Tech Lead refused: key ${signers.mallory.publicKey.fingerprint} is not listed in allowed_signers`);
    let s = apply(s0, await signChange(s0, 'Security Officer', 'ivan'), 'ivan');
    // ivan may sign Product Owner too by the file, but one key signs one role (the checklist combines none), whatever the operator name.
    const po = await signChange(s, 'Product Owner', 'ivan');
    expect(refusal(() => apply(s, po, 'Somebody Else'))).toBe(
      'ivan@example.com already signed Security Officer: each role needs a different person (the checklist does not let Product Owner and Security Officer be combined)',
    );
    const old = await signChange(s, 'Tech Lead', 'old');
    expect(refusal(() => apply(s, old, 'Old'))).toBe(`signing Tech Lead refused: key ${signers.old.publicKey.fingerprint} expired at 2020-01-01 00:00 UTC (allowed_signers:11: valid-before), signing at 2026-11-26 12:00 UTC`);
    const graceAsTl = await signChange(s, 'Tech Lead', 'grace');
    expect(refusal(() => apply(s, graceAsTl, 'grace'))).toBe('signing Tech Lead refused: grace@example.com may sign DevOps Engineer in allowed_signers, not Tech Lead');
    // A signature moved to another role, or to another record, does not verify.
    const moved = { ...po, role: 'Tech Lead' } as Change;
    expect(refusal(() => apply(s, moved, 'Pat'))).toBe('the key signature for signing Tech Lead does not verify: the signature does not match the signed content');
    const before = await signChange(s, 'Tech Lead', 'ada');
    s = apply(s, { type: 'item.note', itemId: 'docs', note: 'changed' }, 'ada');
    const stale = { ...before, fingerprint: sessionFingerprint(s) } as Change;
    expect(refusal(() => apply(s, stale, 'ada'))).toBe('the key signature for signing Tech Lead does not verify: the signature does not match the signed content');
  });

  it('a session that requires signatures refuses a sign by name; without keys it works as before', async () => {
    const s = keyed(true);
    expect(refusal(() => apply(s, { type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(s) }, 'ada'))).toBe(
      'signing Tech Lead needs your SSH key: this session requires signatures (add your key to ssh-agent, or name it with "signingKey" in --config)',
    );
    const plain = walkedSession();
    const signed = apply(plain, { type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(plain) }, 'ada');
    expect(signed.signoff.signatures[0]).toMatchObject({ role: 'Tech Lead', name: 'ada' });
    expect(signed.signoff.signatures[0].signed).toBeUndefined();
  });

  it('a name without the key cannot revoke, complete or reopen as a signer, whatever the operator name says', async () => {
    let s = await allFour();
    const held = s.signoff.signatures.find((x) => x.role === 'Tech Lead')!;
    const revokeSt = { action: 'revoke' as const, session: s.id, fingerprint: held.fingerprint, role: 'Tech Lead', ref: held.signed!.signedAt };
    // Operator "ada" on a terminal without ada's key: by name, then with grace's key.
    expect(refusal(() => apply(s, { type: 'signoff.revoke', role: 'Tech Lead' }, 'ada'))).toMatch(/^revoking Tech Lead needs your SSH key: this session requires signatures/);
    const byGrace = await prove('grace', revokeSt);
    expect(refusal(() => apply(s, { type: 'signoff.revoke', role: 'Tech Lead', proof: byGrace }, 'ada'))).toBe(
      `Tech Lead was signed with ada@example.com's key (${signers.ada.publicKey.fingerprint}); only that key can revoke it, not grace@example.com's`,
    );
    const completeSt = { action: 'complete' as const, session: s.id, fingerprint: sessionFingerprint(s), status: 'FAILED', ref: '0' };
    const complete = (proof?: ActionProof): Change => ({ type: 'signoff.complete', status: 'FAILED', notes: '', nextSteps: '', proof });
    expect(refusal(() => apply(s, complete(), 'ada'))).toMatch(/^completing needs your SSH key/);
    const byOld = await prove('old', completeSt, '2019-06-01T00:00:00.000Z');
    expect(refusal(() => apply(s, complete(byOld), 'ada'))).toBe('cannot complete: old@example.com signed no role of this session; completing and reopening need the key of a signer (ada@example.com, grace@example.com, ivan@example.com, pat@example.com)');
    s = apply(s, complete(await prove('pat', completeSt)), 'ada');
    expect(s.status).toBe('completed');
    expect(s.signoff.history!.at(-1)!.signed!.principal).toBe('pat@example.com');
    const reopen = (proof?: ActionProof): Change => ({ type: 'signoff.reopen', reason: 'wrong status', proof });
    expect(refusal(() => apply(s, reopen(), 'ada'))).toMatch(/^reopening needs your SSH key/);
    const st = { action: 'reopen' as const, session: s.id, fingerprint: sessionFingerprint(s), reason: 'wrong status', ref: s.signoff.history!.at(-1)!.at };
    const byMallory = await prove('mallory', st);
    expect(refusal(() => apply(s, reopen(byMallory), 'ada'))).toBe(`reopening refused: key ${signers.mallory.publicKey.fingerprint} is not listed in allowed_signers`);
    // A completion's statement does not reopen (another action, same key).
    const wrongAction = await prove('ada', { ...st, action: 'complete' });
    expect(refusal(() => apply(s, reopen(wrongAction), 'ada'))).toBe('the key signature for reopening does not verify: the signature does not match the signed content (the record changed since you signed, or this is another action: try again on the record as it is now)');
    s = apply(s, reopen(await prove('ada', st)), 'ada');
    expect(s.status).toBe('active');
    // The real ada's key revokes her role, under any operator name.
    s = apply(s, { type: 'signoff.revoke', role: 'Tech Lead', proof: await prove('ada', revokeSt) }, 'Ada on another laptop');
    expect(s.signoff.signatures.map((x) => x.role)).not.toContain('Tech Lead');
  });

  it('the allowed signers of a session cannot be swapped once a key signed', async () => {
    const s = await allFour();
    expect(refusal(() => apply(s, { type: 'signing.setup', allowedSigners: `${allowedText}\n${signerLine('mallory@example.com', keys.mallory)}`, source: 'mine' }, 'mallory'))).toBe(
      "this session's sign-off was signed against allowed_signers; its allowed signers cannot change now (revoke the key signatures first)",
    );
  });
});
