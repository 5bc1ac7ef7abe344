/** A checklist with one watched rollback criterion, on a scripted Prometheus endpoint (test/helpers/prometheus.ts). */
import { parseChecklist } from '../../src/checklist/parse.js';
import type { Checklist } from '../../src/checklist/types.js';
import { validateProbe } from '../../src/probes/registry.js';

export interface WatchChecklistOptions {
  interval?: string;
  count?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  /** The PromQL the criterion asks (the fake endpoint answers by query). */
  query?: string;
}

export function watchChecklistText(o: WatchChecklistOptions = {}): string {
  return `# Release

## Deploy

- [ ] Deployed
- [ ] Smoke tested

## Rollback Procedures

- [ ] Rolled back

## Rollback Decision Criteria

Initiate rollback if any of the following occur:
- Error rate exceeds 5% of requests
  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=${o.query ?? 'error_ratio'} max=0.05 name="error rate" traffic=requests interval=${o.interval ?? '200ms'} count=${o.count ?? 6} failure_limit=${o.failureLimit ?? 1} inconclusive_limit=${o.inconclusiveLimit ?? 0} -->
`;
}

export function watchChecklist(o: WatchChecklistOptions = {}): Checklist {
  const { checklist, problems } = parseChecklist(watchChecklistText(o), 'watch.md', validateProbe);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return checklist;
}
