/**
 * postgres probe: connect through `pg`, run `SELECT 1`, and check the server
 * version, connection headroom, the role's privileges, statement_timeout and
 * a table that must hold rows (django_migrations). One connection, no retries,
 * always closed, also on timeout or cancel.
 */
import type { z } from 'zod';
import type { params as schema } from './kinds/postgres.js';
import type { Probe, ProbeOutcome } from './types.js';
import { createRedactor, redactDeep } from '../secrets/redactor.js';
import { AbortedError, deadlineSignal, firstLine, foldChecks, hostPortOf as hostPort, networkReason, remainingMs, stoppedOutcome, untilAborted, type Check } from './toolkit.js';

export type PostgresParams = z.infer<typeof schema>;

/** Where and as whom to connect, after merging `url` with the DB_* style parts. */
export interface PgTarget {
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  ssl: boolean;
}

/**
 * Merge `url` (postgres://user:pass@host:port/db?sslmode=require) with the
 * separate parts; a part given explicitly wins over the URL's.
 */
export function pgTarget(params: PostgresParams): PgTarget | { problem: string } {
  let fromUrl: Partial<PgTarget> = {};
  if (params.url) {
    let u: URL;
    try {
      u = new URL(params.url);
    } catch {
      return { problem: 'url is not a valid postgres:// URL' };
    }
    if (!/^postgres(ql)?:$/i.test(u.protocol)) return { problem: `url must start with postgres:// or postgresql:// (got ${u.protocol}//)` };
    const sslmode = u.searchParams.get('sslmode');
    fromUrl = {
      host: decode(u.hostname.replace(/^\[|\]$/g, '')) || undefined,
      port: u.port ? Number(u.port) : undefined,
      database: decode(u.pathname.replace(/^\//, '')) || undefined,
      user: decode(u.username) || undefined,
      password: u.password ? decode(u.password) : undefined,
      ssl: sslmode ? !['disable', 'allow', 'prefer'].includes(sslmode) : undefined,
    };
  }
  const host = params.host ?? fromUrl.host;
  if (!host) return { problem: 'no database host: set url= (DATABASE_URL) or host= (DB_HOST)' };
  return {
    host,
    port: params.port ?? fromUrl.port ?? 5432,
    database: params.database ?? fromUrl.database,
    user: params.user ?? fromUrl.user,
    password: params.password ?? fromUrl.password,
    ssl: params.ssl || fromUrl.ssl === true,
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What the probe learned from the server; the checks are pure functions of it. */
export interface PgFacts {
  version: string;
  versionNum: number;
  used: number;
  max: number;
  role: string;
  superuser: boolean;
  createrole: boolean;
  createdb: boolean;
  /** As the app sees it on connect (role/database/server settings), e.g. "0" or "5s". */
  statementTimeout: string;
  /** Rows in the `table` parameter's table (capped), undefined when the table is missing. */
  tableRows?: number;
  tableRowsCapped?: boolean;
}

/** Rows counted at most, so a huge table cannot make the probe slow. */
export const TABLE_ROW_CAP = 100_000;

/** Judge the facts against the parameters: one check per condition asked for. */
export function pgChecks(f: PgFacts, p: PostgresParams): Check[] {
  const checks: Check[] = [];
  if (p.min_version !== undefined) {
    const major = majorOf(f.versionNum);
    checks.push(major >= p.min_version ? { status: 'pass', message: `version ${f.version} ≥ ${p.min_version}` } : { status: 'fail', message: `PostgreSQL ${f.version} is older than ${p.min_version}` });
  }
  const pct = f.max > 0 ? (f.used / f.max) * 100 : 0;
  const usage = `${f.used}/${f.max} connections in use`;
  if (p.max_connections_pct !== undefined && pct > p.max_connections_pct) {
    checks.push({ status: 'warn', message: `${usage} (${Math.round(pct)}%, above ${p.max_connections_pct}%)` });
  }
  if (p.least_privilege) {
    const attrs = roleAttributes(f);
    checks.push(attrs.length ? { status: 'fail', message: `role ${f.role} is ${attrs.join(', ')}` } : { status: 'pass', message: `role ${f.role} is least-privilege` });
  }
  if (p.statement_timeout) {
    // A role query sees the server, database and role settings, not what the client sets on
    // connect: Django-Twilio-Call sets it from DATABASES OPTIONS (docs/TROUBLESHOOTING.md).
    checks.push(
      isZeroTimeout(f.statementTimeout)
        ? {
            status: 'inconclusive',
            reason: 'cannot-judge-here',
            message: `statement_timeout is 0 (no limit) for role ${f.role} on the server side; the app may set it from the client (Django DATABASES OPTIONS), which a role query cannot see: check the app's settings`,
          }
        : { status: 'pass', message: `statement_timeout ${f.statementTimeout}` },
    );
  }
  if (p.table) {
    if (f.tableRows === undefined) checks.push({ status: 'fail', message: `table ${p.table} does not exist` });
    else if (f.tableRows === 0) checks.push({ status: 'fail', message: `table ${p.table} is empty` });
    else checks.push({ status: 'pass', message: rowsText(p.table, f) });
  }
  return checks;
}

function rowsText(table: string, f: PgFacts): string {
  return `${table} has ${f.tableRowsCapped ? `${TABLE_ROW_CAP}+` : f.tableRows} rows`;
}

/** Major version from server_version_num: 160004 → 16 (9.6 is 90600 → 9, close enough for a minimum). */
export function majorOf(versionNum: number): number {
  return Math.floor(versionNum / 10_000);
}

function roleAttributes(f: PgFacts): string[] {
  const out: string[] = [];
  if (f.superuser) out.push('SUPERUSER');
  if (f.createrole) out.push('CREATEROLE');
  if (f.createdb) out.push('CREATEDB');
  return out;
}

/** "0", "0ms", "0s" all mean no limit. */
function isZeroTimeout(v: string): boolean {
  return /^0\s*(ms|s|min|h|d)?$/i.test(v.trim());
}

/** Minimal slice of pg's Client the probe uses (pg is imported lazily, so no value import here). */
interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', cb: (e: Error) => void): void;
  connection?: { stream?: { destroy(): void; destroyed?: boolean } };
}

/** pg error codes meaning "the credentials or the target are wrong": a failed check, not an unanswerable one. */
const AUTH_CODES = new Set(['28P01', '28000', '3D000']);

export const probe: Probe<PostgresParams> = async (params, ctx) => {
  const target = pgTarget(params);
  if ('problem' in target) return { status: 'error', summary: target.problem, evidence: [] };
  // pg's messages do not contain the password, but the outcome is redacted here too, as defence in depth.
  const redact = createRedactor(ctx.vars, target.password ? [target.password] : []);
  const where = hostPort(target.host, target.port);
  const { signal, budgetMs, timedOut, dispose } = deadlineSignal(ctx.signal, ctx.deadline);
  let client: PgClient | undefined;
  const destroy = () => {
    if (!client) return;
    client.end().catch(() => {});
    // Abort must not wait for a polite Terminate the peer may never read: drop the socket too.
    client.connection?.stream?.destroy();
  };
  signal.addEventListener('abort', destroy, { once: true });
  try {
    const { default: pg } = await untilAborted(import('pg'), signal);
    const left = remainingMs(ctx.deadline);
    client = new pg.Client({
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      password: target.password ?? '',
      ssl: target.ssl ? { rejectUnauthorized: true } : false,
      connectionTimeoutMillis: left,
      query_timeout: left,
      application_name: 'deploy-wizard',
    }) as unknown as PgClient;
    // A socket error after connect must not become an unhandled 'error' event.
    client.on('error', () => {});
    if (signal.aborted) destroy();
    await untilAborted(client.connect(), signal);
    const facts = await untilAborted(readFacts(client, params, ctx.deadline), signal);
    const checks = pgChecks(facts, params);
    const evidence = factsEvidence(facts, params, where, target);
    // What this probe judged first, the server it asked last: lines of several postgres probes differ at their start, where a narrow screen keeps them.
    const judged = checks.filter((c) => c.status === 'pass').map((c) => c.message);
    const pass = [...judged, `${facts.used}/${facts.max} connections in use`, `PostgreSQL ${facts.version} at ${where} answers`].join('; ');
    const outcome = foldChecks(checks, pass, evidence, { connections_used: facts.used, max_connections: facts.max, server_version_num: facts.versionNum });
    if (outcome.status !== 'pass' && !outcome.summary.includes('connections in use')) outcome.summary += `; ${facts.used}/${facts.max} connections in use`;
    return redactDeep(outcome, redact);
  } catch (err) {
    return redactDeep(failure(err, where, target, timedOut(), budgetMs), redact);
  } finally {
    signal.removeEventListener('abort', destroy);
    dispose();
    await close(client, ctx.deadline);
  }
};

/** Close politely when the connection is healthy, waiting at most 200 ms and never past the deadline. */
async function close(client: PgClient | undefined, deadline: number): Promise<void> {
  if (!client) return;
  const stream = client.connection?.stream;
  if (stream?.destroyed) {
    client.end().catch(() => {});
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, Math.min(200, deadline - Date.now())))))]);
  clearTimeout(timer);
  stream?.destroy();
}

