/**
 * A minimal ssh-agent client (draft-miller-ssh-agent): list the identities,
 * ask for a signature. Over node:net to SSH_AUTH_SOCK: no subprocess, no
 * terminal prompt (the agent holds the unlocked key), and the keys are known
 * before signing, so the sign-off screen can say whose key will sign.
 */
import { connect } from 'node:net';
import { WireReader, str, u32 } from './wire.js';

const SSH_AGENT_FAILURE = 5;
const SSH2_AGENTC_REQUEST_IDENTITIES = 11;
const SSH2_AGENT_IDENTITIES_ANSWER = 12;
const SSH2_AGENTC_SIGN_REQUEST = 13;
const SSH2_AGENT_SIGN_RESPONSE = 14;
export const SSH_AGENT_RSA_SHA2_512 = 4;

class AgentError extends Error {}

/** One request, one answer (a fresh connection each time: the agent may be restarted between them). */
function request(socket: string, type: number, payload: Buffer, timeoutMs = 10_000): Promise<{ type: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new AgentError(`the ssh-agent at ${socket} did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const fail = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = err.code ?? 'error';
      reject(new AgentError(`cannot reach the ssh-agent at ${socket} (${code}): start one (eval "$(ssh-agent)") and ssh-add your key`));
    };
    conn.on('error', fail);
    conn.on('connect', () => conn.write(Buffer.concat([u32(payload.length + 1), Buffer.from([type]), payload])));
    conn.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const len = buf.readUInt32BE(0);
      if (buf.length < 4 + len) return;
      clearTimeout(timer);
      conn.destroy();
      resolve({ type: buf[4], body: buf.subarray(5, 4 + len) });
    });
    conn.on('close', () => {
      clearTimeout(timer);
      reject(new AgentError(`the ssh-agent at ${socket} closed the connection without an answer`));
    });
  });
}

export interface AgentIdentity {
  blob: Buffer;
  comment: string;
}

export async function listIdentities(socket: string): Promise<AgentIdentity[]> {
  const res = await request(socket, SSH2_AGENTC_REQUEST_IDENTITIES, Buffer.alloc(0));
  if (res.type !== SSH2_AGENT_IDENTITIES_ANSWER) throw new AgentError(`the ssh-agent at ${socket} refused to list its keys`);
  const r = new WireReader(res.body);
  const n = r.uint32();
  const out: AgentIdentity[] = [];
  for (let i = 0; i < n; i++) out.push({ blob: r.string(), comment: r.text() });
  return out;
}

/** The SSH signature blob (string algorithm, string signature) the agent makes over `data`. */
export async function agentSign(socket: string, keyBlob: Buffer, data: Buffer, flags = 0): Promise<Buffer> {
  const res = await request(socket, SSH2_AGENTC_SIGN_REQUEST, Buffer.concat([str(keyBlob), str(data), u32(flags)]), 120_000);
  if (res.type === SSH_AGENT_FAILURE) throw new AgentError('the ssh-agent refused to sign (key removed, or confirmation denied)');
  if (res.type !== SSH2_AGENT_SIGN_RESPONSE) throw new AgentError(`the ssh-agent answered ${res.type} to a sign request`);
  return new WireReader(res.body).string();
}
