/** The `prometheus-targets` probe kind: its parameters, its doc row and what it loads lazily (./prometheus-targets.ts, undici). */
import * as z from 'zod';
import { nameList, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Prometheus base URL, e.g. http://prometheus:9090. */
  url,
  /** Scrape jobs that must have targets, all up (e.g. `redis,postgres,node`); unset: every active target. */
  jobs: nameList.optional(),
});

export const kind = defineKind({
  name: 'prometheus-targets',
  params,
  doc: { library: 'undici', checks: 'Prometheus scrape targets by job: each job has targets, all up' },
  proves: 'Prometheus is scraping each named job right now: every target of the job answered its last scrape',
  load: () => import('../prometheus-targets.js').then((m) => m.probe),
  library: () => import('undici'),
});
