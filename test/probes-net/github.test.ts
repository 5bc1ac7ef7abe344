/**
 * github probe against a loopback stand-in of the GitHub REST API
 * (test/helpers/github-api.ts: documented payload shapes), with the app's CI
 * job names (.github/workflows/ci.yml). Through the runner, as `check` runs it:
 * the base URL from GITHUB_API_URL, the token from GITHUB_TOKEN, never shown.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProbes } from '../../src/probes/runner.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { healthyGithub, startGithub, type GithubStandIn } from '../helpers/github-api.js';

const REPO = 'hmesfin/django-twilio-call';
const SHA = '3f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e';
const TOKEN = 'ghp_' + 'Q'.repeat(36);

let gh: GithubStandIn;
beforeAll(async () => {
  gh = await startGithub(healthyGithub(REPO, SHA, TOKEN));
});
beforeEach(() => {
  Object.assign(gh.state, healthyGithub(REPO, SHA, TOKEN));
});
afterAll(() => gh.stop());

async function run(params: Record<string, string>, vars: Record<string, string> = {}): Promise<ProbeResult> {
  const all = { repo: '${GITHUB_REPOSITORY}', ref: '${RELEASE_SHA}', token: '${GITHUB_TOKEN}', ...params };
  const raw = 'github ' + Object.entries(all).map(([k, v]) => `${k}="${v}"`).join(' ');
  const [r] = await runProbes([{ spec: { kind: 'github', params: all, raw, line: 1 } }], {
    vars: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO, RELEASE_SHA: SHA, GITHUB_TOKEN: TOKEN, ...vars },
    defaultTimeoutMs: 5000,
  });
  expect(JSON.stringify(r)).not.toContain(TOKEN);
  return r;
}

describe('github: check runs of the release commit', () => {
  it('passes when the named jobs succeeded (the Test Suite matrix runs count as Test Suite)', async () => {
    const r = await run({ checks: 'Test Suite,Code Quality & Security' });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`${REPO}@${SHA.slice(0, 12)}: "Test Suite" succeeded; "Code Quality & Security" succeeded`);
    expect(gh.requests.at(-1)!.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('fails when one matrix run of a job failed, naming it', async () => {
    gh.state.checkRuns[2] = { name: 'Test Suite (5.0)', status: 'completed', conclusion: 'failure' };
    const r = await run({ checks: 'Test Suite' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('"Test Suite" Test Suite (5.0): failure');
  });

  it('fails when no check run has the name (the job did not run on this commit)', async () => {
    const r = await run({ checks: 'Deploy to Production' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`no check run named "Deploy to Production" on ${SHA.slice(0, 12)}`);
  });

  it('is inconclusive while a job is still running', async () => {
    gh.state.checkRuns[1] = { name: 'Test Suite (4.2)', status: 'in_progress', conclusion: null };
    const r = await run({ checks: 'Test Suite' });
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    expect(r.summary).toBe('"Test Suite (4.2)" still in_progress: run again when it has finished');
  });

  it('counts commit statuses too: a failed status context fails', async () => {
    gh.state.statuses = [{ context: 'ci/semgrep', state: 'failure' }];
    const r = await run({});
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('check ci/semgrep: failure');
  });
});

describe('github: reviews, Dependabot and code scanning', () => {
  it('passes the pull request of the commit, approved', async () => {
    const r = await run({ reviews: 'true' });
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('pull request #42 approved by lead-developer');
  });

  it('fails when a reviewer\'s latest review asks for changes', async () => {
    gh.state.reviews[42].push({ login: 'devops-team', state: 'CHANGES_REQUESTED' });
    const r = await run({ reviews: 'true' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('pull request #42: changes requested by devops-team');
  });

  it('fails a commit no pull request contains: no review on record', async () => {
    gh.state.pulls = [];
    const r = await run({ reviews: 'true' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`no pull request contains ${SHA.slice(0, 12)}: no review on record`);
  });

  it('passes open Dependabot alerts below the severity, fails one at it', async () => {
    expect((await run({ dependabot: 'true' })).status).toBe('pass');
    (gh.state.dependabot as { package: string; severity: string; ghsa: string }[]).push({ package: 'django', severity: 'critical', ghsa: 'GHSA-2m34-jcjv-45xf' });
    const r = await run({ dependabot: 'true' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('1 open Dependabot alert at high or above (critical: django GHSA-2m34-jcjv-45xf)');
  });

  it('fails an open code-scanning alert at high (Trivy\'s security severity)', async () => {
    gh.state.codeScanning.push({ rule: 'CVE-2024-6345', severity: 'error', security: 'high', path: 'usr/local/lib/python3.11/site-packages/setuptools', tool: 'Trivy' });
    const r = await run({ code_scanning: 'true', checks: 'Container Security Scan' });
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^1 open code-scanning alert at high or above \(high: CVE-2024-6345 in /);
  });

  it('Dependabot disabled (403): not configured with the reason, never a fail', async () => {
    gh.state.dependabot = 'disabled';
    const r = await run({ dependabot: 'true' });
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured' });
    expect(r.summary).toBe('the token may not read Dependabot alerts (403: Dependabot alerts are disabled for this repository.)');
  });
});

describe('github: the token', () => {
  it('a token GitHub refuses (401) is not configured, never a fail; the token is never shown', async () => {
    const r = await run({ checks: 'Test Suite' }, { GITHUB_TOKEN: 'ghp_' + 'W'.repeat(36) });
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured' });
    expect(r.summary).toBe(`GitHub refused the token (401: Bad credentials): the check runs of ${SHA.slice(0, 12)} not judged`);
    expect(r.hint).toBe(`set GITHUB_TOKEN to a token that may read ${REPO}`);
    expect(JSON.stringify(r)).not.toContain('W'.repeat(36));
  });

  it('no GITHUB_TOKEN: skipped, not configured, naming it', async () => {
    const [r] = await runProbes([{ spec: { kind: 'github', params: { repo: REPO, ref: SHA, token: '${GITHUB_TOKEN}' }, raw: 'github', line: 1 } }], { vars: { GITHUB_API_URL: gh.url } });
    expect(r).toMatchObject({ status: 'skipped', reason: 'not-configured', summary: 'not configured: GITHUB_TOKEN unset' });
  });
});
