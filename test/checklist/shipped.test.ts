import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/checklist/load.js';
import { KINDS } from '../../src/probes/registry.js';
import { cli, removeCliSnapshot, REFERENCE, SHIPPED } from './helpers.js';
import { validateProbe } from '../../src/probes/registry.js';

const shippedText = readFileSync(SHIPPED, 'utf8');
/** The reference when this machine has it; else the shipped file stands in for it (its headings are the reference's). */
const referenceText = existsSync(REFERENCE) ? readFileSync(REFERENCE, 'utf8') : shippedText;

/** Headings by a plain line scan that skips fenced code (`# comment` lines in shell blocks are not headings). */
function headingsByLineScan(text: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    else if (!fence) {
      const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (m) out.push(m[2]);
    }
  }
  return out;
}

afterAll(removeCliSnapshot);

describe('the shipped checklist', async () => {
  const { checklist, problems } = await loadChecklist(SHIPPED, validateProbe);

  it('parses without problems into 175 items', () => {
    expect(problems).toEqual([]);
    expect(checklist.items).toHaveLength(175);
    expect(checklist.title).toBe('Production Deployment Checklist');
  });

  it('has every heading of the reference document as a section, in order', () => {
    const headings = headingsByLineScan(referenceText);
    expect(headings.length).toBeGreaterThan(60);
    expect(checklist.sections.map((s) => s.title)).toEqual(headings);
  });

  it('keeps every line of the reference, adding only annotation comments and the variables header', () => {
    const ref = referenceText.split('\n');
    const shipped = shippedText.split('\n');
    const headerEnd = shipped.indexOf('-->');
    expect(shipped[0]).toBe('<!--');
    let r = 0;
    const added: string[] = [];
    for (const line of shipped.slice(headerEnd + 1)) {
      if (r < ref.length && line === ref[r]) r++;
      else added.push(line);
    }
    expect(r).toBe(ref.length);
    expect(added.filter((l) => !/^\s+<!-- (probe|watch|from|manual): .* -->$/.test(l) && l !== '')).toEqual([]);
  });

  it('names the app file beside every annotation that encodes an app fact (path, policy, metric, deployment)', () => {
    const lines = shippedText.split('\n');
    const appFact = /\/health\/|_PATH|\/api\/v1\/|allkeys-lru|persistence=|django_http_responses|PROMETHEUS_JOB|kind: celery|probe: celery|deployment[/ ]|namespace|table=|min_version=|\/static\/|jobs=|rules|dashboards=|checks=|dependabot=|code_scanning=|probe: registry|probe: alertmanager/;
    const unsourced: string[] = [];
    lines.forEach((line, i) => {
      if (!/^\s+<!-- (probe|watch): /.test(line) || !appFact.test(line)) return;
      let j = i + 1;
      while (/^\s+<!-- (probe|watch): /.test(lines[j] ?? '')) j++;
      if (!/^\s+<!-- from: [\w./-]+\.(py|md|yaml|yml|conf|txt|example|sh|json)\b.* -->$/.test(lines[j] ?? '')) unsourced.push(`${i + 1}: ${line.trim()}`);
    });
    expect(unsourced).toEqual([]);
  });

  it('names in every from: comment only files the app really has (one form: PATH (note), PATH …)', () => {
    const appFiles = new Set(readFileSync('test/fixtures/django-twilio-call-files.txt', 'utf8').split('\n').filter((l) => l && !l.startsWith('#')));
    const entry = String.raw`([\w./-]+)(?: \([^()]*\))?`;
    const form = new RegExp(`^${entry}(?:, ${entry})*$`);
    const comments = [...shippedText.matchAll(/^\s+<!-- from: (.*) -->$/gm)].map((m) => m[1]);
    expect(comments.length).toBeGreaterThan(30);
    const bad: string[] = [];
    for (const c of comments) {
      if (!form.test(c)) bad.push(`form: ${c}`);
      for (const m of c.matchAll(new RegExp(`(?:^|, )${entry}`, 'g'))) if (!appFiles.has(m[1])) bad.push(`not in the app: ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });

  it('lists the new variables in its header comment', () => {
    const header = shippedText.slice(0, shippedText.indexOf('-->'));
    for (const v of ['PROMETHEUS_URL', 'K8S_NAMESPACE', 'BASELINE_P50_MS', 'APP_REPO_DIR', 'ALERTMANAGER_URL', 'GRAFANA_URL', 'GRAFANA_TOKEN', 'GITHUB_REPOSITORY', 'RELEASE_SHA', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'REGISTRY_URL', 'IMAGE_NAME', 'IMAGE_TAG', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD']) expect(header).toContain(v);
  });

  it('reads the sign-off roles, statuses and fields', () => {
    expect(checklist.signoff).toEqual({
      roles: ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'],
      statuses: ['SUCCESS', 'FAILED', 'ROLLED BACK'],
      fields: ['Notes', 'Next Steps'],
    });
  });

  it('has unique item and section ids, and every item points at a real section', () => {
    const itemIds = checklist.items.map((i) => i.id);
    const sectionIds = checklist.sections.map((s) => s.id);
    expect(new Set(itemIds).size).toBe(itemIds.length);
    expect(new Set(sectionIds).size).toBe(sectionIds.length);
    const sections = new Set(sectionIds);
    for (const item of checklist.items) expect(sections.has(item.sectionId)).toBe(true);
    expect(checklist.sections.flatMap((s) => s.itemIds)).toEqual(itemIds);
  });

  it('annotates the machine-verifiable items with the app variable names', () => {
    const probeOf = (text: string) => checklist.items.find((i) => i.text === text)!.probes;
    expect(probeOf('Application health endpoints responding').map((p) => [p.params.url, p.params['json.status']])).toEqual([
      ['https://${DOMAIN}:${HTTPS_PORT:-443}/health/', 'healthy'],
      ['https://${DOMAIN}:${HTTPS_PORT:-443}/health/ready/', 'ready'],
      ['https://${DOMAIN}:${HTTPS_PORT:-443}/health/live/', 'alive'],
    ]);
    expect(probeOf('Database user created with minimal privileges')[0]).toMatchObject({
      kind: 'postgres',
      params: { host: '${DB_HOST}', port: '${DB_PORT:-5432}', database: '${DB_NAME}', user: '${DB_USER}', password: '${DB_PASSWORD}', least_privilege: 'true' },
    });
    expect(probeOf('Celery workers running')[0]).toMatchObject({ kind: 'celery', params: { url: '${CELERY_BROKER_URL}', min_workers: '${CELERY_MIN_WORKERS:-1}' } });
    expect(probeOf('Webhook endpoints secured with signature validation')[0].params.url).toBe('${TWILIO_WEBHOOK_BASE_URL}${VOICE_PATH:-/webhooks/voice/}');
    expect(probeOf('Redis memory limits set appropriately')[0].params).toMatchObject({ maxmemory: 'true', policy: 'allkeys-lru' });
    // statement_timeout lives in the client's DATABASES OPTIONS (docs/TROUBLESHOOTING.md): a role query cannot see it.
    expect(probeOf('Database settings optimized')[0].params).not.toHaveProperty('statement_timeout');
    expect(probeOf('ALLOWED_HOSTS configured correctly')[0]).toMatchObject({ kind: 'security', params: { bogus_host: 'true' } });
    expect(probeOf('No secrets in version control verified')[0]).toMatchObject({ kind: 'secrets-scan', params: { path: '${APP_REPO_DIR:-.}' } });
    expect(probeOf('Internal services not exposed to internet').map((p) => p.params.expect)).toEqual(['closed', 'closed']);
    const kinds = new Set(checklist.items.flatMap((i) => i.probes.map((p) => p.kind)));
    expect([...kinds].sort()).toEqual(Object.keys(KINDS).sort());
  });

  it('keeps commands from fenced blocks and the rollback criteria as guidance', () => {
    const stop = checklist.sections.find((s) => s.title === '1. Stop Traffic to New Version')!;
    expect(stop.guidance[0]).toMatchObject({ kind: 'command', lang: 'bash' });
    expect(stop.guidance[0].text).toContain('kubectl rollout undo deployment/django-web -n django-twilio-call');
    const criteria = checklist.sections.find((s) => s.title === 'Rollback Decision Criteria')!;
    expect(criteria.guidance.map((g) => g.kind)).toEqual(['text', 'list']);
    expect(criteria.guidance[1].text).toContain('- Error rate exceeds 5% of requests');
  });

  it('validates with the built CLI: exit 0 and the counts', () => {
    const r = cli(['validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^checklists\/django-twilio-call\.md: ok — 175 items in 62 sections, \d+ with a probe \(\d+ proved by a probe, \d+ partly, \d+ by hand(?:, \d+ of them with a reason)?\), \d+ probes \((?:[a-z0-9-]+ \d+, )*[a-z0-9-]+ \d+\), 3 rollback criteria \(watch\), sign-off: 4 roles\n$/);
  });
});
