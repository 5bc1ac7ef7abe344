/**
 * A fake Celery worker's remote-control side, speaking kombu's Redis wire
 * format over a real Redis (written from kombu/transport/redis.py and
 * kombu/pidbox.py and the traffic of a real celery 5.6 worker, not from the
 * probe's code): it PSUBSCRIBEs `/{db}.celery.pidbox`, and answers `ping` by
 * LPUSHing `{hostname: {ok: "pong"}}` onto every queue the reply exchange's
 * binding table routes the request's routing key to; `stats` with the shape of
 * celery's worker/control.py `stats` (pool.max-concurrency, the pool's
 * implementation, prefetch_count), `active_queues` with its list of queue
 * dicts (kombu Queue.as_dict(recurse=True)).
 */
import { Redis } from 'ioredis';

export interface FakeWorkerOptions {
  host: string;
  port: number;
  password?: string;
  db?: number;
  /** Node name, e.g. `celery@worker-1`. */
  hostname: string;
  /** Subscribe but never answer (a stuck worker). */
  silent?: boolean;
  /** Answer after this many ms. */
  delayMs?: number;
  /** The worker's --concurrency (default 4) and pool (default prefork). */
  concurrency?: number;
  pool?: 'prefork' | 'threads';
  /** The worker's --queues (default celery). */
  queues?: string[];
  /** Answer ping only (an old worker, or one whose other commands are disabled). */
  pingOnly?: boolean;
}

export interface FakeWorker {
  /** Requests seen (decoded bodies). */
  seen: Record<string, unknown>[];
  stop: () => Promise<void>;
}

const SEP = '\x06\x16';

/** What a celery 5 worker answers to a remote-control method, as `celery inspect` prints it. */
function controlResult(method: string, o: FakeWorkerOptions): unknown {
  const concurrency = o.concurrency ?? 4;
  if (method === 'ping') return { ok: 'pong' };
  if (method === 'stats') {
    const pool =
      o.pool === 'threads'
        ? { implementation: 'celery.concurrency.thread:TaskPool', 'max-concurrency': concurrency, threads: concurrency }
        : { implementation: 'celery.concurrency.prefork:TaskPool', 'max-concurrency': concurrency, 'max-tasks-per-child': 1000, processes: Array.from({ length: concurrency }, (_, i) => 14 + i), timeouts: [0, 0] };
    return { broker: { transport: 'redis', hostname: 'redis', port: 6379, virtual_host: '1' }, clock: '1811', pid: 8, pool, prefetch_count: concurrency, rusage: {}, total: {}, uptime: 3542 };
  }
  if (method === 'active_queues') {
    return (o.queues ?? ['celery']).map((name) => ({
      name,
      exchange: { name, type: 'direct', arguments: null, durable: true, passive: false, auto_delete: false, delivery_mode: null, no_declare: false },
      routing_key: name,
      queue_arguments: null,
      binding_arguments: null,
      consumer_arguments: null,
      durable: true,
      exclusive: false,
      auto_delete: false,
      no_ack: false,
      alias: null,
      bindings: [],
      no_declare: null,
      expires: null,
      message_ttl: null,
      max_length: null,
      max_length_bytes: null,
      max_priority: null,
    }));
  }
  return undefined;
}

export async function startFakeWorker(o: FakeWorkerOptions): Promise<FakeWorker> {
  const db = o.db ?? 0;
  const opts = { host: o.host, port: o.port, password: o.password, db, lazyConnect: true, maxRetriesPerRequest: 1 };
  const sub = new Redis(opts);
  const pub = new Redis(opts);
  await Promise.all([sub.connect(), pub.connect()]);
  const seen: Record<string, unknown>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  sub.on('pmessage', (_pattern: string, _channel: string, raw: string) => {
    const envelope = JSON.parse(raw) as { body: string; properties: { body_encoding: string } };
    const body = JSON.parse(Buffer.from(envelope.body, 'base64').toString('utf8')) as {
      method: string;
      destination: string[] | null;
      ticket?: string;
      reply_to?: { exchange: string; routing_key: string };
    };
    seen.push(body);
    const result = o.pingOnly && body.method !== 'ping' ? undefined : controlResult(body.method, o);
    if (o.silent || result === undefined || !body.reply_to) return;
    if (body.destination && !body.destination.includes(o.hostname)) return;
    const { exchange, routing_key } = body.reply_to;
    const reply = JSON.stringify({
      body: Buffer.from(JSON.stringify({ [o.hostname]: result })).toString('base64'),
      'content-encoding': 'utf-8',
      'content-type': 'application/json',
      headers: { ticket: body.ticket, clock: 3 },
      properties: { delivery_mode: 1, delivery_info: { exchange, routing_key }, priority: 0, body_encoding: 'base64', delivery_tag: `tag-${Math.random()}` },
    });
    const answer = async () => {
      // kombu's DirectExchange.deliver: look the routing key up in the binding table, push to each queue.
      const members = await pub.smembers(`_kombu.binding.${exchange}`);
      for (const m of members) {
        const [rkey, , queue] = m.split(SEP);
        if (rkey === routing_key) await pub.lpush(queue, reply);
      }
    };
    const t = setTimeout(() => {
      timers.delete(t);
      answer().catch(() => {});
    }, o.delayMs ?? 0);
    timers.add(t);
  });
  await sub.psubscribe(`/${db}.celery.pidbox`);
  return {
    seen,
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      sub.disconnect();
      pub.disconnect();
    },
  };
}
