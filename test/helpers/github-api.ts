/**
 * A loopback stand-in for the GitHub REST API (never the real one), answering
 * the endpoints the `github` probe asks with the payload shapes of GitHub's
 * REST documentation (checks/runs "List check runs for a Git reference",
 * commits/statuses "Get the combined status for a specific reference",
 * commits "List pull requests associated with a commit", pulls/reviews,
 * dependabot/alerts, code-scanning/alerts), for one repository whose state a
 * test edits. Without the token: 401 "Bad credentials", as GitHub answers.
 */
import { createServer, type Server } from 'node:http';

export interface GithubState {
  repo: string;
  sha: string;
  token: string;
  checkRuns: { name: string; status: 'queued' | 'in_progress' | 'completed'; conclusion: string | null }[];
  statuses: { context: string; state: 'success' | 'pending' | 'failure' | 'error' }[];
  /** Pull requests containing the commit. */
  pulls: { number: number; merged_at: string | null }[];
  reviews: Record<number, { login: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' }[]>;
  dependabot: { package: string; severity: 'low' | 'medium' | 'high' | 'critical'; ghsa: string }[] | 'disabled';
  codeScanning: { rule: string; severity: 'note' | 'warning' | 'error'; security?: 'low' | 'medium' | 'high' | 'critical'; path: string; tool: string }[];
}

export interface GithubStandIn {
  url: string;
  state: GithubState;
  /** Every request's path and Authorization header, for tests that check what was sent. */
  requests: { path: string; authorization?: string }[];
  stop: () => Promise<void>;
}

/** The app's CI on a good release commit: .github/workflows/ci.yml job names (Test Suite runs a Django matrix). */
export function healthyGithub(repo: string, sha: string, token: string): GithubState {
  const done = (name: string) => ({ name, status: 'completed' as const, conclusion: 'success' });
  return {
    repo,
    sha,
    token,
    checkRuns: [done('Code Quality & Security'), done('Test Suite (4.2)'), done('Test Suite (5.0)'), done('Test Suite (5.1)'), done('Build Docker Image'), done('Container Security Scan')],
    statuses: [],
    pulls: [{ number: 42, merged_at: '2026-11-30T10:00:00Z' }],
    reviews: { 42: [{ login: 'octocat', state: 'COMMENTED' }, { login: 'lead-developer', state: 'APPROVED' }] },
    dependabot: [{ package: 'requests', severity: 'low', ghsa: 'GHSA-9wx4-h78v-vm56' }],
    codeScanning: [{ rule: 'CVE-2023-0001', severity: 'warning', security: 'medium', path: 'library/python:3.11-slim', tool: 'Trivy' }],
  };
}

export async function startGithub(state: GithubState): Promise<GithubStandIn> {
  const requests: GithubStandIn['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://github');
    requests.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${state.token}`) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const repo = `/repos/${state.repo}`;
    const p = url.pathname;
    const commit = `${repo}/commits/${state.sha}`;
    if (p === `${commit}/check-runs`) {
      return send(200, {
        total_count: state.checkRuns.length,
        check_runs: state.checkRuns.map((r, i) => ({ id: 1000 + i, head_sha: state.sha, name: r.name, status: r.status, conclusion: r.conclusion, app: { slug: 'github-actions' }, html_url: `https://github.com/${state.repo}/actions/runs/1/job/${1000 + i}` })),
      });
    }
    if (p === `${commit}/status`) {
      const worst = state.statuses.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : state.statuses.some((s) => s.state === 'pending') || !state.statuses.length ? 'pending' : 'success';
      return send(200, { state: worst, sha: state.sha, total_count: state.statuses.length, statuses: state.statuses.map((s, i) => ({ id: i, context: s.context, state: s.state, description: null })) });
    }
    if (p === `${commit}/pulls`) return send(200, state.pulls.map((pr) => ({ number: pr.number, state: pr.merged_at ? 'closed' : 'open', merged_at: pr.merged_at, head: { sha: state.sha } })));
    const reviews = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/reviews$/.exec(p);
    if (reviews && p.startsWith(repo)) {
      const list = state.reviews[Number(reviews[1])];
      if (!list) return send(404, { message: 'Not Found', status: '404' });
      return send(200, list.map((r, i) => ({ id: 80 + i, user: { login: r.login, type: 'User' }, state: r.state, submitted_at: '2026-11-30T09:00:00Z', commit_id: state.sha })));
    }
    if (p === `${repo}/dependabot/alerts`) {
      if (state.dependabot === 'disabled') return send(403, { message: 'Dependabot alerts are disabled for this repository.', status: '403' });
      return send(200, state.dependabot.map((a, i) => ({
        number: i + 1,
        state: 'open',
        dependency: { package: { ecosystem: 'pip', name: a.package }, manifest_path: 'requirements/base.txt', scope: 'runtime' },
        security_advisory: { ghsa_id: a.ghsa, severity: a.severity, summary: `advisory for ${a.package}` },
        security_vulnerability: { package: { ecosystem: 'pip', name: a.package }, severity: a.severity },
      })));
    }
    if (p === `${repo}/code-scanning/alerts`) {
      return send(200, state.codeScanning.map((a, i) => ({
        number: i + 1,
        state: 'open',
        rule: { id: a.rule, severity: a.severity, security_severity_level: a.security ?? null, description: `rule ${a.rule}` },
        tool: { name: a.tool, version: null },
        most_recent_instance: { ref: 'refs/heads/main', state: 'open', location: { path: a.path, start_line: 1 } },
      })));
    }
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    state,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
