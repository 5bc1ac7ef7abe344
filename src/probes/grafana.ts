/**
 * grafana probe: GET {url}/api/health (`database: ok`), then each named
 * dashboard by title through GET {url}/api/search?type=dash-db&query=… (the
 * token as a Bearer header, never shown). A title must match exactly (case
 * aside). A token refused (401/403) is not configured, never a fail.
 */
import type { z } from 'zod';
import type { ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/grafana.js';
import { apiProbe, namesText, unexpected } from './api.js';

type Params = z.infer<typeof schema>;

export const probe = apiProbe<Params>('Grafana', (p) => p.url, async (api, params): Promise<ProbeOutcome> => {
  const { evidence } = api;
  const h = await api.request('/api/health');
  const health = h.json as { database?: string; version?: string } | undefined;
  if (!health || typeof health.database !== 'string') return unexpected('Grafana', 'the health query', h, evidence);
  evidence.push(`version ${health.version ?? '?'}, database ${health.database}`);
  if (health.database !== 'ok') return { status: 'fail', summary: `Grafana's database is ${health.database}, not ok`, evidence };
  const titles = params.dashboards ?? [];
  if (!titles.length) return { status: 'pass', summary: `Grafana up, database ok`, evidence };
  const headers: Record<string, string> = params.token ? { authorization: `Bearer ${params.token}` } : {};
  const missing: string[] = [];
  for (const title of titles) {
    const a = await api.request(`/api/search?type=dash-db&query=${encodeURIComponent(title)}`, { headers });
    if (a.status === 401 || a.status === 403) {
      return {
        status: 'inconclusive',
        reason: 'not-configured',
        summary: `Grafana refused the dashboard search (${a.status}): ${params.token ? 'the token lacks access' : 'no token given'}; dashboards not judged`,
        hint: 'set GRAFANA_TOKEN to a service account token with the Viewer role',
        evidence,
      };
    }
    if (a.status !== 200 || !Array.isArray(a.json)) return unexpected('Grafana', 'the dashboard search', a, evidence);
    const hit = (a.json as { title?: string; url?: string; folderTitle?: string }[]).find((d) => d.title?.toLowerCase() === title.toLowerCase());
    evidence.push(hit ? `dashboard "${title}": ${hit.url ?? '?'}${hit.folderTitle ? ` (folder ${hit.folderTitle})` : ''}` : `dashboard "${title}": not found`);
    if (!hit) missing.push(`"${title}"`);
  }
  if (missing.length) return { status: 'fail', summary: `dashboard ${namesText(missing)} not found in Grafana`, evidence };
  return { status: 'pass', summary: `Grafana up, database ok, ${titles.length} dashboard${titles.length === 1 ? '' : 's'} found`, evidence };
});
