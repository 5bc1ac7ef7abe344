import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exitCodeFor, formatJson, formatJunit, formatText, notGreenLine, resultLine, summarize, summaryLine, unjudgedLines, type CheckEntry } from '../../src/report/check-output.js';
import type { ProbeResult, ProbeStatus } from '../../src/probes/types.js';
import { findAll, parseXml } from './helpers.js';

const result = (status: ProbeStatus, summary: string, extra: Partial<ProbeResult> = {}): ProbeResult => ({
  status,
  summary,
  evidence: [],
  kind: 'http',
  spec: 'http url="https://${DOMAIN}/health/"',
  durationMs: 12,
  at: '2026-11-26T14:00:00.000Z',
  ...extra,
});
const entry = (r: ProbeResult, section = ['Checklist', 'Post-Deployment Verification', 'Health Checks'], item = 'Application health endpoints responding'): CheckEntry => ({ result: r, section, item });

describe('check output', () => {
  it('one plain line per result, the item under its section', () => {
    expect(resultLine(entry(result('pass', 'GET https://example.test/health/ → 200')))).toBe(
      'PASS  http   Health Checks › Application health endpoints responding — GET https://example.test/health/ → 200 in 12 ms',
    );
    expect(resultLine(entry(result('skipped', 'not configured: DOMAIN unset')))).toBe('SKIP  http   Health Checks › Application health endpoints responding — not configured: DOMAIN unset');
    expect(resultLine(entry(result('error', 'no answer within 500 ms', { kind: 'postgres', durationMs: 1500 })))).toMatch(/^ERROR postgres Health Checks › .* — no answer within 500 ms in 1\.5 s$/);
    expect(resultLine(entry(result('fail', 'two\nlines')), true)).toContain('\x1b[31mFAIL \x1b[0m');
  });

  it('the summary counts every status; skipped ones are counted and explained', () => {
    const results = [
      ...Array(12).fill(result('pass', 'ok')),
      result('fail', 'x'),
      ...Array(3).fill(result('warn', 'w')),
      ...Array(27).fill(result('skipped', 'not configured: X unset', { reason: 'not-configured' })),
    ];
    const s = summarize(results, 2300);
    expect(summaryLine(s)).toBe('12 passed, 1 failed, 0 errors, 3 warnings, 27 skipped (not configured) in 2.3 s');
    expect(s.ok).toBe(false);
    // Counted by reason (data), whatever the sentence says.
    const s2 = summarize([result('error', 'e'), result('skipped', 'stopped by Ctrl-C', { reason: 'cancelled' }), result('skipped', 'A is unset', { reason: 'not-configured' }), result('warn', 'w')], 800);
    expect(summaryLine(s2)).toBe('0 passed, 0 failed, 1 error, 1 warning, 2 skipped (1 not configured, 1 cancelled) in 800 ms');
    expect(summarize([result('warn', 'w'), result('skipped', 'cancelled', { reason: 'cancelled' })], 1).ok).toBe(true);
    const s3 = summarize([result('pass', 'ok'), result('inconclusive', 'query returned no series', { reason: 'no-data' })], 5);
    expect(summaryLine(s3)).toBe('1 passed, 0 failed, 0 errors, 0 warnings, 0 skipped, 1 inconclusive in 5 ms');
    expect(s3.ok).toBe(true);
  });

  it('not green when nothing was verified: every probe skipped, or nothing judged', () => {
    const allSkipped = summarize([result('skipped', 'not configured: A unset', { reason: 'not-configured' }), result('skipped', 'not configured: B unset', { reason: 'not-configured' })], 5);
    expect(allSkipped).toMatchObject({ ok: false, nothingVerified: true, failed: 0, errors: 0 });
    expect(exitCodeFor(allSkipped)).toBe(1);
    expect(notGreenLine(allSkipped)).toBe('nothing was verified: no probe passed (exit 1)');
    const noneJudged = summarize([result('inconclusive', 'localhost is this host', { reason: 'cannot-judge-here' }), result('skipped', 'not configured: A unset', { reason: 'not-configured' })], 5);
    expect(exitCodeFor(noneJudged)).toBe(1);
    expect(exitCodeFor(summarize([], 5))).toBe(1);
    const green = summarize([result('pass', 'ok'), result('skipped', 'not configured: A unset', { reason: 'not-configured' })], 5);
    expect(exitCodeFor(green)).toBe(0);
    expect(notGreenLine(green)).toBeUndefined();
  });

  it('--strict turns any skipped or inconclusive probe into a failure', () => {
    const mixed = [result('pass', 'ok'), result('inconclusive', 'no series', { reason: 'no-data' })];
    expect(exitCodeFor(summarize(mixed, 5))).toBe(0);
    const strict = summarize(mixed, 5, true);
    expect(exitCodeFor(strict)).toBe(1);
    expect(notGreenLine(strict)).toBe('--strict: 1 probe skipped or inconclusive count as failures (exit 1)');
    expect(exitCodeFor(summarize([result('pass', 'ok'), result('warn', 'w')], 5, true))).toBe(0);
  });

  it('lists the unjudged with what each needs, leaving out the cancelled', () => {
    const entries = [
      entry(result('skipped', 'not configured: DB_HOST unset', { reason: 'not-configured' }), ['Checklist', 'Database'], 'Database reachable'),
      entry(result('inconclusive', 'query returned no series: nothing to judge', { reason: 'no-data', kind: 'prometheus' }), ['Checklist', 'Monitoring'], 'Error rate below 5%'),
      entry(result('skipped', 'cancelled', { reason: 'cancelled' })),
      entry(result('pass', 'ok')),
    ];
    expect(unjudgedLines(entries)).toEqual([
      'Not verified (2):',
      '  SKIP Database › Database reachable — not configured: DB_HOST unset → set the variables it names (environment, --env-file or --config)',
      '  INCONCLUSIVE Monitoring › Error rate below 5% — query returned no series: nothing to judge → check by hand, or run again once there is data (traffic, series)',
    ]);
  });

  it('JUnit shows an inconclusive probe as skipped, with its reason; JSON carries the reason as data', () => {
    const entries = [entry(result('inconclusive', 'query returned no series: nothing to judge', { reason: 'no-data' })), entry(result('pass', 'ok'))];
    const s = summarize(
      entries.map((e) => e.result),
      10,
    );
    const root = parseXml(formatJunit(entries, s));
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '0', skipped: '1' });
    expect(findAll(root, 'skipped')[0].attrs.message).toBe('inconclusive (no-data): query returned no series: nothing to judge');
    expect(JSON.parse(formatJson(entries, s)).results[0]).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    expect(resultLine(entries[0])).toMatch(/^INCONCLUSIVE http +Health Checks › .* — query returned no series: nothing to judge in 12 ms$/);
  });

  it('JSON holds the summary and every result with its section and item', () => {
    const doc = JSON.parse(formatJson([entry(result('pass', 'ok', { itemId: 'a/b' }))], summarize([result('pass', 'ok')], 5)));
    expect(doc.summary).toMatchObject({ total: 1, passed: 1, ok: true });
    expect(doc.results[0]).toMatchObject({ section: ['Checklist', 'Post-Deployment Verification', 'Health Checks'], item: 'Application health endpoints responding', itemId: 'a/b', status: 'pass', kind: 'http' });
  });

  it('text ends with the summary line', () => {
    const text = formatText([entry(result('pass', 'ok'))], summarize([result('pass', 'ok')], 5));
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(text.trim().split('\n')[1]).toBe('1 passed, 0 failed, 0 errors, 0 warnings, 0 skipped in 5 ms');
  });

  it('JUnit: a testsuite per section, failure/error/skipped elements, parseable', () => {
    const entries = [
      entry(result('pass', 'ok')),
      entry(result('fail', 'status 500 (expected 200)', { evidence: ['HTTP/1.1 500'] })),
      entry(result('error', 'no answer within 500 ms'), ['Checklist', 'Database']),
      entry(result('skipped', 'not configured: DB_HOST unset'), ['Checklist', 'Database']),
      entry(result('warn', 'certificate expires in 3 days'), ['Checklist', 'Database']),
    ];
    const xml = formatJunit(
      entries,
      summarize(
        entries.map((e) => e.result),
        100,
      ),
    );
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '1' });
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['Checklist › Post-Deployment Verification › Health Checks', 'Checklist › Database']);
    expect(suites[1].attrs).toMatchObject({ tests: '3', errors: '1', skipped: '1', failures: '0' });
    expect(findAll(root, 'testcase')).toHaveLength(5);
    expect(findAll(root, 'failure')[0].attrs.message).toBe('status 500 (expected 200)');
    expect(findAll(root, 'skipped')[0].attrs.message).toBe('not configured: DB_HOST unset');
    expect(findAll(root, 'system-out').some((o) => o.text.includes('WARN: certificate expires in 3 days'))).toBe(true);
  });

  it('property: any text in summaries, items and sections stays well-formed XML and round-trips', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (summary, item, section) => {
        const e = entry(result('fail', summary, { evidence: [summary] }), [section], item);
        const root = parseXml(formatJunit([e], summarize([e.result], 1)));
        const failure = findAll(root, 'failure')[0];
        return failure.attrs.message === xmlEscapeRoundTrip(summary) && findAll(root, 'testcase')[0].attrs.name === `${xmlEscapeRoundTrip(item)} [http]`;
      }),
      { numRuns: 300 },
    );
  });
});

/** What survives XML: the text minus characters XML 1.0 cannot carry. */
function xmlEscapeRoundTrip(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}
