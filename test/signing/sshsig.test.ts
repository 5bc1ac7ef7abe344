/**
 * SSHSIG interop with OpenSSH, both ways, with keys made by ssh-keygen and a
 * real ssh-agent; allowed_signers rules (not listed, expired, not yet valid,
 * role); the bad-input lines (no agent, empty agent, passphrase key file,
 * malformed line as FILE:LINE).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowedSignersError, checkSigner, parseAllowedSigners } from '../../src/signing/allowed-signers.js';
import { findSigner, SignerError } from '../../src/signing/signer.js';
import { NAMESPACE, verifySshsig } from '../../src/signing/sshsig.js';
import { statementText } from '../../src/signing/message.js';
import { cleanup, keygenSign, keygenVerify, makeKey, signerLine, startAgent, tempDir, type TestAgent, type TestKey } from '../helpers/ssh-keys.js';

let dir: string;
let agent: TestAgent;
let ada: TestKey, grace: TestKey, ecdsa: TestKey, rsa: TestKey, stranger: TestKey, locked: TestKey;
const message = statementText({ action: 'sign', session: 's-1', fingerprint: 'f'.repeat(64), role: 'Tech Lead', principal: 'ada@example.com', at: '2026-12-01T10:00:00.000Z' });

beforeAll(async () => {
  dir = tempDir();
  ada = makeKey(dir, 'ada');
  grace = makeKey(dir, 'grace');
  ecdsa = makeKey(dir, 'ivan', 'ecdsa');
  rsa = makeKey(dir, 'pat', 'rsa');
  stranger = makeKey(dir, 'mallory');
  locked = makeKey(dir, 'locked', 'ed25519', 'correct horse');
  agent = await startAgent(dir);
  for (const k of [ada, grace, ecdsa, rsa, stranger]) agent.add(k);
});

afterAll(async () => {
  await agent?.stop();
  cleanup(dir);
});

function allowedFile(lines: string[]): { path: string; text: string } {
  const path = join(dir, `allowed_signers_${Math.random().toString(36).slice(2)}`);
  const text = lines.join('\n') + '\n';
  writeFileSync(path, text);
  return { path, text };
}

describe('SSHSIG with OpenSSH', () => {
  it('a signature the tool makes through the agent verifies with ssh-keygen -Y verify (ed25519, ECDSA, RSA)', async () => {
    const f = allowedFile([signerLine('ada@example.com', ada), signerLine('ivan@example.com', ecdsa), signerLine('pat@example.com', rsa)]);
    const allowed = parseAllowedSigners(f.text, f.path);
    for (const [key, principal] of [[ada, 'ada@example.com'], [ecdsa, 'ivan@example.com'], [rsa, 'pat@example.com']] as const) {
      const signer = await findSigner({ allowed, agentSocket: agent.socket, principal });
      expect(signer.principals).toEqual([principal]);
      expect(signer.source).toBe('ssh-agent');
      const armored = await signer.sign(message);
      expect(armored).toMatch(/^-----BEGIN SSH SIGNATURE-----\n[\s\S]+\n-----END SSH SIGNATURE-----$/);
      const sigFile = join(dir, `${key.name}.sig`);
      writeFileSync(sigFile, armored + '\n');
      const res = keygenVerify(f.path, principal, sigFile, message, NAMESPACE);
      expect(res.out).toContain('Good');
      expect(res.ok).toBe(true);
      // ssh-keygen itself refuses it for another message: the check above can fail.
      expect(keygenVerify(f.path, principal, sigFile, message.replace('Tech Lead', 'Product Owner'), NAMESPACE).ok).toBe(false);
    }
  });

  it('a signature made by ssh-keygen -Y sign over the same message verifies in the tool (ed25519, ECDSA, RSA)', () => {
    for (const key of [ada, ecdsa, rsa]) {
      const armored = keygenSign(key.file, message, NAMESPACE);
      const res = verifySshsig(armored, message);
      expect(res.reason).toBeUndefined();
      expect(res.ok).toBe(true);
      expect(res.publicKey!.fingerprint).toBe(fingerprintOfPub(key));
      const other = verifySshsig(armored, message.replace('Tech Lead', 'Product Owner'));
      expect(other).toMatchObject({ ok: false, reason: 'the signature does not match the signed content' });
      // Another namespace (git's) is refused: no other use of the key is replayed here.
      expect(verifySshsig(keygenSign(key.file, message, 'git'), message)).toMatchObject({ ok: false, reason: 'signed in namespace "git", not "deploy-wizard@sign-off"' });
    }
  });

  it('a key file without a passphrase signs in-process, and ssh-keygen accepts it', async () => {
    const f = allowedFile([signerLine('ada@example.com', ada)]);
    const signer = await findSigner({ allowed: parseAllowedSigners(f.text, f.path), keyFile: ada.file });
    expect(signer.source).toBe(ada.file);
    const sigFile = join(dir, 'file.sig');
    writeFileSync(sigFile, (await signer.sign(message)) + '\n');
    expect(keygenVerify(f.path, 'ada@example.com', sigFile, message, NAMESPACE).ok).toBe(true);
  });

  it('a truncated signature says so', () => {
    const armored = keygenSign(ada.file, message, NAMESPACE);
    const lines = armored.trim().split('\n');
    expect(verifySshsig(lines.slice(0, -1).join('\n'), message).reason).toBe('the SSH signature is truncated (no "-----END SSH SIGNATURE-----")');
    expect(verifySshsig([lines[0], lines[1].slice(0, 20), lines.at(-1)].join('\n'), message).reason).toBe('the SSH signature is truncated');
  });
});

function fingerprintOfPub(key: TestKey): string {
  return parseAllowedSigners(signerLine('x', key), 'k').entries[0].key.fingerprint;
}

describe('allowed_signers', () => {
  it('refuses a key not listed, expired, not yet valid, and a role not given to the principal, saying which', () => {
    const f = allowedFile([
      '# deploy-wizard roles: ada@example.com = Tech Lead',
      '# deploy-wizard roles: grace@example.com = DevOps Engineer',
      signerLine('ada@example.com', ada, 'namespaces="deploy-wizard@sign-off"'),
      signerLine('grace@example.com', grace, 'valid-after="20260101Z",valid-before="20261101Z"'),
    ]);
    const allowed = parseAllowedSigners(f.text, f.path);
    const at = new Date('2026-12-01T10:00:00Z');
    const fp = (k: TestKey) => fingerprintOfPub(k);
    expect(checkSigner(allowed, fp(ada), { principal: 'ada@example.com', at, role: 'Tech Lead' })).toEqual({ principal: 'ada@example.com' });
    expect(checkSigner(allowed, fp(stranger), { at, role: 'Tech Lead' }).refused).toBe(`key ${fp(stranger)} is not listed in ${f.path}`);
    expect(checkSigner(allowed, fp(grace), { principal: 'grace@example.com', at, role: 'DevOps Engineer' }).refused).toBe(
      `key ${fp(grace)} expired at 2026-11-01 00:00 UTC (${f.path}:4: valid-before), signing at 2026-12-01 10:00 UTC`,
    );
    expect(checkSigner(allowed, fp(grace), { principal: 'grace@example.com', at: new Date('2025-06-01T00:00:00Z'), role: 'DevOps Engineer' }).refused).toMatch(/is not yet valid at 2025-06-01 00:00 UTC/);
    expect(checkSigner(allowed, fp(ada), { principal: 'ada@example.com', at, role: 'Product Owner' }).refused).toBe(`ada@example.com may sign Tech Lead in ${f.path}, not Product Owner`);
    expect(checkSigner(allowed, fp(ada), { principal: 'grace@example.com', at }).refused).toBe(`key ${fp(ada)} is listed in ${f.path} for ada@example.com, not for grace@example.com`);
    // ssh-keygen agrees on expiry at that time, and reads the roles comment as a comment.
    const sigFile = join(dir, 'grace.sig');
    writeFileSync(sigFile, keygenSign(grace.file, message, NAMESPACE));
    expect(keygenVerify(f.path, 'grace@example.com', sigFile, message, NAMESPACE, '20261201').ok).toBe(false);
    expect(keygenVerify(f.path, 'grace@example.com', sigFile, message, NAMESPACE, '20260601').ok).toBe(true);
  });

  it('a malformed line is FILE:LINE: message; cert-authority and unknown options are refused plainly', () => {
    expect(() => parseAllowedSigners(`# team\n${signerLine('ada@example.com', ada)}\nbob@example.com ssh-ed25519 AAAA!!\n`, 'repo/allowed_signers')).toThrow(
      new AllowedSignersError('repo/allowed_signers:3: the ssh-ed25519 key is not base64'),
    );
    expect(() => parseAllowedSigners('bob@example.com\n', 'a')).toThrow('a:1: missing key (expected: principals [options] keytype base64-key)');
    expect(() => parseAllowedSigners(signerLine('*@example.com', ada, 'cert-authority'), 'a')).toThrow("a:1: cert-authority lines are not supported by deploy-wizard: list each signer's own key instead");
    expect(() => parseAllowedSigners(signerLine('ada', ada, 'roles="Tech Lead"'), 'a')).toThrow(/^a:1: unknown option "roles="Tech Lead""/);
    expect(() => parseAllowedSigners(signerLine('ada', ada, 'valid-before="2026"'), 'a')).toThrow('a:1: invalid "valid-before" time "2026" (YYYYMMDD[HHMM[SS]][Z])');
    expect(() => parseAllowedSigners(`# deploy-wizard roles: bob = Tech Lead\n${signerLine('ada', ada)}`, 'a')).toThrow('a:1: roles are given to "bob", who has no key line in the file');
  });
});

describe('signer: bad input, one line each', () => {
  const f = () => allowedFile([signerLine('ada@example.com', ada)]);
  it('no agent, an agent without keys, an agent whose keys are not listed, a passphrase-protected key file', async () => {
    const { path, text } = f();
    const allowed = parseAllowedSigners(text, path);
    await expect(findSigner({ allowed })).rejects.toThrow(new SignerError('no ssh-agent: SSH_AUTH_SOCK is not set; start one (eval "$(ssh-agent)"; ssh-add) or name a key file with "signingKey" in --config'));
    await expect(findSigner({ allowed, agentSocket: join(dir, 'nobody.sock') })).rejects.toThrow(/^cannot reach the ssh-agent at .*nobody\.sock \(ENOENT\): start one/);
    const emptyDir = tempDir();
    const empty = await startAgent(emptyDir);
    try {
      await expect(findSigner({ allowed, agentSocket: empty.socket })).rejects.toThrow(`the ssh-agent at ${empty.socket} holds no keys: ssh-add your key (e.g. ssh-add ~/.ssh/id_ed25519)`);
      empty.add(stranger);
      await expect(findSigner({ allowed, agentSocket: empty.socket })).rejects.toThrow(`none of the 1 key in the ssh-agent is listed in ${path} (${fingerprintOfPub(stranger)})`);
    } finally {
      await empty.stop();
      cleanup(emptyDir);
    }
    const lockedAllowed = parseAllowedSigners(signerLine('locked', locked), path);
    await expect(findSigner({ allowed: lockedAllowed, keyFile: locked.file })).rejects.toThrow(`${locked.file} is protected by a passphrase: add it to your ssh-agent (ssh-add ${locked.file}) and sign through the agent`);
  });
});

describe('allowed_signers: a line without a key type', () => {
  it('says what it expected', () => {
    expect(() => parseAllowedSigners('bad line here\n', 'allowed_signers')).toThrow(
      'allowed_signers:1: "line" is neither a key type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …) nor an option (namespaces=, valid-after=, valid-before=)',
    );
  });
});

describe('the checklist can require signatures', () => {
  it('reads <!-- signoff: signatures=required --> and refuses other values', async () => {
    const { parseChecklist } = await import('../../src/checklist/parse.js');
    const { validateProbe } = await import('../../src/probes/registry.js');
    const doc = (policy: string) => `# T\n\n- [ ] one\n\n## Sign-off\n\n| Role | Name |\n|---|---|\n| Tech Lead | |\n\n<!-- signoff: ${policy} -->\n`;
    const ok = parseChecklist(doc('signatures=required'), 't.md', validateProbe);
    expect(ok.problems).toEqual([]);
    expect(ok.checklist.signoff.signatures).toBe('required');
    const bad = parseChecklist(doc('signatures=maybe'), 't.md', validateProbe);
    expect(bad.problems.map((p) => p.message)).toEqual(['signoff annotation: "signatures=maybe" is not understood; use combine="Role A + Role B", independent="Role" or signatures=required']);
  });
});
