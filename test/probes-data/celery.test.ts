import { afterEach, describe, expect, it, inject } from 'vitest';
import { Redis } from 'ioredis';
import { probe, pidboxNames, SEP } from '../../src/probes/celery.js';
import * as schemas from '../helpers/schemas.js';
import { runProbes } from '../../src/probes/runner.js';
import { startFakeWorker, type FakeWorker } from '../helpers/celery-worker.js';
import { ctxWith, startHangingPeer } from './helpers.js';

const redis = inject('servers').redis;
const params = (raw: Record<string, unknown>) => schemas.celery.parse(raw);
// Databases of their own, so no other test file's subscribers are counted on these channels.
const brokerUrl = (db: number, password = redis.password) => `redis://:${encodeURIComponent(password)}@${redis.host}:${redis.port}/${db}`;

const workers: FakeWorker[] = [];
async function worker(hostname: string, db: number, extra: Partial<Parameters<typeof startFakeWorker>[0]> = {}) {
  const w = await startFakeWorker({ host: redis.host, port: redis.port, password: redis.password, db, hostname, ...extra });
  workers.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe('celery probe: ping over the broker (kombu Redis transport)', () => {
  it('names the broker keys the way kombu does', () => {
    const n = pidboxNames('celery', 1, 'abc');
    expect(n.topic).toBe('/1.celery.pidbox');
    expect(n.bindingKey).toBe('_kombu.binding.reply.celery.pidbox');
    expect(n.bindingMember).toBe(`abc${SEP}${SEP}abc.reply.celery.pidbox`);
    expect(n.replyKeys).toEqual(['abc.reply.celery.pidbox', `abc.reply.celery.pidbox${SEP}3`, `abc.reply.celery.pidbox${SEP}6`, `abc.reply.celery.pidbox${SEP}9`]);
  });

  it('passes as soon as both workers replied, long before its deadline, and leaves no reply queue behind', async () => {
    const a = await worker('celery@worker-1', 4);
    await worker('celery@worker-2', 4, { delayMs: 30 });
    const started = Date.now();
    const r = await probe(params({ url: brokerUrl(4), min_workers: '2' }), ctxWith(20_000));
    const took = Date.now() - started;
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/^2 workers replied to ping in \d+ ms \(min 2\): celery@worker-(1|2), celery@worker-(1|2)$/);
    expect(r.metrics).toMatchObject({ workers: 2 });
    // celery inspect ping would wait its whole timeout (20 s here); this one stops at the second reply.
    expect(took).toBeLessThan(10_000);
    expect(a.seen[0]).toMatchObject({ method: 'ping', arguments: {}, destination: null, reply_to: { exchange: 'reply.celery.pidbox' } });
    const admin = new Redis({ host: redis.host, port: redis.port, password: redis.password, db: 4 });
    try {
      expect(await admin.smembers('_kombu.binding.reply.celery.pidbox')).toEqual([]);
      expect(await admin.keys('*.reply.celery.pidbox*')).toEqual([]);
    } finally {
      admin.disconnect();
    }
  });

  it('says "no worker replied" at once when nothing listens on the control channel', async () => {
    const r = await probe(params({ url: brokerUrl(5) }), ctxWith(5000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('no worker replied: nothing listens on the control channel /5.celery.pidbox');
  });

  it('fails at once when fewer workers listen than min_workers asks for', async () => {
    await worker('celery@worker-1', 6);
    const r = await probe(params({ url: brokerUrl(6), min_workers: '2' }), ctxWith(5000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('only 1 of 2 workers listen on the control channel /6.celery.pidbox');
  });

  it('says "no worker replied" at its deadline when a subscribed worker never answers', async () => {
    await worker('celery@stuck', 7, { silent: true });
    const started = Date.now();
    const r = await probe(params({ url: brokerUrl(7) }), ctxWith(1500));
    const took = Date.now() - started;
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^no worker replied to ping within \d+ ms \(1 subscriber\(s\) on \/7\.celery\.pidbox\)$/);
    // It waited for the reply until the deadline, and the deadline (not the silent worker, who never answers) ended it.
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(10_000);
  });

  it('reports which workers answered when only some of the expected did', async () => {
    await worker('celery@worker-1', 8);
    await worker('celery@stuck', 8, { silent: true });
    const r = await probe(params({ url: brokerUrl(8), min_workers: '2' }), ctxWith(1200));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^1 of 2 workers replied to ping within \d+ ms: celery@worker-1$/);
  });

  it('ends a hung broker at its deadline with a timeout, not a verdict on the workers', async () => {
    const peer = await startHangingPeer();
    try {
      const started = Date.now();
      const r = await probe(params({ url: `redis://:pw@127.0.0.1:${peer.port}/0` }), ctxWith(1000));
      const took = Date.now() - started;
      expect(r.status).toBe('error');
      expect(r.summary).toMatch(new RegExp(`^timeout: no answer from the Celery broker at 127\\.0\\.0\\.1:${peer.port}/0 within (99\\d|1000) ms$`));
      // The broker never answers: only the deadline can end it.
      expect(took).toBeLessThan(10_000);
    } finally {
      await peer.close();
    }
  });

  it('stops when cancelled', async () => {
    await worker('celery@stuck', 9, { silent: true });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 300);
    const started = Date.now();
    const r = await probe(params({ url: brokerUrl(9) }), ctxWith(25_000, {}, cancel.signal));
    // The cancel ended it, not the 25 s deadline nor the silent worker.
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(r).toMatchObject({ status: 'skipped', reason: 'cancelled', summary: 'cancelled' });
  });

  it('never shows the broker password, and a wrong one is an authentication failure', async () => {
    await worker('celery@worker-1', 10);
    const [ok, wrong] = await runProbes(
      [
        { spec: { kind: 'celery', params: { url: '${CELERY_BROKER_URL}' }, raw: 'celery url=${CELERY_BROKER_URL}', line: 1 } as never },
        { spec: { kind: 'celery', params: { url: brokerUrl(10, 'not-the-password') }, raw: 'celery', line: 2 } as never },
      ],
      { vars: { CELERY_BROKER_URL: brokerUrl(10) }, defaultTimeoutMs: 4000 },
    );
    expect(ok.status).toBe('pass');
    expect(ok.evidence.join('\n')).toContain(`redis://${redis.host}:${redis.port}/10`);
    expect(JSON.stringify(ok)).not.toContain(redis.password);
    expect(wrong.status).toBe('fail');
    expect(wrong.summary).toMatch(/^authentication failed: WRONGPASS/);
    expect(JSON.stringify(wrong)).not.toContain('not-the-password');
  });
});

describe('celery probe: the workers\' configuration (inspect stats, active_queues)', () => {
  const asked = { concurrency: '8', queues: 'celery,twilio,high_priority' };
  it('every worker with the asked concurrency and exactly the asked queues passes, each worker judged', async () => {
    await worker('celery@worker-1', 11, { concurrency: 8, pool: 'threads', queues: ['celery', 'twilio', 'high_priority'] });
    const b = await worker('celery@worker-2', 11, { concurrency: 8, pool: 'threads', queues: ['high_priority', 'twilio', 'celery'], delayMs: 20 });
    const r = await probe(params({ url: brokerUrl(11), ...asked }), ctxWith(8000));
    expect([r.status, r.summary]).toEqual(['pass', expect.stringMatching(/^2 workers with concurrency 8, queues celery, twilio, high_priority: celery@worker-(1|2), celery@worker-(1|2)$/)]);
    expect(r.evidence).toContain('celery@worker-2: concurrency 8 (celery.concurrency.thread:TaskPool), queues high_priority, twilio, celery');
    expect(b.seen.map((m) => m.method)).toEqual(['ping', 'stats', 'active_queues']);
  });

  it('a worker with another pool size, or missing or extra queues, fails naming the worker and what differs', async () => {
    await worker('celery@worker-1', 12, { concurrency: 8, queues: ['celery', 'twilio', 'high_priority'] });
    await worker('celery@worker-2', 12, { concurrency: 4, queues: ['celery', 'low_priority'] });
    const r = await probe(params({ url: brokerUrl(12), ...asked }), ctxWith(8000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('celery@worker-2 runs concurrency 4, expected 8; celery@worker-2 does not consume twilio, high_priority; celery@worker-2 also consumes low_priority (not asked)');
  });

  it('a worker that answers ping but not stats is inconclusive at the deadline, never a pass', async () => {
    await worker('celery@old', 13, { pingOnly: true });
    const r = await probe(params({ url: brokerUrl(13), concurrency: '4' }), ctxWith(1500));
    expect([r.status, r.summary]).toEqual(['inconclusive', 'configuration not seen for every worker by the deadline (celery@old: no stats)']);
  });
});
