/** The `redis` probe kind: its parameters, its doc row and what it loads lazily (./redis.ts, ioredis). */
import * as z from 'zod';
import { bool, str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** redis://[:password@]host:port/db (the app's REDIS_URL). */
  url,
  /** Fail unless RDB snapshots or AOF are on. */
  persistence: bool.default(false),
  /** Fail unless maxmemory is set (non-zero). */
  maxmemory: bool.default(false),
  /** Expected maxmemory-policy, e.g. allkeys-lru. */
  policy: str.optional(),
  min_version: str.optional(),
  /** Fail when the last background save failed, or succeeded longer ago than this (e.g. 1h) with changes since. */
  max_save_age: z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30m, 1h or 1d').optional(),
  /** Fail when the keyspace hit ratio (INFO stats keyspace_hits / lookups) is below this %. */
  hit_ratio_min: z.coerce.number().min(0).max(100).optional(),
});

export const kind = defineKind({
  name: 'redis',
  params,
  doc: { library: 'ioredis', checks: 'Redis: PING, persistence, last successful save and its age, keyspace hit ratio, maxmemory and policy, version' },
  proves: 'Redis answers PING with the persistence, last save, memory limit, policy and hit ratio asked',
  load: () => import('../redis.js').then((m) => m.probe),
  library: () => import('ioredis'),
});
