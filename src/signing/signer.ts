/**
 * Where a sign-off key comes from: the running ssh-agent (SSH_AUTH_SOCK), or a
 * key file named in config (`signingKey`). A key file whose public half is in
 * the agent signs through the agent; an unencrypted private key file signs
 * in-process; a passphrase-protected one is refused in one line (the wizard
 * owns the terminal, it cannot prompt: add the key to the agent).
 */
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describeRefusal, INPUT_CAPS, InputFileError, readInputFileSync } from '../input-file.js';
import { agentSign, listIdentities, SSH_AGENT_RSA_SHA2_512 } from './agent.js';
import { principalsOfKey, type AllowedSigners } from './allowed-signers.js';
import { curveName, curveSize, hashFor, KeyError, parsePublicKeyBlob, parsePublicKeyText, sshSignatureBlob, type SshPublicKey } from './keys.js';
import { armor, signedData } from './sshsig.js';
import { WireReader, b64url, fixed, mpint, str } from './wire.js';

export class SignerError extends Error {}

export interface Signer {
  publicKey: SshPublicKey;
  /** Principals the allowed_signers file lists this key for. */
  principals: string[];
  /** "ssh-agent" or the key file's path. */
  source: string;
  /** The armored SSHSIG of `message` in our namespace. */
  sign(message: string): Promise<string>;
}

export interface SignerOptions {
  allowed: AllowedSigners;
  /** SSH_AUTH_SOCK (or another agent socket). */
  agentSocket?: string;
  /** A private key file, or its .pub (then the agent must hold it). */
  keyFile?: string;
  /** Prefer the key listed for this principal when the agent holds several. */
  principal?: string;
}

function agentSigner(socket: string, pub: SshPublicKey, principals: string[]): Signer {
  return {
    publicKey: pub,
    principals,
    source: 'ssh-agent',
    async sign(message) {
      const sig = await agentSign(socket, pub.blob, signedData(message), pub.type === 'ssh-rsa' ? SSH_AGENT_RSA_SHA2_512 : 0);
      return armor(pub.blob, sig);
    },
  };
}

/** Read an unencrypted OpenSSH (openssh-key-v1) or PEM private key; passphrase-protected: SignerError. */
function readPrivateKey(file: string, text: string): { key: KeyObject; pub: SshPublicKey } {
  const protectedLine = `${file} is protected by a passphrase: add it to your ssh-agent (ssh-add ${file}) and sign through the agent`;
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) {
    if (/ENCRYPTED/.test(text)) throw new SignerError(protectedLine);
    try {
      const key = createPrivateKey(text);
      const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
      return { key, pub: publicFromJwk(jwk) };
    } catch (err) {
      if (err instanceof SignerError) throw err;
      throw new SignerError(`${file} is not a private key deploy-wizard can read (OpenSSH or PEM, unencrypted)`);
    }
  }
  const r = new WireReader(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  try {
    if (!r.bytes(15).equals(Buffer.from('openssh-key-v1\0'))) throw new SignerError(`${file} is not an OpenSSH private key`);
    const cipher = r.text();
    r.string(); // kdf name
    r.string(); // kdf options
    if (cipher !== 'none') throw new SignerError(protectedLine);
    const n = r.uint32();
    if (n !== 1) throw new SignerError(`${file} holds ${n} keys; deploy-wizard reads a file with one`);
    const pub = parsePublicKeyBlob(r.string());
    const p = new WireReader(r.string());
    if (p.uint32() !== p.uint32()) throw new SignerError(`${file} is damaged (check bytes differ)`);
    const type = p.text();
    let jwk: Record<string, string>;
    if (type === 'ssh-ed25519') {
      const x = p.string();
      const sk = p.string();
      jwk = { kty: 'OKP', crv: 'Ed25519', x: b64url(x), d: b64url(sk.subarray(0, 32)) };
    } else if (type.startsWith('ecdsa-sha2-')) {
      p.string();
      const q = p.string();
      const size = curveSize(type)!;
      const d = fixed(p.mpint(), size);
      jwk = { kty: 'EC', crv: curveName(type)!, x: b64url(q.subarray(1, 1 + size)), y: b64url(q.subarray(1 + size)), d: b64url(d) };
    } else if (type === 'ssh-rsa') {
      const [nn, e, d, iqmp, pp, q] = [p.mpint(), p.mpint(), p.mpint(), p.mpint(), p.mpint(), p.mpint()];
      const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
      const buf = (v: bigint) => {
        const h = v.toString(16);
        return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex');
      };
      const D = big(d);
      jwk = { kty: 'RSA', n: b64url(nn), e: b64url(e), d: b64url(d), p: b64url(pp), q: b64url(q), dp: b64url(buf(D % (big(pp) - 1n))), dq: b64url(buf(D % (big(q) - 1n))), qi: b64url(iqmp) };
    } else throw new SignerError(`${file}: ${type} keys are not supported for signing`);
    return { key: createPrivateKey({ key: jwk, format: 'jwk' } as Parameters<typeof createPrivateKey>[0]), pub };
  } catch (err) {
    if (err instanceof SignerError) throw err;
    if (err instanceof KeyError) throw new SignerError(`${file}: ${err.message}`);
    throw new SignerError(`${file} is damaged or truncated`);
  }
}

