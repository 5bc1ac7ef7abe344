/** The `postgres` probe kind: its parameters, its doc row and what it loads lazily (./postgres.ts, pg). */
import * as z from 'zod';
import { bool, count, percent, port, str, url } from '../params.js';
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
  ssl: bool.default(false),
});

export const kind = defineKind({
  name: 'postgres',
  params,
  doc: { library: 'pg', checks: 'PostgreSQL: connect, version, connections, role privileges, statement_timeout' },
  load: () => import('../postgres.js').then((m) => m.probe),
  library: () => import('pg'),
});
