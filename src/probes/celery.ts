/**
 * celery probe: pings Celery workers over the broker's own control channel,
 * the way `celery inspect ping` does, without importing the app: it needs
 * only the broker URL, so it works from the operator's machine.
 *
 * The wire format is kombu's Redis transport (kombu/transport/redis.py,
 * kombu/pidbox.py, celery/app/control.py; checked against a real worker's
 * traffic with `redis-cli monitor`):
 *   1. bind a reply queue `{oid}.reply.celery.pidbox` to the direct exchange
 *      `reply.celery.pidbox`: SADD `_kombu.binding.reply.celery.pidbox`
 *      "{oid}\x06\x16\x06\x16{queue}" (routing key, pattern, queue);
 *   2. broadcast on the fanout exchange `celery.pidbox`: PUBLISH
 *      `/{db}.celery.pidbox` a kombu message whose base64 JSON body is
 *      {method: "ping", arguments: {}, destination: null, pattern: null,
 *      matcher: null, ticket, reply_to: {exchange, routing_key: oid}};
 *   3. each worker LPUSHes `{hostname: {ok: "pong"}}` (headers.ticket) onto the
 *      reply queue; the probe BRPOPs it (and its priority twins `\x06\x16{3,6,9}`);
 *   4. unbind and delete the reply queue, as kombu does after a reply.
 *
 * Unlike celery (which always waits its whole timeout), the probe returns as
 * soon as `min_workers` distinct workers answered, and at once when fewer
 * than that are even subscribed to the control channel (PUBLISH counts them).
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { params as schema } from './kinds/celery.js';
import type { Probe, ProbeOutcome } from './types.js';
import { createRedactor, redactDeep } from '../secrets/redactor.js';
import { deadlineSignal, hostPortOf as hostPort, untilAborted } from './toolkit.js';
import { failure, redisConnection, redisTarget, type RedisClient } from './redis.js';

export type CeleryParams = z.infer<typeof schema>;

/** kombu's separator in binding members and priority queue names (Channel.sep). */
export const SEP = '\x06\x16';
/** kombu's Redis priority steps: a queue's messages of priority n live under `queue + SEP + n` (0 → the bare name). */
const PRIORITY_STEPS = [0, 3, 6, 9];

/** Names on the broker for one ping, after kombu's Mailbox with namespace `exchange`. */
export function pidboxNames(exchange: string, db: number, oid: string) {
  const replyExchange = `reply.${exchange}.pidbox`;
  const replyQueue = `${oid}.${replyExchange}`;
  return {
    /** Pub/sub channel of the fanout exchange `{exchange}.pidbox` (kombu's keyprefix_fanout `/{db}.`). */
    topic: `/${db}.${exchange}.pidbox`,
    replyExchange,
    replyQueue,
    /** The binding table of the reply exchange and our member in it. */
    bindingKey: `_kombu.binding.${replyExchange}`,
    bindingMember: [oid, '', replyQueue].join(SEP),
    /** Every key a reply may be pushed to, highest priority first as kombu pops them. */
    replyKeys: PRIORITY_STEPS.map((p) => (p ? `${replyQueue}${SEP}${p}` : replyQueue)),
  };
}

/** A kombu message envelope as the Redis transport stores it (JSON body, base64-encoded). */
function kombuMessage(body: unknown, exchange: string, routingKey: string, headers: Record<string, unknown>, deliveryMode: 1 | 2): string {
  return JSON.stringify({
    body: Buffer.from(JSON.stringify(body), 'utf8').toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers,
    properties: {
      delivery_mode: deliveryMode,
      delivery_info: { exchange, routing_key: routingKey },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: randomUUID(),
    },
  });
}

/** The body and headers of a kombu envelope, or undefined when it is not one. */
function readKombuMessage(raw: string): { body: unknown; headers: Record<string, unknown> } | undefined {
  try {
    const env = JSON.parse(raw) as { body?: string; headers?: Record<string, unknown>; properties?: { body_encoding?: string } };
    const text = env.properties?.body_encoding === 'base64' ? Buffer.from(String(env.body ?? ''), 'base64').toString('utf8') : String(env.body ?? '');
    return { body: JSON.parse(text), headers: env.headers ?? {} };
  } catch {
    return undefined;
  }
}

/** A remote-control request a Celery client broadcasts (kombu Mailbox._publish): `ping`, `stats`, `active_queues`. */
function controlRequest(method: string, names: ReturnType<typeof pidboxNames>, exchange: string, oid: string, ticket: string, expiresAt: number): string {
  const body = { method, arguments: {}, destination: null, pattern: null, matcher: null, ticket, reply_to: { exchange: names.replyExchange, routing_key: oid } };
  return kombuMessage(body, `${exchange}.pidbox`, '', { clock: 1, expires: expiresAt / 1000 }, 2);
}

