/**
 * OpenSSH's SSHSIG format (PROTOCOL.sshsig in openssh-portable): what
 * `ssh-keygen -Y sign` and git's SSH signing produce. Pure: building the data
 * a key signs, wrapping a signature into the armored blob, and checking one.
 */
import { createHash } from 'node:crypto';
import { KeyError, parsePublicKeyBlob, verifySshSignature, type SshPublicKey } from './keys.js';
import { WireReader, str, u32 } from './wire.js';

/** The namespace every deploy-wizard signature is made in (ssh-keygen -n), so no other use of a key can be replayed here. */
export const NAMESPACE = 'deploy-wizard@sign-off';

const MAGIC = Buffer.from('SSHSIG');
const VERSION = 1;
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';

export type HashAlg = 'sha256' | 'sha512';

/** The bytes the key signs: preamble, namespace, reserved, hash algorithm, H(message). */
export function signedData(message: Buffer | string, namespace = NAMESPACE, hash: HashAlg = 'sha512'): Buffer {
  const h = createHash(hash).update(message).digest();
  return Buffer.concat([MAGIC, str(namespace), str(''), str(hash), str(h)]);
}

/** The armored signature (76-column lines, as the protocol asks). */
export function armor(publicKeyBlob: Buffer, sigBlob: Buffer, namespace = NAMESPACE, hash: HashAlg = 'sha512'): string {
  const blob = Buffer.concat([MAGIC, u32(VERSION), str(publicKeyBlob), str(namespace), str(''), str(hash), str(sigBlob)]);
  const b64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return [BEGIN, ...lines, END].join('\n');
}

interface ParsedSshsig {
  publicKey: SshPublicKey;
  namespace: string;
  hash: HashAlg;
  signature: Buffer;
}

/** Parse an armored SSHSIG; throws a KeyError whose message says what is wrong (truncated, not a signature, …). */
function parseArmored(text: string): ParsedSshsig {
  const t = text.trim();
  if (!t.startsWith(BEGIN)) throw new KeyError('not an SSH signature (no "-----BEGIN SSH SIGNATURE-----")');
  if (!t.endsWith(END)) throw new KeyError('the SSH signature is truncated (no "-----END SSH SIGNATURE-----")');
  const b64 = t.slice(BEGIN.length, t.length - END.length).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*=*$/.test(b64)) throw new KeyError('the SSH signature is not base64');
  const r = new WireReader(Buffer.from(b64, 'base64'));
  try {
    if (!r.bytes(6).equals(MAGIC)) throw new KeyError('not an SSHSIG blob');
    const version = r.uint32();
    if (version !== VERSION) throw new KeyError(`SSHSIG version ${version} is not supported`);
    const pub = r.string();
    const namespace = r.text();
    r.string(); // reserved: ignored, as the protocol says
    const hash = r.text();
    const signature = r.string();
    if (hash !== 'sha256' && hash !== 'sha512') throw new KeyError(`hash algorithm ${hash} is not allowed`);
    return { publicKey: parsePublicKeyBlob(pub), namespace, hash, signature };
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyError('the SSH signature is truncated');
  }
}

export interface SshsigCheck {
  ok: boolean;
  /** Why not, one phrase. */
  reason?: string;
  publicKey?: SshPublicKey;
}

/** Verify an armored SSHSIG over `message` in `namespace` (the key's right to sign is allowed_signers' business). */
export function verifySshsig(armored: string, message: Buffer | string, namespace = NAMESPACE): SshsigCheck {
  let p: ParsedSshsig;
  try {
    p = parseArmored(armored);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  if (p.namespace !== namespace) return { ok: false, reason: `signed in namespace "${p.namespace}", not "${namespace}"`, publicKey: p.publicKey };
  const why = verifySshSignature(p.publicKey, signedData(message, namespace, p.hash), p.signature);
  return why ? { ok: false, reason: why, publicKey: p.publicKey } : { ok: true, publicKey: p.publicKey };
}
