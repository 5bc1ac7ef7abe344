/** Session ids a person can read and type: `<env>-<YYYYMMDD-HHMM>-<4 chars>`. */
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: easy to read aloud

/** Lowercase slug of an environment name, safe in a file name. */
function envSlug(env: string): string {
  return env.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'env';
}

/** A new id for a session in `env` started at `now` (local time, as the operator reads the clock). */
export function newSessionId(env: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const when = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  const suffix = [...randomBytes(4)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${envSlug(env)}-${when}-${suffix}`;
}

const SAFE_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

/** Reject ids that could name a file outside the sessions folder. */
export function checkSessionId(id: string): string {
  if (!SAFE_ID.test(id) || id.includes('..')) {
    throw new UserError(`"${id}" is not a session id (expected something like production-20261126-1402-k3v9; see deploy-wizard list)`);
  }
  return id;
}
