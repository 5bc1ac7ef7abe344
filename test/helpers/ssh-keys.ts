/**
 * Real OpenSSH keys and a real ssh-agent for the signing tests: keys made by
 * ssh-keygen in a temp dir, an agent on its own socket there (stopped by pid).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKey {
  name: string;
  file: string;
  pub: string;
}

export function tempDir(prefix = 'dw-sig-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function makeKey(dir: string, name: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519', passphrase = ''): TestKey {
  const file = join(dir, name);
  const args = ['-q', '-t', type, '-N', passphrase, '-C', name, '-f', file];
  if (type === 'rsa') args.push('-b', '2048');
  execFileSync('ssh-keygen', args, { stdio: 'pipe' });
  return { name, file, pub: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** An allowed_signers line: `principal [options] type key`. */
export function signerLine(principal: string, key: TestKey, options = ''): string {
  const [type, b64] = key.pub.split(/\s+/);
  return `${principal}${options ? ` ${options}` : ''} ${type} ${b64}`;
}

export interface TestAgent {
  socket: string;
  proc: ChildProcess;
  add(key: TestKey): void;
  stop(): Promise<void>;
}

/** `ssh-agent -D -a SOCKET`, waited for until its socket exists. */
export async function startAgent(dir: string): Promise<TestAgent> {
  const socket = join(dir, 'agent.sock');
  const proc = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`ssh-agent did not start (exit ${proc.exitCode})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    socket,
    proc,
    add(key) {
      execFileSync('ssh-add', ['-q', key.file], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
    },
    async stop() {
      if (proc.exitCode === null && proc.pid) {
        const done = new Promise((r) => proc.once('exit', r));
        process.kill(proc.pid, 'SIGTERM');
        await done;
      }
    },
  };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `ssh-keygen -Y verify`: its exit status and what it said. */
export function keygenVerify(allowedFile: string, principal: string, sigFile: string, message: string, namespace: string, at?: string): { ok: boolean; out: string } {
  try {
    const args = ['-Y', 'verify', '-f', allowedFile, '-I', principal, '-n', namespace, '-s', sigFile];
    if (at) args.push('-O', `verify-time=${at}`);
    const out = execFileSync('ssh-keygen', args, { input: message, stdio: 'pipe' }).toString();
    return { ok: true, out };
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export function keygenSign(keyFile: string, message: string, namespace: string): string {
  return execFileSync('ssh-keygen', ['-Y', 'sign', '-f', keyFile, '-n', namespace], { input: message, stdio: 'pipe' }).toString();
}

/** The proof a terminal with `signer` attaches to a sign-off change (what the store's sign-off slice does). */
export async function proofFor(
  signer: import('../../src/signing/signer.js').Signer,
  st: Omit<import('../../src/signing/message.js').SignedStatement, 'principal' | 'at'>,
  at = new Date().toISOString(),
): Promise<import('../../src/signing/guard.js').ActionProof> {
  const { statementFor } = await import('../../src/signing/guard.js');
  const principal = signer.principals[0];
  return { principal, key: signer.publicKey.fingerprint, at, sshsig: await signer.sign(statementFor(st, { principal, at })) };
}
