/**
 * prometheus-rules probe: GET {url}/api/v1/rules?type=alert. At least
 * `min_rules` alerting rules must be loaded, each named group and alert among
 * them, and none with health `err` (a rule Prometheus cannot evaluate never
 * fires). Rules not evaluated yet are counted in the evidence.
 */
import type { z } from 'zod';
import type { ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/prometheus-rules.js';
import { apiProbe, namesText, unexpected } from './api.js';
import { firstLine } from './toolkit.js';

type Params = z.infer<typeof schema>;

interface Rule {
  name?: string;
  type?: string;
  health?: string;
  lastError?: string;
  state?: string;
}
interface Group {
  name?: string;
  file?: string;
  rules?: Rule[];
}

export const probe = apiProbe<Params>('Prometheus', (p) => p.url, async (api, params): Promise<ProbeOutcome> => {
  const { evidence } = api;
  const a = await api.request('/api/v1/rules?type=alert');
  const groups = (a.json as { data?: { groups?: Group[] } } | undefined)?.data?.groups;
  if (a.status !== 200 || !Array.isArray(groups)) return unexpected('Prometheus', 'the rules query', a, evidence);
  const rules = groups.flatMap((g) => (g.rules ?? []).filter((r) => r.type === undefined || r.type === 'alerting').map((r) => ({ ...r, group: g.name ?? '?' })));
  for (const g of groups.slice(0, 10)) evidence.push(`group ${g.name} (${g.file ?? '?'}): ${(g.rules ?? []).length} rules`);
  const failing = rules.filter((r) => r.health === 'err');
  const unevaluated = rules.filter((r) => r.health !== 'ok' && r.health !== 'err').length;
  const firing = rules.filter((r) => r.state === 'firing').map((r) => r.name ?? '?');
  for (const r of failing.slice(0, 5)) evidence.push(`rule ${r.name} (${r.group}): ${firstLine(r.lastError ?? 'error', 160)}`);
  if (unevaluated) evidence.push(`${unevaluated} rule${unevaluated === 1 ? '' : 's'} not evaluated yet`);
  if (firing.length) evidence.push(`firing: ${firing.slice(0, 10).join(', ')}`);
  const names = new Set(rules.map((r) => r.name));
  const groupNames = new Set(groups.map((g) => g.name));
  const missingGroups = (params.groups ?? []).filter((g) => !groupNames.has(g));
  const missingAlerts = (params.alerts ?? []).filter((n) => !names.has(n));
  const problems = [
    rules.length < params.min_rules ? (rules.length ? `only ${rules.length} alerting rules loaded (at least ${params.min_rules} expected)` : 'no alerting rules loaded') : '',
    missingGroups.length ? `rule group ${namesText(missingGroups)} not loaded` : '',
    missingAlerts.length ? `alert ${namesText(missingAlerts)} not loaded` : '',
    failing.length ? `${failing.length} rule${failing.length === 1 ? '' : 's'} failing to evaluate: ${namesText(failing.slice(0, 3).map((r) => `${r.name} (${firstLine(r.lastError ?? 'error', 80)})`))}` : '',
  ].filter(Boolean);
  const metrics = { alert_rules: rules.length, rules_failing: failing.length };
  if (problems.length) return { status: 'fail', summary: problems.join('; '), evidence, metrics };
  return { status: 'pass', summary: `${rules.length} alerting rule${rules.length === 1 ? '' : 's'} loaded in ${groups.length} group${groups.length === 1 ? '' : 's'}, none failing`, evidence, metrics };
});
