/**
 * Where the CLI finds who may sign and with which key: `--allowed-signers
 * FILE`, else `"allowedSigners"` in --config, else `allowed_signers` next to
 * the checklist; the key: `"signingKey"` in --config (a key file), else the
 * ssh-agent (SSH_AUTH_SOCK). `"requireSignatures": true` in --config (or the
 * checklist's `<!-- signoff: signatures=required -->`) makes every sign-off
 * action need a key. A malformed file is FILE:LINE: message, exit 2.
 */
import { existsSync } from 'node:fs';
import { describeRefusal, INPUT_CAPS, InputFileError, readInputFileSync } from '../input-file.js';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { AllowedSignersError, parseAllowedSigners, type AllowedSigners } from './allowed-signers.js';
import { sessionSigners } from './guard.js';
import { findSigner, type Signer } from './signer.js';
import type { SignedSession as Session } from './types.js';

export interface SigningConfig {
  /** The allowed_signers file found (text as read, path as shown). */
  file?: { path: string; text: string; allowed: AllowedSigners };
  keyFile?: string;
  required: boolean;
}

function configKeys(configFile: string | undefined): { allowedSigners?: string; signingKey?: string; requireSignatures?: boolean } {
  if (!configFile || !existsSync(configFile)) return {};
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readInputFileSync(configFile, INPUT_CAPS.variables).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {}; // the config's own reader reports a malformed file, once
  }
  if (!doc || typeof doc !== 'object') return {};
  const out: { allowedSigners?: string; signingKey?: string; requireSignatures?: boolean } = {};
  for (const k of ['allowedSigners', 'signingKey'] as const) {
    const v = doc[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !v.trim()) throw new UserError(`--config ${configFile}: "${k}" must be a file path as a string`);
    out[k] = resolve(dirname(configFile), v);
  }
  if (doc.requireSignatures !== undefined) {
    if (typeof doc.requireSignatures !== 'boolean') throw new UserError(`--config ${configFile}: "requireSignatures" must be true or false`);
    out.requireSignatures = doc.requireSignatures;
  }
  return out;
}

/** Read and parse an allowed_signers file; any problem is one UserError line (exit 2). */
function readAllowedSigners(path: string, shownAs = path): { path: string; text: string; allowed: AllowedSigners } {
  let text: string;
  try {
    // A regular file of a sane size: a FIFO or /dev/zero named here is refused, never read.
    text = readInputFileSync(path, INPUT_CAPS.keys).toString('utf8');
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    throw new UserError(`allowed signers ${shownAs}: ${describeRefusal(err)}; give an allowed_signers file with --allowed-signers FILE`);
  }
  try {
    return { path: shownAs, text, allowed: parseAllowedSigners(text, shownAs) };
  } catch (err) {
    if (err instanceof AllowedSignersError) throw new UserError(`${err.message}; fix the line (ssh-keygen's ALLOWED SIGNERS format)`);
    throw err;
  }
}

export function loadSigningConfig(o: { flag?: string; configFile?: string; checklist: string; checklistRequires?: boolean; shown?: (p: string) => string }): SigningConfig {
  const cfg = configKeys(o.configFile);
  const show = o.shown ?? ((p: string) => p);
  const next = join(dirname(o.checklist), 'allowed_signers');
  const path = o.flag ?? cfg.allowedSigners ?? (existsSync(next) ? next : undefined);
  const required = Boolean(cfg.requireSignatures || o.checklistRequires);
  if (required && !path) {
    const why = o.checklistRequires ? 'the checklist requires signatures (signatures=required)' : `--config ${o.configFile} requires signatures`;
    throw new UserError(`${why}, but there is no allowed_signers: put one next to the checklist (${show(next)}), or give --allowed-signers FILE`);
  }
  return {
    file: path ? readAllowedSigners(path, show(path)) : undefined,
    keyFile: cfg.signingKey,
    required,
  };
}

/**
 * The change that records the file in the session, when it should (none when
 * the session holds it already, or is completed and so read-only).
 */
export function setupChange(session: Session, cfg: SigningConfig): { type: 'signing.setup'; allowedSigners: string; source: string; required?: boolean } | undefined {
  if (!cfg.file || session.status === 'completed') return undefined;
  const cur = session.signing;
  if (cur && cur.allowedSigners === cfg.file.text && cur.source === cfg.file.path && Boolean(cur.required) === cfg.required) return undefined;
  return { type: 'signing.setup', allowedSigners: cfg.file.text, source: cfg.file.path, required: cfg.required || undefined };
}

/** This terminal's key for the session (its recorded allowed signers first), or the line that says why there is none. */
export async function signerFor(session: Session, cfg: SigningConfig, principal?: string): Promise<{ signer?: Signer; problem?: string }> {
  const recorded = sessionSigners(session);
  const allowed = recorded && typeof recorded !== 'string' ? recorded : cfg.file?.allowed;
  if (!allowed) return {};
  try {
    return { signer: await findSigner({ allowed, agentSocket: process.env.SSH_AUTH_SOCK || undefined, keyFile: cfg.keyFile, principal }) };
  } catch (err) {
    // No agent, an agent without keys, a locked key file: the sign-off screen says it in one line (SignerError, AgentError).
    return { problem: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}