/** The ping request a Celery client broadcasts. */
function pingRequest(names: ReturnType<typeof pidboxNames>, exchange: string, oid: string, ticket: string, expiresAt: number): string {
  return controlRequest('ping', names, exchange, oid, ticket, expiresAt);
}

/** One worker's configuration as its `stats` and `active_queues` replies show it; undefined: it did not answer that one. */
export interface WorkerConfig {
  concurrency?: number;
  pool?: string;
  queues?: string[];
}

/** Judge each worker's configuration against the asked concurrency and queues: the problems, one line per worker. */
function configProblems(workers: Map<string, WorkerConfig>, p: Pick<CeleryParams, 'concurrency' | 'queues'>): { fail: string[]; unanswered: string[] } {
  const fail: string[] = [];
  const unanswered: string[] = [];
  for (const [node, c] of workers) {
    if (p.concurrency !== undefined) {
      if (c.concurrency === undefined) unanswered.push(`${node}: no stats`);
      else if (c.concurrency !== p.concurrency) fail.push(`${node} runs concurrency ${c.concurrency}, expected ${p.concurrency}`);
    }
    if (p.queues) {
      if (!c.queues) unanswered.push(`${node}: no active_queues`);
      else {
        const missing = p.queues.filter((q) => !c.queues!.includes(q));
        const extra = c.queues.filter((q) => !p.queues!.includes(q));
        if (missing.length) fail.push(`${node} does not consume ${missing.join(', ')}`);
        if (extra.length) fail.push(`${node} also consumes ${extra.join(', ')} (not asked)`);
      }
    }
  }
  return { fail, unanswered };
}

