import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseChecklist as parseWith } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';

const parseChecklist = (text: string, file: string) => parseWith(text, file, validateProbe);
import { resolveLimits, unmeasurable } from '../../src/watch/criteria.js';
import { minIntervalMs, splitWindow, windowProblem } from '../../src/checklist/window.js';

afterEach(() => vi.unstubAllEnvs());

describe('watch: annotations (rollback criteria)', () => {
  it('makes a criterion of a plain list item, with its window, and keeps the list as guidance without the comment', () => {
    const md = `# T\n## Rollback Decision Criteria\n\n- [ ] an item\n\nInitiate rollback if:\n- Critical functionality not working\n- Error rate exceeds 5% of requests\n  <!-- watch: prometheus url=http://127.0.0.1:9 query=up max=0.05 interval=30s count=10 failure_limit=2 inconclusive_limit=3 -->\n`;
    const { checklist, problems } = parseChecklist(md, 'c.md');
    expect(problems).toEqual([]);
    expect(checklist.criteria).toHaveLength(1);
    const c = checklist.criteria![0];
    expect(c).toMatchObject({ id: 'error-rate-exceeds-5-of-requests', text: 'Error rate exceeds 5% of requests', line: 8, probe: { kind: 'prometheus', params: { url: 'http://127.0.0.1:9', query: 'up', max: '0.05' } } });
    expect(c.window).toEqual({ intervalMs: 30_000, count: 10, failureLimit: 2, inconclusiveLimit: 3 });
    const guidance = checklist.sections.find((s) => s.title === 'Rollback Decision Criteria')!.guidance.map((g) => g.text).join('\n');
    expect(guidance).toContain('- Error rate exceeds 5% of requests');
    expect(guidance).not.toContain('watch:');
    expect(checklist.items).toHaveLength(1);
  });

  it('reports bad window keys and bad probe params at the annotation line', () => {
    const md = `# T\n- [ ] item\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=x query=up interval=5 parsecs failure_limit=-1 -->\n- Slow\n  <!-- watch: baseline requests=3 count=2 for=1m -->\n`;
    const { problems, checklist } = parseChecklist(md, 'c.md');
    const lines = problems.map((p) => `${p.line}: ${p.message}`);
    expect(lines.some((l) => l.startsWith('6: expected key=value'))).toBe(true);
    const md2 = `# T\n- [ ] item\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=x query=up interval=fast failure_limit=-1 -->\n- Slow\n  <!-- watch: baseline requests=3 count=2 for=1m -->\n`;
    const two = parseChecklist(md2, 'c.md').problems.map((p) => `${p.line}: ${p.message}`);
    expect(two).toContain('6: parameter "interval": must be a duration like 250ms, 30s, 1m or 1h30m, got "fast"');
    // A number without a unit is refused at its line (it once meant milliseconds: for=10 was a window of nothing).
    const md3 = `# T\n- [ ] item\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=http://127.0.0.1:9/ query=up interval=30 for=10 -->\n`;
    const three = parseChecklist(md3, 'c.md').problems.map((p) => `${p.line}: ${p.message}`);
    expect(three).toEqual(['6: parameter "interval": "30" has no unit: write 30s, 30m or 30ms', '6: parameter "for": "10" has no unit: write 10s, 10m or 10ms']);
    expect(two).toContain('6: parameter "failure_limit": must be a whole number (0 or more)');
    expect(two).toContain('8: give "count" or "for", not both');
    expect(two).toContain('8: missing parameter "url" for baseline probe');
    expect(checklist.criteria ?? []).toEqual([]);
  });

  it('a watch annotation outside any list item is not attached', () => {
    const { problems } = parseChecklist(`# T\n- [ ] item\n\nSome text <!-- watch: http url=http://127.0.0.1:9 -->\n`, 'c.md');
    expect(problems.map((p) => p.line)).toEqual([4]);
  });

  it('the shipped checklist has the three measurable rollback criteria, each with its source', () => {
    const file = 'checklists/django-twilio-call.md';
    const { checklist, problems } = parseChecklist(readFileSync(file, 'utf8'), file);
    expect(problems).toEqual([]);
    expect(checklist.criteria!.map((c) => [c.text, c.probe.kind])).toEqual([
      ['Critical functionality not working', 'http'],
      ['Error rate exceeds 5% of requests', 'prometheus'],
      ['Response time increases by more than 50%', 'baseline'],
    ]);
    expect(checklist.criteria!.find((c) => c.probe.kind === 'prometheus')!.probe.params).toMatchObject({ max: '0.05', name: 'error rate' });
    expect(checklist.criteria!.find((c) => c.probe.kind === 'baseline')!.probe.params).toMatchObject({ max_increase_pct: '50' });
  });

  it('spans and limits: --for/--interval override the annotation, defaults 30 s × 30 min', () => {
    expect(resolveLimits({})).toEqual({ intervalMs: 30_000, count: 60, failureLimit: 0, inconclusiveLimit: 0 });
    expect(resolveLimits({ intervalMs: 10_000, count: 4, failureLimit: 1 })).toMatchObject({ intervalMs: 10_000, count: 4, failureLimit: 1 });
    expect(resolveLimits({ intervalMs: 10_000, forMs: 60_000 }).count).toBe(6);
    expect(resolveLimits({ count: 4 }, { intervalMs: 200, forMs: 2000 })).toMatchObject({ intervalMs: 200, count: 10 });
    expect(splitWindow({ url: 'u', interval: '1s', count: '0' }).problems).toEqual(['parameter "count": must be a whole number from 1 to 10000']);
  });

  it('count = ⌈for ÷ interval⌉: the window covers at least the span asked for', () => {
    expect(resolveLimits({}, { intervalMs: 3000, forMs: 10_000 })).toMatchObject({ intervalMs: 3000, count: 4 });
    expect(resolveLimits({}, { intervalMs: 2000, forMs: 10_000 }).count).toBe(5);
    expect(resolveLimits({ intervalMs: 7000, forMs: 60_000 }).count).toBe(9);
  });

  it('an interval under 1 s, or a window shorter than one interval, is refused in one line; the annotation at its FILE:LINE', () => {
    vi.stubEnv('DEPLOY_WIZARD_MIN_INTERVAL_MS', '');
    expect(minIntervalMs()).toBe(1000);
    expect(windowProblem('--interval', '--for', 1, 1000)).toBe('--interval must be at least 1 s (got 1 ms): a faster loop floods the app and Prometheus');
    expect(windowProblem('--interval', '--for', 5000, 1000)).toBe('--for (1 s) is shorter than the interval (5 s): make the window at least one interval long');
    expect(windowProblem('--interval', '--for', 1000, 1000)).toBeUndefined();
    const md = `# T\n- [ ] item\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=x query=up interval=500ms -->\n- Slow\n  <!-- watch: prometheus url=x query=up interval=10s for=5s -->\n`;
    const lines = parseChecklist(md, 'c.md').problems.map((p) => `${p.line}: ${p.message}`);
    expect(lines).toContain('6: interval= must be at least 1 s (got 500 ms): a faster loop floods the app and Prometheus');
    expect(lines).toContain('8: for= (5 s) is shorter than the interval (10 s): make the window at least one interval long');
    const slow = parseChecklist(`# T\n- [ ] item\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=x query=up interval=2s timeout=5s -->\n`, 'c.md').problems;
    expect(slow.map((p) => `${p.line}: ${p.message}`)).toContain('6: interval= (2 s) is shorter than the measurement\'s timeout (5 s): make the interval at least the timeout');
  });

  it('a criterion with an unset variable cannot be measured: why, per criterion, as data', () => {
    const md = `# T\n- [ ] item\n\n## R\n- Error rate high\n  <!-- watch: prometheus url=\${PROMETHEUS_URL} query=up -->\n- Slow\n  <!-- watch: baseline url=http://127.0.0.1:9/ baseline_ms=\${BASELINE_P50_MS} -->\n`;
    const criteria = parseChecklist(md, 'c.md').checklist.criteria!;
    // Each criterion says why it cannot be measured, as data and words; a variable the caller can explain better is explained.
    expect(criteria.map((c) => unmeasurable(c, {}, { BASELINE_P50_MS: 'no baseline: none measured' }))).toEqual([
      { reason: 'not-configured', why: 'PROMETHEUS_URL unset (environment, --env-file or --config)' },
      { reason: 'not-configured', why: 'no baseline: none measured' },
    ]);
    expect(criteria.map((c) => unmeasurable(c, { PROMETHEUS_URL: 'http://127.0.0.1:9', BASELINE_P50_MS: '20' }))).toEqual([undefined, undefined]);
  });
});
