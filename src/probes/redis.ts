/**
 * redis probe: connect through ioredis, PING, and check the version,
 * persistence (RDB save points / AOF), maxmemory and its eviction policy.
 * One connection, no reconnect loop, no retries, always disconnected.
 */
import type { z } from 'zod';
import { safeDecode } from '../text/lines.js';
import type { params as schema } from './kinds/redis.js';
import type { Probe, ProbeOutcome } from './types.js';
import { createRedactor, redactDeep } from '../secrets/redactor.js';
import { AbortedError, deadlineSignal, firstLine, foldChecks, hostPortOf as hostPort, networkReason, remainingMs, stoppedOutcome, untilAborted, type Check } from './toolkit.js';

export type RedisParams = z.infer<typeof schema>;

/** What the probe learned from the server; the checks are pure functions of it. */
export interface RedisFacts {
  version: string;
  /** `save` config ("3600 1 300 100"), or undefined when CONFIG is renamed/denied. */
  save?: string;
  /** Snapshots taken since start (INFO persistence rdb_saves), a fallback when `save` is unknown. */
  rdbSaves?: number;
  rdbLastStatus?: string;
  aof: boolean;
  /** INFO persistence aof_last_write_status: "ok" or "err" (disk full, permissions). */
  aofLastWrite?: string;
  /** Bytes; 0 = unlimited. */
  maxmemory: number;
  policy: string;
  /** Where the memory facts came from: CONFIG GET, or INFO memory when CONFIG is unavailable. */
  memorySource: 'config' | 'info';
  /** Seconds since the last successful save (INFO persistence rdb_last_save_time), and writes since. */
  lastSaveAgeS?: number;
  changesSinceSave?: number;
  /** INFO stats keyspace_hits / keyspace_misses. */
  hits?: number;
  misses?: number;
}

/** Key lookups below which a hit ratio says nothing yet. */
const MIN_LOOKUPS = 100;

/** `90s`, `5m`, `1h`, `2d` → seconds. */
function seconds(v: string): number {
  const n = Number(/^\d+/.exec(v)?.[0] ?? NaN);
  return n * ({ s: 1, m: 60, h: 3600, d: 86_400 } as Record<string, number>)[v.replace(/^\d+/, '')];
}

function ago(s: number): string {
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** RDB snapshots are on when save points are configured (or, CONFIG unknown, snapshots have been taken). */
function rdbOn(f: RedisFacts): boolean {
  return f.save !== undefined ? f.save.trim() !== '' : (f.rdbSaves ?? 0) > 0;
}

/** Judge the facts against the parameters: one check per condition asked for. */
export function redisChecks(f: RedisFacts, p: RedisParams): Check[] {
  const checks: Check[] = [];
  if (p.min_version !== undefined) {
    checks.push(compareVersions(f.version, p.min_version) >= 0 ? { status: 'pass', message: `version ${f.version} ≥ ${p.min_version}` } : { status: 'fail', message: `Redis ${f.version} is older than ${p.min_version}` });
  }
  if (p.persistence) {
    const rdb = rdbOn(f);
    if (!rdb && !f.aof) {
      const how = f.save === undefined ? 'no RDB snapshot taken and CONFIG unavailable to read save points' : 'no RDB save points';
      checks.push({ status: 'fail', message: `persistence is off (${how}, AOF disabled)` });
    } else if (rdb && !f.aof && f.rdbLastStatus === 'err') {
      checks.push({ status: 'fail', message: 'persistence failing: the last RDB snapshot failed' });
    } else if (f.aof && f.aofLastWrite === 'err') {
      checks.push({ status: 'fail', message: 'persistence failing: the last AOF write failed' });
    } else {
      checks.push({ status: 'pass', message: `persistence on (${[rdb ? 'RDB' : '', f.aof ? 'AOF' : ''].filter(Boolean).join(' + ')})` });
    }
  }
  if (p.max_save_age !== undefined) {
    if (f.rdbLastStatus === 'err') checks.push({ status: 'fail', message: `the last background save failed (rdb_last_bgsave_status err); last success ${ago(f.lastSaveAgeS ?? 0)} ago` });
    else if (f.lastSaveAgeS === undefined) checks.push({ status: 'inconclusive', reason: 'no-data', message: 'Redis reports no last save time' });
    else if (f.lastSaveAgeS > seconds(p.max_save_age) && (f.changesSinceSave ?? 0) > 0) {
      checks.push({ status: 'fail', message: `last successful save ${ago(f.lastSaveAgeS)} ago with ${f.changesSinceSave} changes since (max ${p.max_save_age})` });
    } else checks.push({ status: 'pass', message: `last save ok ${ago(f.lastSaveAgeS)} ago${(f.changesSinceSave ?? 0) === 0 ? ', nothing changed since' : ''}` });
  }
  if (p.hit_ratio_min !== undefined) {
    const lookups = (f.hits ?? 0) + (f.misses ?? 0);
    const pct = lookups ? ((f.hits ?? 0) / lookups) * 100 : 0;
    if (lookups < MIN_LOOKUPS) checks.push({ status: 'inconclusive', reason: 'no-data', message: `keyspace hit ratio not judged: ${lookups} lookups since the statistics reset (fewer than ${MIN_LOOKUPS})` });
    else if (pct < p.hit_ratio_min) checks.push({ status: 'fail', message: `keyspace hit ratio ${pct.toFixed(1)}% < min ${p.hit_ratio_min}% (${f.misses} misses of ${lookups} lookups)` });
    else checks.push({ status: 'pass', message: `keyspace hit ratio ${pct.toFixed(1)}% ≥ ${p.hit_ratio_min}% (${lookups} lookups)` });
  }
  if (p.maxmemory) {
    checks.push(f.maxmemory > 0 ? { status: 'pass', message: `maxmemory ${formatBytes(f.maxmemory)}` } : { status: 'fail', message: 'maxmemory is not set (0 = unlimited)' });
  }
  if (p.policy !== undefined) {
    checks.push(f.policy === p.policy ? { status: 'pass', message: `maxmemory-policy ${f.policy}` } : { status: 'fail', message: `maxmemory-policy is ${f.policy}, expected ${p.policy}` });
  }
  return checks;
}

/** Compare dotted versions numerically: "7.0.15" vs "7" → 1, "6.2" vs "7.0" → -1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** 104857600 → "100mb" (Redis's own units), otherwise bytes. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n} bytes`;
}

/** `INFO` text → key/value pairs. */
function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** Where and as whom to connect, from redis://[user][:password@]host[:port][/db] or rediss:// (TLS). */
export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** Database number from the URL's path (`/1`); 0 when left out. */
  db: number;
}

