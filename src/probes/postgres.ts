/**
 * postgres probe: connect through `pg`, run `SELECT 1`, and check the server
 * version, connection headroom, the role's privileges, statement_timeout and
 * a table that must hold rows (django_migrations). One connection, no retries,
 * always closed, also on timeout or cancel.
 */
import type { z } from 'zod';
import { safeDecode } from '../text/lines.js';
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
      host: safeDecode(u.hostname.replace(/^\[|\]$/g, '')) || undefined,
      port: u.port ? Number(u.port) : undefined,
      database: safeDecode(u.pathname.replace(/^\//, '')) || undefined,
      user: safeDecode(u.username) || undefined,
      password: u.password ? safeDecode(u.password) : undefined,
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

/** What the probe learned from the server; the checks are pure functions of it. */
export interface PgFacts {
  version: string;
  versionNum: number;
  used: number;
  /** Of `used`: other roles' sessions this role may not inspect (counted, their type unseen). */
  hiddenSessions?: number;
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
  /** The asked migrations not recorded in django_migrations (all of them when the table is missing), when asked. */
  migrations?: { missing: string[]; table: boolean };
  /** pg_stat_archiver and archive_mode, when archiving was asked. */
  archiver?: { mode: string; archived: number; failed: number; lastArchivedAgeS?: number; lastArchivedWal?: string; lastFailedAgeS?: number; lastFailedWal?: string };
  /** Buffer cache of the current database (pg_stat_database), when asked. */
  cache?: { hit: number; read: number };
  /** The oldest open transaction this role can see, and how many sessions it cannot see, when asked. */
  xact?: { oldestS?: number; oldestPid?: number; oldestState?: string; hidden: number };
}

/** Blocks read below which a cache hit ratio says nothing yet (a fresh or idle database). */
const CACHE_MIN_BLOCKS = 1000;

/** `90s`, `5m`, `1h`, `2d` → seconds. */
function durationSeconds(v: string): number {
  const n = Number(/^\d+/.exec(v)?.[0] ?? NaN);
  const unit = v.replace(/^\d+/, '');
  return n * ({ s: 1, m: 60, h: 3600, d: 86_400 } as Record<string, number>)[unit];
}

/** 3725 → "1 h 2 min", 95 → "95 s". */
function ageText(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.round(s / 86_400)} days`;
}

/** Rows counted at most, so a huge table cannot make the probe slow. */
const TABLE_ROW_CAP = 100_000;

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
  if (p.archiving && f.archiver) {
    const a = f.archiver;
    if (a.mode !== 'on' && a.mode !== 'always') checks.push({ status: 'fail', message: `WAL archiving is off (archive_mode = ${a.mode})` });
    else if (a.lastFailedAgeS !== undefined && (a.lastArchivedAgeS === undefined || a.lastFailedAgeS < a.lastArchivedAgeS)) {
      checks.push({ status: 'fail', message: `WAL archiving failing: ${a.lastFailedWal ?? 'a segment'} failed ${ageText(a.lastFailedAgeS)} ago (${a.failed} failures), ${a.lastArchivedAgeS === undefined ? 'nothing archived yet' : `last success ${ageText(a.lastArchivedAgeS)} ago`}` });
    } else if (a.lastArchivedAgeS === undefined) {
      checks.push({ status: 'inconclusive', reason: 'no-data', message: 'WAL archiving is on but no segment has been archived yet' });
    } else if (p.max_archive_age && a.lastArchivedAgeS > durationSeconds(p.max_archive_age)) {
      checks.push({ status: 'fail', message: `last WAL segment archived ${ageText(a.lastArchivedAgeS)} ago (max ${p.max_archive_age})` });
    } else checks.push({ status: 'pass', message: `WAL archiving on, last segment archived ${ageText(a.lastArchivedAgeS)} ago${p.max_archive_age ? ` (max ${p.max_archive_age})` : ''}` });
  }
  if (p.cache_hit_min !== undefined && f.cache) {
    const total = f.cache.hit + f.cache.read;
    const pct = total ? (f.cache.hit / total) * 100 : 0;
    if (total < CACHE_MIN_BLOCKS) checks.push({ status: 'inconclusive', reason: 'no-data', message: `cache hit ratio not judged: ${total} blocks requested since the statistics reset (fewer than ${CACHE_MIN_BLOCKS})` });
    else if (pct < p.cache_hit_min) checks.push({ status: 'fail', message: `cache hit ratio ${pct.toFixed(1)}% < min ${p.cache_hit_min}% (${f.cache.read} blocks read from disk)` });
    else checks.push({ status: 'pass', message: `cache hit ratio ${pct.toFixed(1)}% ≥ ${p.cache_hit_min}%` });
  }
  if (p.max_xact_age && f.xact) {
    const max = durationSeconds(p.max_xact_age);
    const x = f.xact;
    const hidden = x.hidden ? ` (${x.hidden} sessions of other roles not visible to ${f.role})` : '';
    if (x.oldestS !== undefined && x.oldestS > max) checks.push({ status: 'fail', message: `transaction open for ${ageText(x.oldestS)} (pid ${x.oldestPid}, ${x.oldestState}), max ${p.max_xact_age}` });
    else checks.push({ status: 'pass', message: `no transaction open longer than ${p.max_xact_age}${x.oldestS !== undefined ? ` (oldest ${ageText(x.oldestS)})` : ''}${hidden}` });
  }
  if (p.migrations && f.migrations) {
    const asked = p.migrations;
    const m = f.migrations;
    if (!m.table) checks.push({ status: 'fail', message: `django_migrations does not exist in this database: no migration applied (${asked.length} expected)` });
    else if (m.missing.length) checks.push({ status: 'fail', message: `${m.missing.length} of ${asked.length} migration${asked.length === 1 ? '' : 's'} not applied: ${m.missing.join(', ')}` });
    else checks.push({ status: 'pass', message: `${asked.length} migration${asked.length === 1 ? '' : 's'} applied (${asked.join(', ')})` });
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
function majorOf(versionNum: number): number {
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
  // Client backends only: background workers do not count against max_connections. A role
  // without pg_read_all_stats (the least-privilege role the checklist asks for) sees other roles'
  // sessions with backend_type NULL; a session connected to a database (datid set) is a
  // client backend or a worker serving one, so those are counted too, and said apart.
  const usedSql =
    num >= 100_000
      ? `SELECT count(*) FILTER (WHERE backend_type = 'client backend')::int AS seen,
                count(*) FILTER (WHERE backend_type IS NULL AND datid IS NOT NULL)::int AS hidden
           FROM pg_stat_activity`
      : `SELECT count(*)::int AS seen, 0 AS hidden FROM pg_stat_activity`;
  const usage = (await client.query(usedSql)).rows[0] ?? {};
  const seen = Number(usage.seen ?? 0);
  const hidden = Number(usage.hidden ?? 0);
  const facts: PgFacts = {
    version: String(row.version ?? '?').split(' ')[0],
    versionNum: num,
    used: seen + hidden,
    hiddenSessions: hidden,
    max: Number(row.max),
    role: String(row.role ?? '?'),
    superuser: row.su === true,
    createrole: row.cr === true,
    createdb: row.cd === true,
    statementTimeout: String(row.st ?? '0'),
  };
  if (p.archiving) {
    const a = (
      await client.query(
        `SELECT current_setting('archive_mode') AS mode, archived_count::int AS archived, failed_count::int AS failed,
                extract(epoch FROM now() - last_archived_time)::float AS archived_age, last_archived_wal AS archived_wal,
                extract(epoch FROM now() - last_failed_time)::float AS failed_age, last_failed_wal AS failed_wal
           FROM pg_stat_archiver`,
      )
    ).rows[0] ?? {};
    const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
    facts.archiver = {
      mode: String(a.mode ?? 'off'),
      archived: Number(a.archived ?? 0),
      failed: Number(a.failed ?? 0),
      lastArchivedAgeS: num(a.archived_age),
      lastArchivedWal: a.archived_wal ? String(a.archived_wal) : undefined,
      lastFailedAgeS: num(a.failed_age),
      lastFailedWal: a.failed_wal ? String(a.failed_wal) : undefined,
    };
  }
  if (p.cache_hit_min !== undefined) {
    const c = (await client.query('SELECT blks_hit::float AS hit, blks_read::float AS read FROM pg_stat_database WHERE datname = current_database()')).rows[0] ?? {};
    facts.cache = { hit: Number(c.hit ?? 0), read: Number(c.read ?? 0) };
  }
  if (p.max_xact_age) {
    // Other roles' sessions show NULL columns without pg_read_all_stats: counted as not visible, never judged.
    const x = (
      await client.query(
        `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type IS NULL) AS hidden, o.pid, o.state, o.age
           FROM (SELECT 1) one LEFT JOIN (
             SELECT pid, state, extract(epoch FROM now() - xact_start)::float AS age FROM pg_stat_activity
              WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              ORDER BY xact_start LIMIT 1) o ON true`,
      )
    ).rows[0] ?? {};
    facts.xact = { hidden: Number(x.hidden ?? 0), ...(x.age !== null && x.age !== undefined ? { oldestS: Number(x.age), oldestPid: Number(x.pid), oldestState: String(x.state ?? '?') } : {}) };
  }
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
  if (p.migrations) {
    const asked = p.migrations;
    const reg = await client.query("SELECT to_regclass('django_migrations')::text AS t");
    if (!reg.rows[0]?.t) facts.migrations = { missing: asked, table: false };
    else {
      const rows = (await client.query("SELECT app || '.' || name AS m FROM django_migrations WHERE app || '.' || name = ANY($1::text[])", [asked])).rows;
      const applied = new Set(rows.map((r) => String(r.m)));
      facts.migrations = { missing: asked.filter((m) => !applied.has(m)), table: true };
    }
  }
  return facts;
}

function factsEvidence(f: PgFacts, p: PostgresParams, where: string, t: PgTarget): string[] {
  const ev = [
    `server: PostgreSQL ${f.version} (server_version_num ${f.versionNum}) at ${where}${t.database ? `/${t.database}` : ''}${t.ssl ? ' over TLS' : ''}`,
    `connections: ${f.used}/${f.max} in use (${f.max ? Math.round((f.used / f.max) * 100) : 0}%)${
      f.hiddenSessions
        ? `: ${f.used - f.hiddenSessions} client sessions seen whole, ${f.hiddenSessions} of other roles counted without their details (role ${f.role} lacks pg_read_all_stats: their state and queries are hidden from it)`
        : ''
    }`,
    `role ${f.role}: SUPERUSER ${yn(f.superuser)}, CREATEROLE ${yn(f.createrole)}, CREATEDB ${yn(f.createdb)}`,
    `statement_timeout: ${f.statementTimeout}`,
  ];
  if (f.archiver) ev.push(`archiving: archive_mode ${f.archiver.mode}, ${f.archiver.archived} archived (last ${f.archiver.lastArchivedWal ?? '-'}${f.archiver.lastArchivedAgeS !== undefined ? `, ${ageText(f.archiver.lastArchivedAgeS)} ago` : ''}), ${f.archiver.failed} failed${f.archiver.lastFailedAgeS !== undefined ? ` (last ${f.archiver.lastFailedWal ?? '?'}, ${ageText(f.archiver.lastFailedAgeS)} ago)` : ''}`);
  if (f.cache) ev.push(`cache: ${f.cache.hit} blocks hit, ${f.cache.read} read`);
  if (f.xact) ev.push(`transactions: oldest open ${f.xact.oldestS !== undefined ? `${ageText(f.xact.oldestS)} (pid ${f.xact.oldestPid})` : 'none'}; ${f.xact.hidden} sessions not visible`);
  if (f.migrations) ev.push(f.migrations.table ? `django_migrations: ${(p.migrations ?? []).length - f.migrations.missing.length} of the ${(p.migrations ?? []).length} asked recorded${f.migrations.missing.length ? `; missing ${f.migrations.missing.join(', ')}` : ''}` : 'django_migrations: missing');
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
