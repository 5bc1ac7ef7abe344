/**
 * grafana probe against a loopback stand-in of Grafana's HTTP API
 * (test/helpers/grafana-api.ts: documented payload shapes), with the app's
 * dashboard titles (django_twilio_call/observability/dashboards/grafana_dashboards.json).
 * Through the runner: the token from GRAFANA_TOKEN, never shown.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProbes } from '../../src/probes/runner.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { startGrafana, type GrafanaStandIn } from '../helpers/grafana-api.js';

const TOKEN = 'glsa_' + 'k'.repeat(32) + '_0a1b2c3d';
const APP_DASHBOARDS = ['Call Center Operations Dashboard', 'Application Performance Dashboard', 'Celery Task Monitoring', 'Twilio Integration Monitoring'];

let grafana: GrafanaStandIn;
beforeAll(async () => {
  grafana = await startGrafana({ token: TOKEN, database: 'ok', dashboards: [] });
});
beforeEach(() => {
  Object.assign(grafana.state, { database: 'ok', dashboards: APP_DASHBOARDS.map((title) => ({ title, folder: 'Django Twilio Call' })) });
});
afterAll(() => grafana.stop());

async function run(params: Record<string, string>, vars: Record<string, string> = {}): Promise<ProbeResult> {
  const all = { url: '${GRAFANA_URL}', token: '${GRAFANA_TOKEN}', ...params };
  const [r] = await runProbes([{ spec: { kind: 'grafana', params: all, raw: 'grafana', line: 1 } }], { vars: { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN, ...vars }, defaultTimeoutMs: 5000 });
  expect(JSON.stringify(r)).not.toContain(TOKEN);
  return r;
}

describe('grafana probe', () => {
  it('passes with the database ok and every dashboard of the app found by its title', async () => {
    const r = await run({ dashboards: APP_DASHBOARDS.join(',') });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('Grafana up, database ok, 4 dashboards found');
    expect(r.evidence).toContain('dashboard "Celery Task Monitoring": /d/dtc2/celery-task-monitoring (folder Django Twilio Call)');
  });

  it('fails naming a dashboard that is missing (a search hit with a longer title does not count)', async () => {
    grafana.state.dashboards = grafana.state.dashboards.filter((d) => d.title !== 'Twilio Integration Monitoring');
    grafana.state.dashboards.push({ title: 'Twilio Integration Monitoring (old)' });
    const r = await run({ dashboards: APP_DASHBOARDS.join(',') });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('dashboard "Twilio Integration Monitoring" not found in Grafana');
  });

  it('fails when Grafana\'s database is failing', async () => {
    grafana.state.database = 'failing';
    const r = await run({});
    expect(r.status).toBe('fail');
    expect(r.summary).toBe("Grafana's database is failing, not ok");
  });

  it('a token Grafana refuses is not configured, never a fail; the token is never shown', async () => {
    const wrong = 'glsa_' + 'z'.repeat(32) + '_99999999';
    const r = await run({ dashboards: 'Celery Task Monitoring' }, { GRAFANA_TOKEN: wrong });
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured', hint: 'set GRAFANA_TOKEN to a service account token with the Viewer role' });
    expect(r.summary).toBe('Grafana refused the dashboard search (401): the token lacks access; dashboards not judged');
    expect(JSON.stringify(r)).not.toContain(wrong);
  });

  it('no GRAFANA_URL: skipped, not configured, naming it', async () => {
    const [r] = await runProbes([{ spec: { kind: 'grafana', params: { url: '${GRAFANA_URL}' }, raw: 'grafana', line: 1 } }], { vars: {} });
    expect(r).toMatchObject({ status: 'skipped', reason: 'not-configured', summary: 'not configured: GRAFANA_URL unset' });
  });
});
