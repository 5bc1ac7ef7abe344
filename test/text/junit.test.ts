import { describe, expect, it } from 'vitest';
import { junitSeconds, junitXml, xmlEscape } from '../../src/text/junit.js';
import { formatJunit as watchJunit } from '../../src/watch/format.js';
import type { WatchOutcome } from '../../src/watch/run.js';
import { findAll, parseXml } from '../check/helpers.js';

const totals = { name: 'run', tests: 2, failures: 1, errors: 0, skipped: 1, time: junitSeconds(1234) };

describe('the one JUnit writer', () => {
  it('escapes markup and drops what XML 1.0 cannot carry', () => {
    expect(xmlEscape('<a href="x">&\'</a>\u0001')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });

  it('writes suites of cases with one outcome each; line breaks and tabs in attributes survive as references', () => {
    const xml = junitXml(totals, [
      {
        ...totals,
        cases: [
          { name: 'a\tb', classname: 'c', time: '0.010', outcome: { kind: 'failure', message: 'line 1\r\nline 2', type: 'fail', body: 'x < y' }, systemOut: 'probe: p' },
          { name: 'skipped one', classname: 'c', outcome: { kind: 'skipped', message: 'inconclusive' }, systemOut: '' },
        ],
      },
    ]);
    expect(xml).toContain('message="line 1&#13;&#10;line 2"');
    expect(xml).toContain('name="a&#9;b"');
    const root = parseXml(xml);
    expect(root.attrs).toMatchObject({ name: 'run', tests: '2', failures: '1', skipped: '1', time: '1.234' });
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['a\tb', 'skipped one']);
    expect(cases[1].attrs.time).toBeUndefined();
    expect(findAll(root, 'failure')[0].attrs.message).toBe('line 1\r\nline 2');
    expect(findAll(root, 'skipped')).toHaveLength(1);
  });

  it("watch's JUnit goes through it: a carriage return or tab in a criterion's message is kept, as in check's", () => {
    const outcome = {
      phase: 'failed',
      interrupted: false,
      watches: [
        {
          criterion: { id: 'c1', text: 'Error rate\tabove 5 %', probe: { kind: 'prometheus', raw: 'prometheus query="x"', params: {} } },
          limits: { intervalMs: 1000, count: 1, failureLimit: 0, inconclusiveLimit: 0 },
          verdict: { phase: 'failed', message: 'met:\r\n7 %' },
          measurements: [{ phase: 'failed', value: 0.07, message: '7 %', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' }],
        },
      ],
    } as unknown as WatchOutcome;
    const root = parseXml(watchJunit(outcome, 1000));
    expect(findAll(root, 'testcase')[0].attrs.name).toBe('Error rate\tabove 5 % [prometheus]');
    expect(findAll(root, 'failure')[0].attrs.message).toBe('met:\r\n7 %');
  });
});