/** Parse the URL; the password stays out of every message (`where` is host:port only). */
export function redisTarget(url: string): RedisTarget | { problem: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { problem: 'url is not a valid redis:// URL' };
  }
  if (!/^rediss?:$/i.test(u.protocol)) return { problem: `url must start with redis:// or rediss:// (got ${u.protocol}//)` };
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? safeDecode(u.username) : undefined,
    password: u.password ? safeDecode(u.password) : undefined,
    tls: u.protocol.toLowerCase() === 'rediss:',
    db: /^\/\d+$/.test(u.pathname) ? Number(u.pathname.slice(1)) : 0,
  };
}

/** Minimal slice of ioredis the probes use (ioredis is imported lazily). */
export interface RedisClient {
  connect(): Promise<void>;
  ping(): Promise<string>;
  info(section: string): Promise<string>;
  call(command: string, ...args: string[]): Promise<unknown>;
  config(op: 'GET', name: string): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', cb: (e: Error) => void): void;
  brpop(...args: (string | number)[]): Promise<[string, string] | null>;
  publish(channel: string, message: string): Promise<number>;
  sadd(key: string, member: string): Promise<number>;
  srem(key: string, member: string): Promise<number>;
  del(...keys: string[]): Promise<number>;
  stream?: { destroy(): void };
}

const AUTH_ERROR = /^(WRONGPASS|NOAUTH)|invalid password|invalid username-password/i;

/** The server has no password but one was given: worth a warning, not a failure. */
const NO_PASSWORD_SET = /no password is set|without any password configured/i;

export const probe: Probe<RedisParams> = async (params, ctx) => {
  const target = redisTarget(params.url);
  if ('problem' in target) return { status: 'error', summary: target.problem, evidence: [] };
  const where = hostPort(target.host, target.port);
  const redact = createRedactor(ctx.vars, target.password ? [target.password] : []);
  const { signal, budgetMs, timedOut, dispose } = deadlineSignal(ctx.signal, ctx.deadline);
  const conn = redisConnection(target, ctx.deadline, signal);
  try {
    const { client, unprotected } = await conn.open();
    const pong = await untilAborted(client.ping(), signal);
    const facts = await untilAborted(readFacts(client), signal);
    const checks = redisChecks(facts, params);
    if (unprotected) checks.push({ status: 'warn', message: `Redis at ${where} requires no password (the URL's password is not needed)` });
    const evidence = factsEvidence(facts, where, pong);
    const pass = [`Redis ${facts.version} at ${where} answers PING`, ...checks.filter((c) => c.status === 'pass').map((c) => c.message)].join('; ');
    return redactDeep(foldChecks(checks, pass, evidence, { maxmemory: facts.maxmemory, aof_enabled: facts.aof ? 1 : 0, rdb_enabled: rdbOn(facts) ? 1 : 0 }), redact);
  } catch (err) {
    return redactDeep(failure(conn.firstError() ?? err, err, where, timedOut(), budgetMs), redact);
  } finally {
    dispose();
    conn.close();
  }
};