async function readFacts(client: PgClient, p: PostgresParams, deadline: number): Promise<PgFacts> {
  await client.query('SELECT 1');
  // Read the app's statement_timeout before setting our own limit for the probe's queries.
  const base = await client.query(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS num,
            current_setting('max_connections')::int AS max, current_setting('statement_timeout') AS st,
            r.rolname AS role, r.rolsuper AS su, r.rolcreaterole AS cr, r.rolcreatedb AS cd
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  await client.query(`SET statement_timeout = ${remainingMs(deadline)}`);
  const row = base.rows[0] ?? {};
  const num = Number(row.num);
  // Client backends only: background workers do not count against max_connections.
  const usedSql = num >= 100_000 ? `SELECT count(*)::int AS used FROM pg_stat_activity WHERE backend_type = 'client backend'` : `SELECT count(*)::int AS used FROM pg_stat_activity`;
  const used = Number((await client.query(usedSql)).rows[0]?.used ?? 0);
  const facts: PgFacts = {
    version: String(row.version ?? '?').split(' ')[0],
    versionNum: num,
    used,
    max: Number(row.max),
    role: String(row.role ?? '?'),
    superuser: row.su === true,
    createrole: row.cr === true,
    createdb: row.cd === true,
    statementTimeout: String(row.st ?? '0'),
  };
  if (p.table) {
    // to_regclass parses and resolves the name safely; its text form is a properly quoted identifier.
    const reg = await client.query('SELECT to_regclass($1)::text AS t', [p.table]);
    const t = reg.rows[0]?.t as string | null | undefined;
    if (t) {
      const n = Number((await client.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t} LIMIT ${TABLE_ROW_CAP + 1}) s`)).rows[0]?.n ?? 0);
      facts.tableRows = Math.min(n, TABLE_ROW_CAP);
      facts.tableRowsCapped = n > TABLE_ROW_CAP;
    }
  }
  return facts;
}

function factsEvidence(f: PgFacts, p: PostgresParams, where: string, t: PgTarget): string[] {
  const ev = [
    `server: PostgreSQL ${f.version} (server_version_num ${f.versionNum}) at ${where}${t.database ? `/${t.database}` : ''}${t.ssl ? ' over TLS' : ''}`,
    `connections: ${f.used}/${f.max} in use (${f.max ? Math.round((f.used / f.max) * 100) : 0}%)`,
    `role ${f.role}: SUPERUSER ${yn(f.superuser)}, CREATEROLE ${yn(f.createrole)}, CREATEDB ${yn(f.createdb)}`,
    `statement_timeout: ${f.statementTimeout}`,
  ];
  if (p.table) ev.push(f.tableRows === undefined ? `table ${p.table}: missing` : `table ${p.table}: ${f.tableRowsCapped ? `${TABLE_ROW_CAP}+` : f.tableRows} rows`);
  return ev;
}

const yn = (b: boolean) => (b ? 'yes' : 'no');

/** Turn a thrown error into an outcome: auth problems fail, everything else could not be checked. */
function failure(err: unknown, where: string, t: PgTarget, timedOut: boolean, budgetMs: number): ProbeOutcome {
  const code = (err as { code?: string }).code;
  const msg = firstLine(err);
  const evidence = [`target: ${where}${t.database ? `/${t.database}` : ''}${t.user ? ` as ${t.user}` : ''}`];
  if (code && AUTH_CODES.has(code)) return { status: 'fail', summary: msg, evidence: [...evidence, `server said: ${msg} (SQLSTATE ${code})`] };
  // pg's own wording when the server asks for a password the probe was not given.
  if (/password must be a string|no password (was )?supplied/i.test(msg)) {
    return { status: 'fail', summary: `PostgreSQL at ${where} asks for a password and none was given (set password=, e.g. \${DB_PASSWORD}, or put it in url=)`, evidence: [...evidence, `client said: ${msg}`] };
  }
  if (err instanceof AbortedError || /timeout expired|connection timeout|Query read timeout/i.test(msg)) {
    return stoppedOutcome(timedOut || !(err instanceof AbortedError), `timeout: no answer from PostgreSQL at ${where} within ${budgetMs} ms`, evidence);
  }
  const net = networkReason(err, where);
  if (net) return { status: 'error', summary: net, evidence };
  if (code) return { status: 'error', summary: `PostgreSQL error: ${msg}`, evidence: [...evidence, `SQLSTATE ${code}`] };
  return { status: 'error', summary: `could not check PostgreSQL at ${where}: ${msg}`, evidence };
}
