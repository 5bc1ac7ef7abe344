/**
 * prometheus-targets probe: GET {url}/api/v1/targets?state=active. Each named
 * job must have targets and every one of them up at its last scrape; a job
 * with no target fails naming it (Prometheus does not scrape it), a target
 * down fails with its last error. A target not scraped yet (`unknown`) is no
 * data: inconclusive, never a guessed fail.
 */
import type { z } from 'zod';
import type { ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/prometheus-targets.js';
import { apiProbe, namesText, unexpected } from './api.js';
import { firstLine } from './toolkit.js';
import { noData } from './verdict.js';

type Params = z.infer<typeof schema>;

interface Target {
  labels?: Record<string, string>;
  scrapePool?: string;
  scrapeUrl?: string;
  health?: string;
  lastError?: string;
}

export const probe = apiProbe<Params>('Prometheus', (p) => p.url, async (api, params): Promise<ProbeOutcome> => {
  const { evidence } = api;
  const a = await api.request('/api/v1/targets?state=active');
  const data = (a.json as { status?: string; data?: { activeTargets?: Target[] } } | undefined)?.data;
  if (a.status !== 200 || !Array.isArray(data?.activeTargets)) return unexpected('Prometheus', 'the targets query', a, evidence);
  const byJob = new Map<string, Target[]>();
  for (const t of data.activeTargets) {
    const job = t.labels?.job ?? t.scrapePool ?? '?';
    byJob.set(job, [...(byJob.get(job) ?? []), t]);
  }
  const jobs = params.jobs ?? [...byJob.keys()].sort();
  if (!jobs.length) return noData('Prometheus has no active scrape targets: nothing to judge', evidence);
  const missing: string[] = [];
  const down: string[] = [];
  const unknown: string[] = [];
  let up = 0;
  for (const job of jobs) {
    const targets = byJob.get(job) ?? [];
    if (!targets.length) {
      missing.push(job);
      evidence.push(`job ${job}: no target`);
      continue;
    }
    const bad = targets.filter((t) => t.health === 'down');
    const unseen = targets.filter((t) => t.health !== 'up' && t.health !== 'down');
    up += targets.length - bad.length - unseen.length;
    evidence.push(`job ${job}: ${targets.length - bad.length - unseen.length}/${targets.length} up`);
    for (const t of bad) evidence.push(`  down: ${t.scrapeUrl ?? t.labels?.instance ?? '?'}: ${firstLine(t.lastError ?? 'no error given', 160)}`);
    if (bad.length) down.push(`${job} (${bad.length} of ${targets.length} down: ${firstLine(bad[0].lastError || 'no error given', 120)})`);
    if (unseen.length) unknown.push(job);
  }
  const problems = [
    missing.length ? `no target for job ${namesText(missing)} (Prometheus does not scrape it)` : '',
    down.length ? `targets down: ${down.join('; ')}` : '',
  ].filter(Boolean);
  const metrics = { targets_up: up };
  if (problems.length) return { status: 'fail', summary: problems.join('; '), evidence, metrics };
  if (unknown.length) return noData(`job ${namesText(unknown)} not scraped yet: run again after a scrape interval`, evidence, metrics);
  return { status: 'pass', summary: `${jobs.length === 1 ? `job ${jobs[0]}` : `${jobs.length} jobs`} scraped, ${up} target${up === 1 ? '' : 's'} up`, evidence, metrics };
});