/**
 * A probe's one Redis connection, ended whenever `signal` aborts. `open()`
 * connects and sends AUTH itself (ioredis console.warns when it sends a password
 * the server does not need); `unprotected` tells that case. `firstError()` is the
 * first 'error' event ioredis emitted (it would print unhandled ones), the best
 * reason when a command then fails. Always `close()`.
 */
export function redisConnection(target: RedisTarget, deadline: number, signal: AbortSignal) {
  let client: RedisClient | undefined;
  let firstError: Error | undefined;
  const destroy = () => {
    client?.disconnect();
    // disconnect() ends the socket politely; a peer that never reads must not keep it half-open.
    client?.stream?.destroy();
  };
  signal.addEventListener('abort', destroy, { once: true });
  return {
    firstError: () => firstError,
    open: async (): Promise<{ client: RedisClient; unprotected: boolean }> => {
      const ioredis = await untilAborted(import('ioredis'), signal);
      // ioredis's module.exports is the class itself; a minified, code-split bundle exposes it only as `default`.
      const Redis = ioredis.Redis ?? ioredis.default;
      const c = new Redis(clientOptions(target, deadline)) as unknown as RedisClient;
      client = c;
      c.on('error', (e) => {
        firstError ??= e;
      });
      if (signal.aborted) destroy();
      await untilAborted(c.connect(), signal);
      const unprotected = await untilAborted(authenticate(c, target), signal);
      return { client: c, unprotected };
    },
    close: () => {
      signal.removeEventListener('abort', destroy);
      destroy();
    },
  };
}

/**
 * ioredis options for one probe connection: connect lazily, one attempt and
 * no reconnect loop, no offline queue, every timeout within the deadline.
 */
