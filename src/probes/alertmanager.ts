/**
 * alertmanager probe: GET {url}/api/v2/status (up, cluster `ready`, or
 * `disabled` for a single instance; `settling` is no verdict yet) and
 * GET {url}/api/v2/receivers. Alerts need somewhere to go: at least one
 * receiver with an integration (`email_configs`, `slack_configs`, …, read from
 * the configuration the status carries), and the named `receiver`, when given,
 * configured with one. A receiver with none is a "null" receiver: alerts routed
 * there are dropped.
 */
import type { z } from 'zod';
import type { ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/alertmanager.js';
import { apiProbe, namesText, unexpected } from './api.js';
import { noData } from './verdict.js';

type Params = z.infer<typeof schema>;

/**
 * Receiver name → its integrations (`email`, `webhook`, …), read from the
 * configuration as Alertmanager prints it (YAML: `receivers:` then `- name: X`
 * items whose keys end in `_configs`). Undefined when there is no such section.
 */
export function receiverIntegrations(configYaml: string): Map<string, string[]> | undefined {
  const lines = configYaml.split('\n');
  const start = lines.findIndex((l) => /^receivers:\s*$/.test(l));
  if (start < 0) return undefined;
  const out = new Map<string, string[]>();
  let current: string | undefined;
  let itemIndent = -1;
  for (const line of lines.slice(start + 1)) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (/^\S/.test(line) && !line.startsWith('- ')) break; // the next top-level key
    const item = /^(\s*)- name:\s*['"]?([^'"#]+?)['"]?\s*$/.exec(line);
    const indent = line.length - line.trimStart().length;
    if (item && (itemIndent < 0 || item[1].length === itemIndent)) {
      itemIndent = item[1].length;
      current = item[2];
      out.set(current, []);
      continue;
    }
    const key = /^\s*([a-z0-9]+)_configs:/.exec(line);
    if (current && key && indent === itemIndent + 2) out.get(current)!.push(key[1]);
  }
  return out;
}

export const probe = apiProbe<Params>('Alertmanager', (p) => p.url, async (api, params): Promise<ProbeOutcome> => {
  const { evidence } = api;
  const s = await api.request('/api/v2/status');
  const status = s.json as { cluster?: { status?: string; peers?: unknown[] }; config?: { original?: string }; versionInfo?: { version?: string }; uptime?: string } | undefined;
  if (s.status !== 200 || !status?.cluster) return unexpected('Alertmanager', 'the status query', s, evidence);
  const cluster = status.cluster.status ?? '?';
  const peers = status.cluster.peers?.length ?? 0;
  evidence.push(`version ${status.versionInfo?.version ?? '?'}, up since ${status.uptime ?? '?'}, cluster ${cluster} (${peers} peer${peers === 1 ? '' : 's'})`);
  const r = await api.request('/api/v2/receivers');
  if (r.status !== 200 || !Array.isArray(r.json)) return unexpected('Alertmanager', 'the receivers query', r, evidence);
  const names = (r.json as { name?: string }[]).map((x) => x.name ?? '?');
  const integrations = receiverIntegrations(status.config?.original ?? '');
  const described = names.map((n) => `${n} (${integrations?.get(n)?.join(', ') || 'no integration'})`);
  evidence.push(`receivers: ${described.join(', ') || 'none'}`);
  const problems: string[] = [];
  if (cluster !== 'ready' && cluster !== 'disabled' && cluster !== 'settling') problems.push(`cluster is ${cluster}, not ready`);
  if (integrations) {
    const live = names.filter((n) => integrations.get(n)?.length);
    if (!live.length) problems.push(names.length ? `no receiver has an integration (${namesText(names)} drop every alert)` : 'no receiver configured');
    if (params.receiver && !names.includes(params.receiver)) problems.push(`receiver ${params.receiver} not configured`);
    else if (params.receiver && !integrations.get(params.receiver)?.length) problems.push(`receiver ${params.receiver} has no integration: alerts routed to it are dropped`);
  } else if (params.receiver && !names.includes(params.receiver)) problems.push(`receiver ${params.receiver} not configured`);
  if (problems.length) return { status: 'fail', summary: problems.join('; '), evidence };
  if (cluster === 'settling') return noData('Alertmanager cluster still settling: run again in a minute', evidence);
  if (!integrations) return noData(`receivers ${namesText(names)} configured, but the status carries no configuration to show their integrations`, evidence);
  const which = params.receiver ? `receiver ${params.receiver} (${integrations.get(params.receiver)!.join(', ')})` : `${names.filter((n) => integrations.get(n)?.length).length} receiver(s) with an integration`;
  return { status: 'pass', summary: `Alertmanager up, cluster ${cluster}, ${which}`, evidence };
});
