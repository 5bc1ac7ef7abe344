/**
 * Where the CLI finds allowed_signers (flag, config, next to the checklist),
 * and the one line when the checklist requires signatures and there is none.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadSigningConfig } from '../../src/signing/setup.js';
import { cleanup, makeKey, signerLine, tempDir } from '../helpers/ssh-keys.js';

let dir: string;
let line: string;
beforeAll(() => {
  dir = tempDir();
  line = signerLine('ada@example.com', makeKey(dir, 'ada'));
});
afterAll(() => cleanup(dir));

describe('loadSigningConfig', () => {
  it('finds allowed_signers next to the checklist, else the config names it; the flag wins', () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'checklist.md'), '# T\n');
    expect(loadSigningConfig({ checklist: join(repo, 'checklist.md') }).file).toBeUndefined();
    writeFileSync(join(repo, 'allowed_signers'), `${line}\n`);
    expect(loadSigningConfig({ checklist: join(repo, 'checklist.md') }).file?.path).toBe(join(repo, 'allowed_signers'));
    writeFileSync(join(dir, 'other_signers'), `${line}\n`);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ allowedSigners: 'other_signers', signingKey: 'ada', requireSignatures: true }));
    const cfg = loadSigningConfig({ checklist: join(repo, 'checklist.md'), configFile: join(dir, 'config.json') });
    expect(cfg).toMatchObject({ file: { path: join(dir, 'other_signers') }, keyFile: join(dir, 'ada'), required: true });
    expect(loadSigningConfig({ checklist: join(repo, 'checklist.md'), configFile: join(dir, 'config.json'), flag: join(repo, 'allowed_signers') }).file?.path).toBe(join(repo, 'allowed_signers'));
  });

  it('a checklist that requires signatures without any allowed_signers is one line', () => {
    const lone = join(dir, 'lone');
    mkdirSync(lone);
    expect(() => loadSigningConfig({ checklist: join(lone, 'c.md'), checklistRequires: true })).toThrow(
      new UserError(`the checklist requires signatures (signatures=required), but there is no allowed_signers: put one next to the checklist (${join(lone, 'allowed_signers')}), or give --allowed-signers FILE`),
    );
    writeFileSync(join(lone, 'broken'), `${line}\nbob ssh-ed25519\n`);
    expect(() => loadSigningConfig({ checklist: join(lone, 'c.md'), flag: join(lone, 'broken') })).toThrow(`${join(lone, 'broken')}:2: the ssh-ed25519 key has no base64 part (expected "ssh-ed25519 AAAA…"); fix the line (ssh-keygen's ALLOWED SIGNERS format)`);
  });
});