function clientOptions(target: RedisTarget, deadline: number): Record<string, unknown> {
  const left = remainingMs(deadline);
  return {
    host: target.host,
    port: target.port,
    ...(target.tls ? { tls: { servername: target.host } } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    // No reconnect loop: one attempt, its outcome is the answer.
    retryStrategy: () => null,
    reconnectOnError: () => false,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    autoResubscribe: false,
    disableClientInfo: true,
    connectTimeout: left,
    commandTimeout: left,
    // disconnect() arms a timer to destroy a stream that never closes; on a refused
    // connection it waits the whole default 2 s and holds the process open.
    disconnectTimeout: 50,
  };
}

/** AUTH with the URL's credentials; resolves true when the server has no password at all. */
async function authenticate(client: RedisClient, t: RedisTarget): Promise<boolean> {
  if (t.password === undefined) return false;
  try {
    await client.call('AUTH', ...(t.username ? [t.username, t.password] : [t.password]));
    return false;
  } catch (err) {
    if (NO_PASSWORD_SET.test(firstLine(err))) return true;
    throw err;
  }
}

async function readFacts(client: RedisClient): Promise<RedisFacts> {
  const server = parseInfo(await client.info('server'));
  const persistence = parseInfo(await client.info('persistence'));
  const facts: RedisFacts = {
    version: server.redis_version ?? '?',
    aof: persistence.aof_enabled === '1',
    aofLastWrite: persistence.aof_last_write_status,
    rdbLastStatus: persistence.rdb_last_bgsave_status,
    rdbSaves: persistence.rdb_saves !== undefined ? Number(persistence.rdb_saves) : undefined,
    ...(persistence.rdb_last_save_time !== undefined ? { lastSaveAgeS: Math.max(0, (server.server_time_usec !== undefined ? Number(server.server_time_usec) / 1e6 : Date.now() / 1000) - Number(persistence.rdb_last_save_time)) } : {}),
    ...(persistence.rdb_changes_since_last_save !== undefined ? { changesSinceSave: Number(persistence.rdb_changes_since_last_save) } : {}),
    maxmemory: 0,
    policy: '?',
    memorySource: 'config',
  };
  const stats = parseInfo(await client.info('stats'));
  if (stats.keyspace_hits !== undefined) {
    facts.hits = Number(stats.keyspace_hits);
    facts.misses = Number(stats.keyspace_misses ?? 0);
  }
  try {
    facts.save = configValue(await client.config('GET', 'save'));
    facts.maxmemory = Number(configValue(await client.config('GET', 'maxmemory')) ?? 0);
    facts.policy = configValue(await client.config('GET', 'maxmemory-policy')) ?? '?';
  } catch (err) {
    // Managed Redis often renames or denies CONFIG; INFO memory carries the same two facts.
    if (err instanceof AbortedError || AUTH_ERROR.test(firstLine(err))) throw err;
    facts.save = undefined;
    const memory = parseInfo(await client.info('memory'));
    facts.maxmemory = Number(memory.maxmemory ?? 0);
    facts.policy = memory.maxmemory_policy ?? '?';
    facts.memorySource = 'info';
  }
  return facts;
}

/** CONFIG GET answers [name, value]; undefined when the parameter does not exist. */
function configValue(reply: unknown): string | undefined {
  return Array.isArray(reply) && reply.length >= 2 ? String(reply[1]) : undefined;
}

function factsEvidence(f: RedisFacts, where: string, pong: string): string[] {
  const rdb = f.save !== undefined ? `save "${f.save}"` : `save points unknown (CONFIG unavailable), ${f.rdbSaves ?? 0} snapshots taken`;
  return [
    `server: Redis ${f.version} at ${where}, PING → ${pong}`,
    `persistence: RDB ${rdbOn(f) ? 'on' : 'off'} (${rdb}, last bgsave ${f.rdbLastStatus ?? '?'}), AOF ${f.aof ? `on (last write ${f.aofLastWrite ?? '?'})` : 'off'}`,
    `saves: last ${f.rdbLastStatus ?? '?'}${f.lastSaveAgeS !== undefined ? `, ${ago(f.lastSaveAgeS)} ago` : ''}, ${f.changesSinceSave ?? '?'} changes since; keyspace ${f.hits ?? '?'} hits, ${f.misses ?? '?'} misses`,
    `memory: maxmemory ${f.maxmemory > 0 ? formatBytes(f.maxmemory) : '0 (unlimited)'}, maxmemory-policy ${f.policy} (from ${f.memorySource === 'config' ? 'CONFIG GET' : 'INFO memory'})`,
  ];
}

/**
 * Turn a thrown error into an outcome: authentication fails, everything else
 * could not be checked. `what` names the server in summaries ("Redis", "the Celery broker").
 */
export function failure(reason: unknown, thrown: unknown, where: string, timedOut: boolean, budgetMs: number, what = 'Redis'): ProbeOutcome {
  const msg = firstLine(reason);
  const evidence = [`target: ${where}`];
  if (AUTH_ERROR.test(msg)) return { status: 'fail', summary: `authentication failed: ${msg}`, evidence: [...evidence, `server said: ${msg}`] };
  if (thrown instanceof AbortedError || /Command timed out|connect ETIMEDOUT/i.test(msg)) {
    return stoppedOutcome(timedOut || !(thrown instanceof AbortedError), `timeout: no answer from ${what} at ${where} within ${budgetMs} ms`, evidence);
  }
  const foreign = notRedis(msg, where);
  if (foreign) return { status: 'error', summary: foreign.summary, evidence: [...evidence, foreign.evidence] };
  const net = networkReason(reason, where);
  if (net) return { status: 'error', summary: net, evidence };
  return { status: 'error', summary: `could not check ${what} at ${where}: ${msg}`, evidence };
}

/**
 * ioredis's parser rejects a reply that is not RESP as `Protocol error, got "H"
 * as reply type byte. Please report this.`: not a bug to report but another
 * server on that port. An HTTP server answers "HTTP/1.1 400" (or an HTML page).
 */
function notRedis(msg: string, where: string): { summary: string; evidence: string } | undefined {
  const m = /^Protocol error, got "([\s\S]*?)" as reply type byte/.exec(msg);
  if (!m) return undefined;
  const like = m[1] === 'H' || m[1] === '<' ? 'it answered like HTTP' : 'its reply is not the Redis protocol';
  return {
    summary: `not a Redis server at ${where} (${like}): check the host and port in the URL`,
    evidence: `reply starts with ${JSON.stringify(m[1])} (a Redis reply starts with +, -, :, $ or *)`,
  };
}
