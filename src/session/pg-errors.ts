/**
 * Classifying and wording PostgreSQL errors for the team-mode store: which
 * ones mean "the database is gone" (go offline and queue), and one redacted
 * line for the rest.
 */
import { UserError } from '../errors.js';
import type { Redactor } from '../secrets/redactor.js';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
]);

const CONNECTION_MESSAGE = /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error|not queryable|terminating connection|query read timeout|Connection ended/i;

/** True when the error means the database could not be reached (not that it refused the change). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true;
  return CONNECTION_MESSAGE.test(String(e?.message ?? ''));
}

/** Why the store could not be used, in words (no password, no stack). */
function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] } | undefined;
  const code = e?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused the connection (is PostgreSQL running on that host and port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'has a host name that does not resolve';
  if (code === '28P01' || code === '28000') return 'rejected the user name or password';
  if (code === '3D000') return 'has no such database';
  // Run time needs DML rights only (README "Team mode: database rights"); migrations name their own missing right.
  if (code === '42501') return `refused permission (${String(e?.message ?? '').split('\n')[0]}); grant the role the rights in README "Team mode: database rights"`;
  if (/timeout/i.test(e?.message ?? '')) return 'did not answer in time';
  // AggregateError (IPv4 + IPv6 attempts) carries no message of its own.
  const msg = e?.message || (Array.isArray(e?.errors) && (e.errors[0] as Error | undefined)?.message) || String(err);
  return `failed: ${String(msg).split('\n')[0]}`;
}

/** One line naming the store (redacted) and what to do. */
export function storeError(action: string, where: string, err: unknown, redact: Redactor): UserError {
  if (err instanceof UserError) return new UserError(redact(err.message), err.exitCode);
  return new UserError(
    redact(`${action}: session store ${where} ${describePgError(err)}; check --store / DEPLOY_WIZARD_STORE and that PostgreSQL is reachable`),
  );
}
