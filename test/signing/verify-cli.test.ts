/**
 * `deploy-wizard verify`: four people sign with keys from a real ssh-agent
 * (file store, real checklist loader), one completes with a key; the report
 * copied elsewhere verifies alone; one edited character fails naming its line;
 * a removed signature fails naming the role; a truncated record, a missing
 * file and a names-only report are one line each.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadChecklist } from '../../src/checklist/load.js';
import { validateProbe } from '../../src/probes/registry.js';
import { createFileStore } from '../../src/session/file-store.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { parseAllowedSigners } from '../../src/signing/allowed-signers.js';
import { findSigner, type Signer } from '../../src/signing/signer.js';
import { cleanup, makeKey, proofFor, signerLine, startAgent, tempDir, type TestAgent } from '../helpers/ssh-keys.js';
import { SIGNOFF_FOUR_ROLES } from '../helpers/checklists.js';

export const SIGNED_CHECKLIST = `# Tiny Release

## Before

- [ ] Backup taken
- [ ] Redis answering PING

${SIGNOFF_FOUR_ROLES}

<!-- signoff: signatures=required -->

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK
`;

const ROLES: Record<string, string> = { ada: 'Tech Lead', grace: 'DevOps Engineer', ivan: 'Security Officer', pat: 'Product Owner' };

let dir: string;
let agent: TestAgent;
let id: string;
let allowedFile: string;
let unsignedId: string;
let roundsId: string;
const signers: Record<string, Signer> = {};

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: any) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: any) => ((err += String(c)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(async () => {
  dir = tempDir();
  const keys = Object.fromEntries(Object.keys(ROLES).map((p) => [p, makeKey(dir, p, p === 'pat' ? 'rsa' : 'ed25519')]));
  agent = await startAgent(dir);
  for (const k of Object.values(keys)) agent.add(k);
  const checklistFile = join(dir, 'tiny.md');
  writeFileSync(checklistFile, SIGNED_CHECKLIST);
  allowedFile = join(dir, 'allowed_signers');
  const text = [...Object.entries(ROLES).map(([p, r]) => `# deploy-wizard roles: ${p}@example.com = ${r}`), ...Object.keys(ROLES).map((p) => signerLine(`${p}@example.com`, keys[p]))].join('\n') + '\n';
  writeFileSync(allowedFile, text);
  const allowed = parseAllowedSigners(text, 'allowed_signers');
  for (const p of Object.keys(ROLES)) signers[p] = await findSigner({ allowed, agentSocket: agent.socket, principal: `${p}@example.com` });

  const { checklist } = await loadChecklist(checklistFile, validateProbe);
  const store = createFileStore(join(dir, 'sessions'));
  const open = await store.create({ environment: 'production', operator: 'ada', checklist: { path: checklistFile, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
  id = open.id;
  await open.apply({ type: 'signing.setup', allowedSigners: text, source: 'allowed_signers', required: true });
  for (const item of checklist.items) await open.apply({ type: 'item.state', itemId: item.id, state: 'done' });
  for (const [p, role] of Object.entries(ROLES)) {
    const fingerprint = sessionFingerprint(open.current());
    const proof = await proofFor(signers[p], { action: 'sign', session: id, fingerprint, role });
    await open.apply({ type: 'signoff.sign', role, signature: '', fingerprint, proof });
  }
  const proof = await proofFor(signers.pat, { action: 'complete', session: id, fingerprint: sessionFingerprint(open.current()), status: 'SUCCESS', ref: '0' });
  await open.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: 'smooth', nextSteps: '', proof });
  await open.close();

  // A release completed, reopened for a hotfix (a note changes the content), every role revoked and signed again, completed again.
  const rounds = await store.create({ environment: 'production', operator: 'ada', checklist: { path: checklistFile, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
  roundsId = rounds.id;
  await rounds.apply({ type: 'signing.setup', allowedSigners: text, source: 'allowed_signers', required: true });
  for (const item of checklist.items) await rounds.apply({ type: 'item.state', itemId: item.id, state: 'done' });
  const signAll = async () => {
    for (const [p, role] of Object.entries(ROLES)) {
      const fingerprint = sessionFingerprint(rounds.current());
      await rounds.apply({ type: 'signoff.sign', role, signature: '', fingerprint, proof: await proofFor(signers[p], { action: 'sign', session: roundsId, fingerprint, role }) });
    }
  };
  await signAll();
  let fp = sessionFingerprint(rounds.current());
  await rounds.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', proof: await proofFor(signers.pat, { action: 'complete', session: roundsId, fingerprint: fp, status: 'SUCCESS', ref: '0' }) });
  const completedAt = rounds.current().signoff.history!.at(-1)!.at;
  await rounds.apply({ type: 'signoff.reopen', reason: 'hotfix 1.4.1', proof: await proofFor(signers.pat, { action: 'reopen', session: roundsId, fingerprint: fp, reason: 'hotfix 1.4.1', ref: completedAt }) });
  await rounds.apply({ type: 'item.note', itemId: checklist.items[0].id, note: 'backup retaken for 1.4.1' });
  for (const [p, role] of Object.entries(ROLES)) {
    const held = rounds.current().signoff.signatures.find((x) => x.role === role)!;
    await rounds.apply({ type: 'signoff.revoke', role, proof: await proofFor(signers[p], { action: 'revoke', session: roundsId, fingerprint: held.fingerprint, role, ref: held.signed!.signedAt }) });
  }
  await signAll();
  fp = sessionFingerprint(rounds.current());
  await rounds.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', proof: await proofFor(signers.pat, { action: 'complete', session: roundsId, fingerprint: fp, status: 'SUCCESS', ref: '1' }) });
  await rounds.close();

  const plain = await store.create({ environment: 'staging', operator: 'bob', checklist: { path: checklistFile, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
  unsignedId = plain.id;
  await plain.apply({ type: 'signoff.sign', role: 'Tech Lead', signature: 'bob', fingerprint: sessionFingerprint(plain.current()) });
  await plain.close();
});

afterAll(async () => {
  await agent?.stop();
  cleanup(dir);
});
afterEach(() => vi.restoreAllMocks());

const sessions = () => ['--sessions-dir', join(dir, 'sessions')];

async function exportReport(format: 'md' | 'json' = 'md'): Promise<string> {
  const out = join(dir, `report.${format}`);
  const r = await capture(['report', id, '--format', format, '--out', out, ...sessions()]);
  expect(r.code).toBe(0);
  // Copied anywhere: a folder with neither the session nor the checklist.
  const elsewhere = join(dir, `elsewhere-${Math.random().toString(36).slice(2)}`);
  mkdirSync(elsewhere);
  copyFileSync(out, join(elsewhere, `release.${format}`));
  return join(elsewhere, `release.${format}`);
}

describe('deploy-wizard verify', () => {
  it('verifies the session by id: one line per signature, exit 0', async () => {
    const r = await capture(['verify', id, '--allowed-signers', allowedFile, ...sessions()]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^verifying session .* against allowed signers .*allowed_signers\n/);
    for (const [p, role] of Object.entries(ROLES)) expect(r.out).toContain(`✓ ${role}  ${p}@example.com  ${signers[p].publicKey.fingerprint}  valid (signed `);
    expect(r.out).toContain(`✓ completion SUCCESS  pat@example.com  ${signers.pat.publicKey.fingerprint}  valid`);
    expect(r.out).toContain('4 of 4 required roles have a valid key signature');
    expect(r.code).toBe(0);
  });

  it('a copied Markdown report verifies alone; it shows whose keys signed and each SSHSIG whole', async () => {
    const file = await exportReport();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('### SSH signatures');
    expect(text.match(/-----BEGIN SSH SIGNATURE-----/g)).toHaveLength(5);
    const r = await capture(['verify', file]);
    expect(r.out).toContain('against the allowed signers the record carries (from allowed_signers)');
    expect(r.out).toContain('4 of 4 required roles have a valid key signature');
    expect(r.code).toBe(0);
    // Against the repository's own file too.
    expect((await capture(['verify', file, '--allowed-signers', allowedFile])).code).toBe(0);
  });

  it('one edited character of a signed line fails naming the line', async () => {
    const file = await exportReport();
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('| Backup taken') || l.includes('Backup taken'));
    expect(i).toBeGreaterThan(0);
    lines[i] = lines[i].replace('Backup taken', 'Backup takem');
    writeFileSync(file, lines.join('\n'));
    const r = await capture(['verify', file]);
    expect(r.out).toContain(`✗ report line ${i + 1} `);
    expect(r.out).toContain('Backup takem');
    // The last line is the verdict, not "4 of 4 required roles have a valid key signature".
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('✗ not verified: the report has the problem shown above, whatever its signatures say');
    expect(r.code).toBe(1);
  });

  it('a removed signature fails naming the role', async () => {
    const file = await exportReport();
    const text = readFileSync(file, 'utf8');
    const cut = text.replace(/#### Security Officer: ivan@example\.com\n\n```text\n-----BEGIN SSH SIGNATURE-----[\s\S]*?-----END SSH SIGNATURE-----\n```\n\n/, '');
    expect(cut).not.toBe(text);
    writeFileSync(file, cut);
    const r = await capture(['verify', file]);
    expect(r.out).toMatch(/✗ report line \d+ \(under "(Security Officer: ivan@example\.com|Product Owner: pat@example\.com|SSH signatures)"\)/);
    expect(r.out).toContain('Security Officer');
    expect(r.code).toBe(1);
  });

  it('a JSON report verifies; a signature removed from it fails naming the role', async () => {
    const file = await exportReport('json');
    expect((await capture(['verify', file])).code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.session.signoff.signatures = doc.session.signoff.signatures.filter((s: { role: string }) => s.role !== 'DevOps Engineer');
    writeFileSync(file, JSON.stringify(doc));
    const r = await capture(['verify', file]);
    expect(r.out).toContain('✗ DevOps Engineer: not signed');
    expect(r.code).toBe(1);
  });

  it('a session JSON with a truncated signature: that role is invalid, saying so', async () => {
    const doc = JSON.parse(readFileSync(join(dir, 'sessions', `${id}.json`), 'utf8'));
    const sig = doc.signoff.signatures.find((x: { role: string }) => x.role === 'Product Owner');
    sig.signed.sshsig = sig.signed.sshsig.split('\n').slice(0, -1).join('\n');
    const file = join(dir, 'truncated-session.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await capture(['verify', file, '--allowed-signers', allowedFile, '--checklist', join(dir, 'tiny.md')]);
    expect(r.out).toContain(`✗ Product Owner  pat@example.com  ${signers.pat.publicKey.fingerprint}  invalid: the SSH signature is truncated (no "-----END SSH SIGNATURE-----")`);
    expect(r.out).toContain('3 of 4 required roles have a valid key signature');
    expect(r.code).toBe(1);
  });

  it('bad input is one line, exit 2: a truncated record, a missing file, not a report; a names-only report says so, exit 1', async () => {
    const file = await exportReport();
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 200));
    let r = await capture(['verify', file]);
    expect(r.err).toMatch(/^deploy-wizard verify: .*release\.md: the report's signed record is (truncated|damaged or truncated)[^\n]*\n$/);
    expect(r.code).toBe(2);
    // A folder is named as one (it used to be looked up as a session id: "no session … in sessions").
    mkdirSync(join(dir, 'reports'), { recursive: true });
    r = await capture(['verify', join(dir, 'reports'), ...sessions()]);
    expect(r.err).toMatch(/^deploy-wizard verify: \S*reports is a directory, not a file; give a session id, a session JSON file, or a report \(\.md or \.json\)\n$/);
    expect(r.code).toBe(2);
    r = await capture(['verify', join(dir, 'nope.md')]);
    expect(r.err).toMatch(/nope\.md does not exist/);
    expect(r.code).toBe(2);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    r = await capture(['verify', join(dir, 'notes.txt')]);
    expect(r.err).toContain('is neither a session nor a deploy-wizard report');
    expect(r.code).toBe(2);
    const plain = join(dir, 'plain.md');
    expect((await capture(['report', unsignedId, '--out', plain, ...sessions()])).code).toBe(0);
    expect(readFileSync(plain, 'utf8')).toContain('**Signatures**: names, not signatures: no SSH key signed this sign-off.');
    r = await capture(['verify', plain]);
    expect(r.out).toContain('names, not signatures');
    expect(r.code).toBe(1);
    r = await capture(['verify', unsignedId, ...sessions()]);
    expect(r.out).toContain('✗ Tech Lead: bob (name only): names, not signatures');
    expect(r.code).toBe(1);
  });

  it('re-checks every completion before a reopen, the reopen and the revocations, oldest first', async () => {
    const r = await capture(['verify', roundsId, '--allowed-signers', allowedFile, ...sessions()]);
    const pat = `pat@example.com  ${signers.pat.publicKey.fingerprint}`;
    const at = (needle: string) => r.out.indexOf(needle);
    expect(r.out).toContain(`✓ completion SUCCESS (round 1, reopened later)  ${pat}  valid`);
    expect(r.out).toContain(`✓ reopen  ${pat}  valid`);
    for (const [p, role] of Object.entries(ROLES)) expect(r.out).toContain(`✓ revoke ${role}  ${p}@example.com  ${signers[p].publicKey.fingerprint}  valid`);
    expect(r.out).toContain(`✓ completion SUCCESS  ${pat}  valid`);
    expect(at('(round 1, reopened later)')).toBeLessThan(at('✓ reopen'));
    expect(at('✓ reopen')).toBeLessThan(at('✓ revoke Tech Lead'));
    expect(r.out).not.toContain('✗');
    expect(r.code).toBe(0);
  });

  it('names the first earlier completion, reopen or revoke whose signature does not verify', async () => {
    const original = readFileSync(join(dir, 'sessions', `${roundsId}.json`), 'utf8');
    const edit = async (change: (doc: any) => void) => {
      const doc = JSON.parse(original);
      change(doc);
      const file = join(dir, `rounds-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(doc));
      return capture(['verify', file, '--allowed-signers', allowedFile, '--checklist', join(dir, 'tiny.md')]);
    };
    const pat = `pat@example.com  ${signers.pat.publicKey.fingerprint}`;
    // The first completion said FAILED, not SUCCESS: its signature no longer covers what the history says.
    let r = await edit((doc) => (doc.signoff.history[0].status = 'FAILED'));
    expect(r.out).toContain(`✗ completion FAILED (round 1, reopened later)  ${pat}  invalid: `);
    expect(r.out).toMatch(/✗ the first sign-off action that does not verify: completion FAILED \(round 1, reopened later\) by pat@example\.com at /);
    expect(r.code).toBe(1);
    // Another reason for the reopening.
    r = await edit((doc) => (doc.signoff.history[1].reason = 'routine'));
    expect(r.out).toContain(`✗ reopen  ${pat}  invalid: `);
    expect(r.out).toMatch(/the first sign-off action that does not verify: reopen by pat@example\.com/);
    expect(r.code).toBe(1);
    // A revocation moved to another role; and two bad ones: the earlier is named.
    r = await edit((doc) => {
      const revokes = doc.events.filter((e: any) => e.what === 'signoff.revoke');
      revokes[1].signedFor.role = 'Tech Lead';
      revokes[2].signedFor.ref = '2026-01-01T00:00:00.000Z';
    });
    expect(r.out).toMatch(/✗ revoke Tech Lead  grace@example\.com  \S+  invalid: /);
    expect(r.out).toMatch(/✗ revoke Security Officer  ivan@example\.com  \S+  invalid: /);
    expect(r.out).toMatch(/the first sign-off action that does not verify: revoke Tech Lead by grace@example\.com/);
    expect(r.code).toBe(1);
  });
});
