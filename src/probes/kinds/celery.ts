/** The `celery` probe kind: its parameters, its doc row and what it loads lazily (./celery.ts, ioredis). */
import * as z from 'zod';
import { nameList, posInt, str, url } from '../params.js';
import { defineKind } from '../kind.js';

/** celery: ping workers over the broker's control channel (kombu's Redis transport). */
export const params = z.object({
  /** Broker URL, redis://[:password@]host:port/db (the app's CELERY_BROKER_URL). */
  url,
  /** Pass as soon as this many workers replied; fail when fewer did by the deadline. */
  min_workers: posInt.default(1),
  /** Celery's control_exchange setting (default celery → exchange celery.pidbox). */
  exchange: str.default('celery'),
  /** Every worker that answered runs this pool size (`inspect stats`: pool.max-concurrency, the worker's --concurrency). */
  concurrency: posInt.optional(),
  /** Every worker that answered consumes exactly these queues (`inspect active_queues`, the worker's --queues). */
  queues: nameList.optional(),
});

export const kind = defineKind({
  name: 'celery',
  params,
  doc: { library: 'ioredis', checks: 'Celery workers answer ping over the broker (kombu Redis control channel), their pool size and queues' },
  proves: 'at least the asked number of Celery workers answered ping on the broker, each running the asked concurrency and consuming exactly the asked queues',
  load: () => import('../celery.js').then((m) => m.probe),
  library: () => import('ioredis'),
});
