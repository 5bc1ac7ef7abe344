/**
 * github probe: what GitHub records about the release commit, through its
 * REST API (base from `api_base`, the GITHUB_API_URL variable, or
 * https://api.github.com; the token as a Bearer header, never shown):
 * - `checks`: each named check run (GET /repos/{o}/{r}/commits/{ref}/check-runs)
 *   or commit status (…/status) concluded `success` (a matrix run
 *   `Test Suite (4.2)` belongs to `Test Suite`); none by that name fails;
 *   one still running is no verdict yet;
 * - `reviews`: the pull request (`pr`, else the one of the commit:
 *   …/commits/{ref}/pulls) approved, no reviewer's latest review asking for changes;
 * - `dependabot` / `code_scanning`: no open alert at or above `severity`.
 * With none of these: every check run and status of the commit succeeded.
 * A token refused or lacking a permission (401/403) is not configured, never a fail.
 */
import type { z } from 'zod';
import type { ProbeOutcome } from './types.js';
import { SEVERITIES, type params as schema } from './kinds/github.js';
import { apiProbe, namesText, unexpected, type Api, type ApiAnswer } from './api.js';
import { foldChecks, firstLine, type Check } from './toolkit.js';

type Params = z.infer<typeof schema>;

const DEFAULT_API = 'https://api.github.com';

interface CheckRun {
  name?: string;
  status?: string;
  conclusion?: string | null;
}
interface Status {
  context?: string;
  state?: string;
}
interface Review {
  user?: { login?: string } | null;
  state?: string;
}

/** 401/403/404 on an API GitHub gates: why the probe cannot see, as an inconclusive check. */
function refused(a: ApiAnswer, what: string): Check | undefined {
  if (a.status !== 401 && a.status !== 403 && a.status !== 404) return undefined;
  const message = firstLine(String((a.json as { message?: string } | undefined)?.message ?? ''), 120);
  const detail = `${a.status}${message ? `: ${message}` : ''}`;
  const text =
    a.status === 401
      ? `GitHub refused the token (${detail}): ${what} not judged`
      : a.status === 403
        ? `the token may not read ${what} (${detail})`
        : `GitHub shows no ${what} (${detail}): the repository or ref is unknown, or the token cannot see it`;
  return { status: 'inconclusive', reason: 'not-configured', message: text };
}

/** Does a check run or status named `actual` belong to the wanted name (exactly, or a matrix run of it)? */
function nameMatches(wanted: string, actual: string | undefined): boolean {
  if (!actual) return false;
  const w = wanted.toLowerCase();
  const a = actual.toLowerCase();
  return a === w || a.startsWith(`${w} (`) || a.endsWith(` / ${w}`) || a.includes(` / ${w} (`);
}

