/**
 * SSH public keys as Node KeyObjects (through JWK), their SHA256
 * fingerprints, and how a signature of each type is checked. Pure:
 * node:crypto only. Ed25519, ECDSA P-256/384/521 and RSA (rsa-sha2-256/512)
 * are supported; security-key (sk-*) and certificate keys are refused with a
 * line that says so.
 */
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { WireReader, b64url, fixed, mpint, str } from './wire.js';

export interface SshPublicKey {
  /** e.g. ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa */
  type: string;
  /** The wire blob (what allowed_signers and SSHSIG carry, base64). */
  blob: Buffer;
  key: KeyObject;
  /** SHA256:… as ssh-keygen -l prints it. */
  fingerprint: string;
}

export class KeyError extends Error {}

const CURVES: Record<string, { crv: string; size: number; hash: string }> = {
  nistp256: { crv: 'P-256', size: 32, hash: 'sha256' },
  nistp384: { crv: 'P-384', size: 48, hash: 'sha384' },
  nistp521: { crv: 'P-521', size: 66, hash: 'sha512' },
};

function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Parse an SSH wire public key blob. */
export function parsePublicKeyBlob(blob: Buffer): SshPublicKey {
  const r = new WireReader(blob);
  let type: string;
  try {
    type = r.text();
  } catch {
    throw new KeyError('not an SSH public key');
  }
  const jwk = ((): Record<string, string> => {
    try {
      if (type === 'ssh-ed25519') {
        const x = r.string();
        if (x.length !== 32) throw new KeyError('an ssh-ed25519 key must be 32 bytes');
        return { kty: 'OKP', crv: 'Ed25519', x: b64url(x) };
      }
      if (type.startsWith('ecdsa-sha2-')) {
        const curve = CURVES[r.text()];
        if (!curve || type !== `ecdsa-sha2-${Object.keys(CURVES).find((k) => CURVES[k] === curve)}`) throw new KeyError(`unsupported ECDSA curve in ${type}`);
        const q = r.string();
        if (q[0] !== 4 || q.length !== 1 + 2 * curve.size) throw new KeyError('only uncompressed ECDSA points are supported');
        return { kty: 'EC', crv: curve.crv, x: b64url(q.subarray(1, 1 + curve.size)), y: b64url(q.subarray(1 + curve.size)) };
      }
      if (type === 'ssh-rsa') {
        const e = r.mpint();
        const n = r.mpint();
        return { kty: 'RSA', n: b64url(n), e: b64url(e) };
      }
    } catch (err) {
      if (err instanceof KeyError) throw err;
      throw new KeyError(`${type} key is truncated`);
    }
    if (type.startsWith('sk-')) throw new KeyError(`${type} (security key) signatures are not supported: use an ed25519, ECDSA or RSA key`);
    if (type.includes('-cert-v01@openssh.com')) throw new KeyError(`${type}: certificates are not supported: list the key itself`);
    throw new KeyError(`unsupported key type ${type}`);
  })();
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' } as Parameters<typeof createPublicKey>[0]);
  } catch (err) {
    throw new KeyError(`${type} key is not valid (${err instanceof Error ? err.message : String(err)})`);
  }
  return { type, blob, key, fingerprint: fingerprintOf(blob) };
}

/** Parse "TYPE BASE64 [comment]" (an .pub file or the key part of an allowed_signers line). */
export function parsePublicKeyText(text: string): SshPublicKey & { comment: string } {
  const [type, b64, ...rest] = text.trim().split(/\s+/);
  if (!type) throw new KeyError('expected "TYPE BASE64-KEY"');
  if (!b64) throw new KeyError(`the ${type} key has no base64 part (expected "${type} AAAA…")`);
  if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) throw new KeyError(`the ${type} key is not base64`);
  const key = parsePublicKeyBlob(Buffer.from(b64, 'base64'));
  if (key.type !== type) throw new KeyError(`the key says ${key.type}, the line says ${type}`);
  return { ...key, comment: rest.join(' ') };
}

/** The SSH signature algorithm names a key type signs with (RSA: the SHA-2 ones only, as SSHSIG requires). */
function signatureAlgorithms(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256'];
  return [type];
}

/**
 * Check an SSH signature blob (string algorithm, string signature) made by
 * `pub` over `data`. Returns why not, or undefined when it verifies.
 */
export function verifySshSignature(pub: SshPublicKey, data: Buffer, sigBlob: Buffer): string | undefined {
  let alg: string;
  let raw: Buffer;
  try {
    const r = new WireReader(sigBlob);
    alg = r.text();
    raw = r.string();
  } catch {
    return 'the signature is truncated';
  }
  if (!signatureAlgorithms(pub.type).includes(alg)) return `signature algorithm ${alg} does not fit a ${pub.type} key`;
  try {
    let ok: boolean;
    if (pub.type === 'ssh-ed25519') ok = cryptoVerify(null, data, pub.key, raw);
    else if (pub.type === 'ssh-rsa') ok = cryptoVerify(alg === 'rsa-sha2-512' ? 'sha512' : 'sha256', data, pub.key, raw);
    else {
      const curve = CURVES[pub.type.slice('ecdsa-sha2-'.length)];
      const r = new WireReader(raw);
      const rs = Buffer.concat([fixed(r.mpint(), curve.size), fixed(r.mpint(), curve.size)]);
      ok = cryptoVerify(curve.hash, data, { key: pub.key, dsaEncoding: 'ieee-p1363' }, rs);
    }
    return ok ? undefined : 'the signature does not match the signed content';
  } catch {
    return 'the signature is malformed';
  }
}

/** Turn a raw signature from node:crypto into the SSH signature blob for `type`. */
export function sshSignatureBlob(type: string, alg: string, raw: Buffer): Buffer {
  if (type.startsWith('ecdsa-sha2-')) {
    const size = CURVES[type.slice('ecdsa-sha2-'.length)].size;
    return Buffer.concat([str(alg), str(Buffer.concat([mpint(raw.subarray(0, size)), mpint(raw.subarray(size))]))]);
  }
  return Buffer.concat([str(alg), str(raw)]);
}

/** The hash node:crypto signs with for an SSH signature algorithm (null: Ed25519 signs the data itself). */
export function hashFor(type: string, alg: string): string | null {
  if (type === 'ssh-ed25519') return null;
  if (type === 'ssh-rsa') return alg === 'rsa-sha2-256' ? 'sha256' : 'sha512';
  return CURVES[type.slice('ecdsa-sha2-'.length)].hash;
}

export function curveSize(type: string): number | undefined {
  return CURVES[type.slice('ecdsa-sha2-'.length)]?.size;
}

export function curveName(type: string): string | undefined {
  return CURVES[type.slice('ecdsa-sha2-'.length)]?.crv;
}
