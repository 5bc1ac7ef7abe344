/** The `postgres` probe kind: its parameters, its doc row and what it loads lazily (./postgres.ts, pg). */
import * as z from 'zod';
import { bool, count, nameList, percent, port, str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** postgres://user:pass@host:port/db; or the parts below (the app's DB_* variables). */
  url: url.optional(),
  host: str.optional(),
  port: port.optional(),
  database: str.optional(),
  user: str.optional(),
  password: z.string().optional(),
  /** Fail when the role is SUPERUSER, CREATEROLE or CREATEDB. */
  least_privilege: bool.default(false),
  /** Warn when connections in use exceed this % of max_connections. */
  max_connections_pct: percent.optional(),
  /** Check statement_timeout: 0 on the server side is inconclusive (the app may set it from its client). */
  statement_timeout: bool.default(false),
  /** Minimum server major version. */
  min_version: count.optional(),
  /** A table that must exist and have rows (e.g. django_migrations). */
  table: str.optional(),
  /** Django migrations (app.name, comma-separated) that must be recorded as applied in django_migrations. */
  migrations: nameList.pipe(z.array(z.string().regex(/^[\w-]+\.[\w-]+$/, 'must be app.name migrations, comma-separated (django_twilio_call.0002_optimize_database_indexes)'))).optional(),
  ssl: bool.default(false),
  /** WAL archiving: archive_mode on, the last archive not failed (pg_stat_archiver). */
  archiving: bool.default(false),
  /** With archiving: fail when the last archived WAL segment is older than this (e.g. 1h, 24h). */
  max_archive_age: z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30m, 1h or 1d').optional(),
  /** Fail when the database's buffer cache hit ratio (pg_stat_database) is below this %. */
  cache_hit_min: z.coerce.number().min(0).max(100).optional(),
  /** Fail when a transaction this role can see has been open longer than this (e.g. 5m). */
  max_xact_age: z.string().regex(/^\d+(s|m|h)$/, 'must be a duration like 30s, 5m or 1h').optional(),
});

export const kind = defineKind({
  name: 'postgres',
  params,
  doc: { library: 'pg', checks: 'PostgreSQL: connect, version, connections, role privileges, statement_timeout, WAL archiving and its age, cache hit ratio, long transactions, Django migrations applied' },
  proves: 'the database answers as this role, with the version, connection headroom, privileges, archiving, cache ratio, transactions and applied migrations asked',
  load: () => import('../postgres.js').then((m) => m.probe),
  library: () => import('pg'),
});