async function checkRuns(api: Api, repo: string, ref: string, names: string[] | undefined): Promise<Check[]> {
  const runsAnswer = await api.request(`/repos/${repo}/commits/${encodeURIComponent(ref)}/check-runs?per_page=100`);
  const no = refused(runsAnswer, `the check runs of ${ref.slice(0, 12)}`);
  if (no) return [no];
  const runs = (runsAnswer.json as { check_runs?: CheckRun[] } | undefined)?.check_runs;
  if (runsAnswer.status !== 200 || !Array.isArray(runs)) return [{ status: 'fail', message: unexpected('GitHub', 'the check runs query', runsAnswer, []).summary }];
  const statusAnswer = await api.request(`/repos/${repo}/commits/${encodeURIComponent(ref)}/status`);
  const statuses = statusAnswer.status === 200 ? ((statusAnswer.json as { statuses?: Status[] } | undefined)?.statuses ?? []) : [];
  const all = [
    ...runs.map((r) => ({ name: r.name ?? '?', done: r.status === 'completed', ok: r.conclusion === 'success' || r.conclusion === 'skipped' || r.conclusion === 'neutral', outcome: r.status === 'completed' ? String(r.conclusion) : String(r.status) })),
    ...statuses.map((s) => ({ name: s.context ?? '?', done: s.state !== 'pending', ok: s.state === 'success', outcome: String(s.state) })),
  ];
  api.evidence.push(...all.slice(0, 20).map((c) => `check ${c.name}: ${c.outcome}`));
  const groups = names ? names.map((n) => ({ n, found: all.filter((c) => nameMatches(n, c.name)) })) : [{ n: 'all checks', found: all }];
  const out: Check[] = [];
  for (const { n, found } of groups) {
    if (!found.length) {
      out.push(names ? { status: 'fail', message: `no check run named "${n}" on ${ref.slice(0, 12)}` } : { status: 'inconclusive', reason: 'no-data', message: `no check runs or statuses on ${ref.slice(0, 12)}` });
      continue;
    }
    // Skipped/neutral runs never prove a named job passed: at least one real success.
    const failed = found.filter((c) => c.done && !c.ok);
    const running = found.filter((c) => !c.done);
    if (failed.length) out.push({ status: 'fail', message: `${names ? `"${n}"` : 'check'} ${failed.map((c) => `${c.name}: ${c.outcome}`).slice(0, 3).join(', ')}` });
    else if (running.length) out.push({ status: 'inconclusive', reason: 'no-data', message: `"${running[0].name}" still ${running[0].outcome}: run again when it has finished` });
    else if (names && !found.some((c) => c.outcome === 'success')) out.push({ status: 'fail', message: `"${n}" did not run on ${ref.slice(0, 12)} (${found.map((c) => c.outcome).join(', ')})` });
    else out.push({ status: 'pass', message: `${names ? `"${n}"` : `${found.length} checks`} succeeded` });
  }
  return out;
}

async function reviews(api: Api, repo: string, ref: string, pr: number | undefined): Promise<Check> {
  let number = pr;
  if (number === undefined) {
    const a = await api.request(`/repos/${repo}/commits/${encodeURIComponent(ref)}/pulls`);
    const no = refused(a, `the pull requests of ${ref.slice(0, 12)}`);
    if (no) return no;
    if (a.status !== 200 || !Array.isArray(a.json)) return { status: 'fail', message: unexpected('GitHub', 'the pull requests query', a, []).summary };
    const pulls = a.json as { number?: number; merged_at?: string | null }[];
    const pick = pulls.find((p) => p.merged_at) ?? pulls[0];
    if (!pick?.number) return { status: 'fail', message: `no pull request contains ${ref.slice(0, 12)}: no review on record` };
    number = pick.number;
  }
  const a = await api.request(`/repos/${repo}/pulls/${number}/reviews?per_page=100`);
  const no = refused(a, `the reviews of pull request #${number}`);
  if (no) return no;
  if (a.status !== 200 || !Array.isArray(a.json)) return { status: 'fail', message: unexpected('GitHub', 'the reviews query', a, []).summary };
  // Each reviewer's latest decisive review (comments do not change a decision).
  const latest = new Map<string, string>();
  for (const r of a.json as Review[]) {
    const who = r.user?.login ?? '?';
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED') latest.set(who, r.state);
  }
  api.evidence.push(`pull request #${number}: ${[...latest].map(([w, s]) => `${w} ${s}`).join(', ') || 'no decisive review'}`);
  const approvers = [...latest].filter(([, s]) => s === 'APPROVED').map(([w]) => w);
  const blocking = [...latest].filter(([, s]) => s === 'CHANGES_REQUESTED').map(([w]) => w);
  if (blocking.length) return { status: 'fail', message: `pull request #${number}: changes requested by ${namesText(blocking)}` };
  if (!approvers.length) return { status: 'fail', message: `pull request #${number} has no approving review` };
  return { status: 'pass', message: `pull request #${number} approved by ${namesText(approvers)}` };
}

