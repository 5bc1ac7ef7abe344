/**
 * SSH signatures and public keys are public: the redactor passes them whole
 * (masking one would destroy the proof and hide nothing), and still masks a
 * private key or a secret right beside them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/secrets/redactor.js';
import { NAMESPACE } from '../../src/signing/sshsig.js';
import { cleanup, keygenSign, makeKey, tempDir, type TestKey } from '../helpers/ssh-keys.js';

let dir: string;
let key: TestKey;
beforeAll(() => {
  dir = tempDir();
  key = makeKey(dir, 'ada');
});
afterAll(() => cleanup(dir));

describe('the redactor and public blocks', () => {
  it('keeps an SSH SIGNATURE block and a PEM public key whole, masks the private key and the password beside them', () => {
    const sig = keygenSign(key.file, 'message', NAMESPACE).trim();
    const pem = String(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' })).trim();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const priv = readFileSync(key.file, 'utf8').trim();
    const redact = createRedactor({ DB_PASSWORD: 'hunter2-very-secret' });
    const out = redact(`signed:\n${sig}\npub:\n${pem}\n${key.pub}\nDB_PASSWORD=hunter2-very-secret\n${priv}\n`);
    expect(out).toContain(sig);
    expect(out).toContain(pem);
    expect(out).toContain(key.pub);
    expect(out).not.toContain('hunter2-very-secret');
    expect(out).not.toContain(priv.split('\n')[1]);
    expect(out).toContain('[private key');
  });
});