/** `work`, or null when it has not settled within `ms`. */
function orNullAfter<T>(work: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export const probe: Probe<CeleryParams> = async (params, ctx): Promise<ProbeOutcome> => {
  const target = redisTarget(params.url);
  if ('problem' in target) return { status: 'error', summary: target.problem.replace('url is', 'broker url is'), evidence: [] };
  const where = `${hostPort(target.host, target.port)}/${target.db}`;
  const redact = createRedactor(ctx.vars, target.password ? [target.password] : []);
  const { signal, budgetMs, timedOut, dispose } = deadlineSignal(ctx.signal, ctx.deadline);
  // Replies are awaited until shortly before the deadline; the rest is for unbinding and closing.
  const waitEnd = ctx.deadline - Math.min(150, Math.round(budgetMs * 0.1));
  const oid = randomUUID();
  const ticket = randomUUID();
  const names = pidboxNames(params.exchange, target.db, oid);
  const conn = redisConnection(target, ctx.deadline, signal);
  let client: RedisClient | undefined;
  let bound = false;
  const started = performance.now();
  try {
    const c = (client = (await conn.open()).client);
    if (target.db) await untilAborted(c.call('SELECT', String(target.db)), signal);
    await untilAborted(c.sadd(names.bindingKey, names.bindingMember), signal);
    bound = true;
    const listeners = await untilAborted(c.publish(names.topic, pingRequest(names, params.exchange, oid, ticket, waitEnd)), signal);
    const evidence = [`broker: ${target.tls ? 'rediss' : 'redis'}://${where}`, `PUBLISH ${names.topic}: ${listeners} subscriber(s) on the control channel`];
    const replied = new Map<string, string>();
    if (listeners < params.min_workers) {
      // Every worker subscribes to the control channel: fewer subscribers than workers expected cannot all answer.
      const summary = listeners === 0 ? `no worker replied: nothing listens on the control channel ${names.topic}` : `only ${listeners} of ${params.min_workers} workers listen on the control channel ${names.topic}`;
      return redactDeep({ status: 'fail', summary, evidence }, redact);
    }
    const configAsked = params.concurrency !== undefined || params.queues !== undefined;
    /** Collect the replies to one request (its ticket) until `want` workers answered or the wait ends. */
    const collect = async (want: number, ticketOf: string, take: (node: string, answer: unknown) => void, seen: () => number) => {
      while (seen() < want) {
        const left = waitEnd - Date.now();
        if (left <= 0) break;
        // BRPOP's timeout is in seconds (decimals since Redis 6); 0 would block forever. Our own
        // timer ends the wait too, so a late answer from a loaded server cannot push us past the deadline.
        const popped = await untilAborted(orNullAfter(c.brpop(...names.replyKeys, Math.max(0.01, left / 1000).toFixed(3)), left), signal);
        if (!popped) break;
        const reply = readKombuMessage(popped[1]);
        if (!reply || (reply.headers.ticket !== undefined && reply.headers.ticket !== ticketOf)) continue;
        for (const [node, answer] of Object.entries((reply.body ?? {}) as Record<string, unknown>)) take(node, answer);
      }
    };
    // Judging the configuration asks every subscriber (each worker listens once), not only min_workers of them.
    await collect(configAsked ? listeners : params.min_workers, ticket, (node, answer) => {
      const ok = (answer as { ok?: unknown } | null)?.ok;
      replied.set(node, ok === 'pong' ? 'pong' : JSON.stringify(answer).slice(0, 100));
    }, () => replied.size);
    const ms = Math.round(performance.now() - started);
    const pongs = [...replied].filter(([, a]) => a === 'pong').map(([n]) => n);
    evidence.push(...[...replied].map(([n, a]) => `${n}: ${a}`));
    const metrics = { workers: pongs.length, latency_ms: ms };
    if (pongs.length < params.min_workers) {
      const summary = pongs.length === 0 ? `no worker replied to ping within ${ms} ms (${listeners} subscriber(s) on ${names.topic})` : `${pongs.length} of ${params.min_workers} workers replied to ping within ${ms} ms: ${pongs.join(', ')}`;
      return redactDeep({ status: 'fail', summary, evidence, metrics }, redact);
    }
    const pinged = `${pongs.length} worker${pongs.length === 1 ? '' : 's'} replied to ping in ${ms} ms (min ${params.min_workers}): ${pongs.join(', ')}`;
    if (!configAsked) return redactDeep({ status: 'pass', summary: pinged, evidence, metrics }, redact);

    // The workers' configuration, as `celery inspect stats` and `celery inspect active_queues` read it.
    const configs = new Map<string, WorkerConfig>(pongs.map((n) => [n, {}]));
    const ask = async (method: 'stats' | 'active_queues', take: (cfg: WorkerConfig, answer: unknown) => void, has: (cfg: WorkerConfig) => boolean) => {
      const t = randomUUID();
      await untilAborted(c.publish(names.topic, controlRequest(method, names, params.exchange, oid, t, waitEnd)), signal);
      await collect(pongs.length, t, (node, answer) => {
        const cfg = configs.get(node);
        if (cfg && answer && typeof answer === 'object') take(cfg, answer);
      }, () => [...configs.values()].filter(has).length);
    };
    if (params.concurrency !== undefined) {
      await ask('stats', (cfg, a) => {
        const pool = (a as { pool?: Record<string, unknown> }).pool ?? {};
        const n = Number(pool['max-concurrency']);
        if (Number.isInteger(n)) cfg.concurrency = n;
        if (typeof pool.implementation === 'string') cfg.pool = pool.implementation;
      }, (cfg) => cfg.concurrency !== undefined);
    }
    if (params.queues) {
      await ask('active_queues', (cfg, a) => {
        if (Array.isArray(a)) cfg.queues = a.map((q) => String((q as { name?: unknown }).name ?? '')).filter(Boolean);
      }, (cfg) => cfg.queues !== undefined);
    }
    for (const [n, cfg] of configs) {
      const seen = [
        params.concurrency === undefined ? '' : cfg.concurrency === undefined ? 'no stats reply' : `concurrency ${cfg.concurrency}${cfg.pool ? ` (${cfg.pool})` : ''}`,
        !params.queues ? '' : cfg.queues ? `queues ${cfg.queues.join(', ')}` : 'no active_queues reply',
      ];
      evidence.push(`${n}: ${seen.filter(Boolean).join(', ')}`);
    }
    const { fail, unanswered } = configProblems(configs, params);
    if (fail.length) return redactDeep({ status: 'fail', summary: fail.join('; '), evidence, metrics }, redact);
    if (unanswered.length) {
      return redactDeep({ status: 'inconclusive', reason: 'no-data', summary: `configuration not seen for every worker by the deadline (${unanswered.join('; ')})`, evidence, metrics }, redact);
    }
    const asked = [params.concurrency !== undefined ? `concurrency ${params.concurrency}` : '', params.queues ? `queues ${params.queues.join(', ')}` : ''].filter(Boolean).join(', ');
    return redactDeep({ status: 'pass', summary: `${pongs.length} worker${pongs.length === 1 ? '' : 's'} with ${asked}: ${pongs.join(', ')}`, evidence, metrics }, redact);
  } catch (err) {
    return redactDeep(failure(conn.firstError() ?? err, err, where, timedOut(), budgetMs, 'the Celery broker'), redact);
  } finally {
    // Unbind and drop the reply queue as kombu does, so a late reply has nowhere to go.
    if (bound && client && !signal.aborted) {
      await untilAborted(Promise.all([client.srem(names.bindingKey, names.bindingMember), client.del(...names.replyKeys)]), signal).catch(() => undefined);
    }
    dispose();
    conn.close();
  }
};