const rank = (s: string | undefined) => SEVERITIES.indexOf((s ?? '').toLowerCase() as (typeof SEVERITIES)[number]);
/** Code scanning's rule severity when an alert has no security severity. */
const RULE_SEVERITY: Record<string, string> = { error: 'high', warning: 'medium', note: 'low' };

async function alerts(api: Api, repo: string, which: 'dependabot' | 'code-scanning', threshold: string): Promise<Check> {
  const label = which === 'dependabot' ? 'Dependabot' : 'code-scanning';
  const a = await api.request(`/repos/${repo}/${which}/alerts?state=open&per_page=100`);
  const no = refused(a, `${label} alerts`);
  if (no) return no;
  if (a.status !== 200 || !Array.isArray(a.json)) return { status: 'fail', message: unexpected('GitHub', `the ${label} alerts query`, a, []).summary };
  const list = (a.json as Record<string, any>[]).map((x) => {
    const severity: string = which === 'dependabot' ? (x.security_advisory?.severity ?? x.security_vulnerability?.severity) : (x.rule?.security_severity_level ?? RULE_SEVERITY[x.rule?.severity] ?? x.rule?.severity);
    const what: string = which === 'dependabot' ? `${x.dependency?.package?.name ?? x.security_vulnerability?.package?.name ?? '?'} ${x.security_advisory?.ghsa_id ?? ''}`.trim() : `${x.rule?.id ?? '?'} in ${x.most_recent_instance?.location?.path ?? '?'}`;
    return { severity: severity ?? 'unknown', what };
  });
  const bad = list.filter((x) => rank(x.severity) >= rank(threshold));
  const counts = SEVERITIES.map((s) => [s, list.filter((x) => x.severity === s).length] as const).filter(([, n]) => n);
  api.evidence.push(`open ${label} alerts: ${list.length}${list.length >= 100 ? '+' : ''}${counts.length ? ` (${counts.map(([s, n]) => `${s} ${n}`).join(', ')})` : ''}`);
  api.evidence.push(...bad.slice(0, 5).map((x) => `  ${x.severity}: ${firstLine(x.what, 120)}`));
  if (bad.length) return { status: 'fail', message: `${bad.length}${bad.length >= 100 ? '+' : ''} open ${label} alert${bad.length === 1 ? '' : 's'} at ${threshold} or above (${bad.slice(0, 2).map((x) => `${x.severity}: ${x.what}`).join(', ')})` };
  return { status: 'pass', message: `no open ${label} alert at ${threshold} or above` };
}

export const probe = apiProbe<Params>(
  'GitHub API',
  (p, ctx) => p.api_base ?? ctx.vars.GITHUB_API_URL ?? DEFAULT_API,
  async (api, params, ctx): Promise<ProbeOutcome> => {
    const token = params.token ?? ctx.vars.GITHUB_TOKEN;
    const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'deploy-wizard', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const authed: Api = { ...api, request: (path, init = {}) => api.request(path, { ...init, headers: { ...headers, ...init.headers } }) };
    const checks: Check[] = [];
    const anyAsked = params.checks || params.reviews || params.dependabot || params.code_scanning;
    if (params.checks || !anyAsked) checks.push(...(await checkRuns(authed, params.repo, params.ref, params.checks)));
    if (params.reviews) checks.push(await reviews(authed, params.repo, params.ref, params.pr));
    if (params.dependabot) checks.push(await alerts(authed, params.repo, 'dependabot', params.severity));
    if (params.code_scanning) checks.push(await alerts(authed, params.repo, 'code-scanning', params.severity));
    const outcome = foldChecks(checks, `${params.repo}@${params.ref.slice(0, 12)}: ${checks.map((c) => c.message).join('; ')}`, api.evidence);
    const unjudged = checks.find((c) => c.status === 'inconclusive' && c.reason === 'not-configured');
    return unjudged && outcome.status === 'inconclusive' ? { ...outcome, hint: `set GITHUB_TOKEN to a token that may read ${params.repo}${params.dependabot || params.code_scanning ? ' and its security alerts' : ''}` } : outcome;
  },
);