function publicFromJwk(jwk: Record<string, string>): SshPublicKey {
  const from = (s: string) => Buffer.from(s, 'base64url');
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return parsePublicKeyBlob(Buffer.concat([str('ssh-ed25519'), str(from(jwk.x))]));
  if (jwk.kty === 'RSA') return parsePublicKeyBlob(Buffer.concat([str('ssh-rsa'), mpint(from(jwk.e)), mpint(from(jwk.n))]));
  if (jwk.kty === 'EC') {
    const name = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[jwk.crv];
    if (!name) throw new SignerError(`curve ${jwk.crv} is not supported`);
    return parsePublicKeyBlob(Buffer.concat([str(`ecdsa-sha2-${name}`), str(name), str(Buffer.concat([Buffer.from([4]), from(jwk.x), from(jwk.y)]))]));
  }
  throw new SignerError(`${jwk.kty} keys are not supported`);
}


function fileSigner(file: string, key: KeyObject, pub: SshPublicKey, principals: string[]): Signer {
  return {
    publicKey: pub,
    principals,
    source: file,
    async sign(message) {
      const alg = pub.type === 'ssh-rsa' ? 'rsa-sha2-512' : pub.type;
      const raw = cryptoSign(hashFor(pub.type, alg), signedData(message), pub.type.startsWith('ecdsa-') ? { key, dsaEncoding: 'ieee-p1363' } : key);
      return armor(pub.blob, sshSignatureBlob(pub.type, alg, raw));
    },
  };
}

function listedOrRefuse(allowed: AllowedSigners, pub: SshPublicKey, source: string): string[] {
  const principals = principalsOfKey(allowed, pub.fingerprint);
  if (!principals.length) throw new SignerError(`the key ${pub.fingerprint} (${source}) is not listed in ${allowed.path}: add a line "PRINCIPAL ${pub.type} …" for it`);
  return principals;
}

/** The key this terminal signs with, or a SignerError whose message is the one line to show. */
export async function findSigner(o: SignerOptions): Promise<Signer> {
  if (o.keyFile) {
    if (!existsSync(o.keyFile)) throw new SignerError(`signing key ${o.keyFile} does not exist: name an existing key file (signingKey in --config)`);
    // Regular files of a sane size only: a FIFO or a device named as the key is refused in one line, never read.
    const read = (file: string) => {
      try {
        return readInputFileSync(file, INPUT_CAPS.keys).toString('utf8');
      } catch (err) {
        if (err instanceof InputFileError) throw new SignerError(`signing key ${file}: ${describeRefusal(err)}; name a key file (signingKey in --config)`);
        throw err;
      }
    };
    const text = read(o.keyFile);
    const pubText = o.keyFile.endsWith('.pub') ? text : existsSync(`${o.keyFile}.pub`) ? read(`${o.keyFile}.pub`) : undefined;
    let pub: SshPublicKey | undefined;
    try {
      pub = pubText ? parsePublicKeyText(pubText) : undefined;
    } catch (err) {
      throw new SignerError(`${o.keyFile}${o.keyFile.endsWith('.pub') ? '' : '.pub'}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (pub && o.agentSocket) {
      const ids = await listIdentities(o.agentSocket).catch(() => []);
      if (ids.some((i) => i.blob.equals(pub!.blob))) return agentSigner(o.agentSocket, pub, listedOrRefuse(o.allowed, pub, 'ssh-agent'));
    }
    if (o.keyFile.endsWith('.pub')) throw new SignerError(`the key ${pub!.fingerprint} of ${o.keyFile} is not in the ssh-agent: ssh-add its private key`);
    const { key, pub: derived } = readPrivateKey(o.keyFile, text);
    return fileSigner(o.keyFile, key, derived, listedOrRefuse(o.allowed, derived, o.keyFile));
  }
  if (!o.agentSocket) throw new SignerError('no ssh-agent: SSH_AUTH_SOCK is not set; start one (eval "$(ssh-agent)"; ssh-add) or name a key file with "signingKey" in --config');
  const ids = await listIdentities(o.agentSocket);
  if (!ids.length) throw new SignerError(`the ssh-agent at ${o.agentSocket} holds no keys: ssh-add your key (e.g. ssh-add ~/.ssh/id_ed25519)`);
  const keys = ids.flatMap((i) => {
    try {
      return [parsePublicKeyBlob(i.blob)];
    } catch {
      return [];
    }
  });
  const listed = keys.filter((k) => principalsOfKey(o.allowed, k.fingerprint).length > 0);
  if (!listed.length) throw new SignerError(`none of the ${ids.length} key${ids.length === 1 ? '' : 's'} in the ssh-agent is listed in ${o.allowed.path} (${keys.map((k) => k.fingerprint).join(', ')})`);
  const preferred = (o.principal && listed.find((k) => principalsOfKey(o.allowed, k.fingerprint).includes(o.principal!))) || listed[0];
  return agentSigner(o.agentSocket, preferred, principalsOfKey(o.allowed, preferred.fingerprint));
}

