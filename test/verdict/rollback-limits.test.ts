/**
 * The rollback thresholds: the checklist's watch criteria declare them, the
 * documented defaults (5 %, +50 %) stand in where it declares none, and the
 * single-sample verdict is the window judge's with one measurement.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { DEFAULT_ROLLBACK_LIMITS, judgeRollback, rollbackLimits, type Measurement } from '../../src/verdict/rollback.js';
import { judgeWindow, SINGLE_SAMPLE } from '../../src/verdict/window.js';
import { SHIPPED } from '../checklist/helpers.js';

const parse = (text: string) => parseChecklist(text, 'c.md', validateProbe).checklist;
const rate = (value: number): Measurement => ({ result: { kind: 'prometheus', spec: 'prometheus query=q name="error rate"', metrics: { value } }, label: 'Error rates monitored' });

describe('rollbackLimits', () => {
  it('the shipped checklist declares the reference document\'s own 5 % and +50 %, in its own words', () => {
    const shipped = parseChecklist(readFileSync(SHIPPED, 'utf8'), SHIPPED, validateProbe).checklist;
    expect(shipped.criteria?.length).toBeGreaterThan(0);
    expect(rollbackLimits(shipped)).toEqual(DEFAULT_ROLLBACK_LIMITS);
  });

  it('a checklist without criteria is judged against the defaults; a criterion whose limit is a ${VAR} or left out, against the default limit under its own name', () => {
    expect(rollbackLimits(parse('# A\n- [ ] x\n'))).toEqual(DEFAULT_ROLLBACK_LIMITS);
    const varLimit = parse('# R\n- Error rate too high\n  <!-- watch: prometheus url=http://127.0.0.1:1 query="q" max=${ERR_MAX} -->\n- Slower\n  <!-- watch: baseline url=http://127.0.0.1:1/ -->\n');
    expect(varLimit.criteria).toHaveLength(2);
    expect(rollbackLimits(varLimit)).toEqual({ errorRate: { criterion: 'Error rate too high', max: 0.05 }, latency: { criterion: 'Slower', maxIncreasePct: 50, minIncreaseMs: 25 } });
  });

  it('an error-rate criterion is a prometheus one that says "error rate" (a 5xx count is not a rate)', () => {
    const c = parse('# R\n- 5xx per second above 20\n  <!-- watch: prometheus url=http://127.0.0.1:1 query="q" max=20 -->\n- Error rate above 2%\n  <!-- watch: prometheus url=http://127.0.0.1:1 query="q" max=0.02 -->\n');
    expect(rollbackLimits(c).errorRate).toEqual({ criterion: 'Error rate above 2%', max: 0.02 });
  });
});

describe('the single-sample verdict is the window judge with one measurement', () => {
  it('agrees with judgeWindow(count 1, failure_limit 0) on each side of the limit, and no figure is never ok', () => {
    const limits = { ...DEFAULT_ROLLBACK_LIMITS, errorRate: { criterion: 'Error rate above 2%', max: 0.02 } };
    for (const [value, phase, verdict] of [[0.019, 'successful', 'ok'], [0.02, 'successful', 'ok'], [0.021, 'failed', 'triggered']] as const) {
      expect(judgeWindow([{ phase: value > 0.02 ? 'failed' : 'successful', value, message: '', startedAt: '', finishedAt: '' }], SINGLE_SAMPLE, true).phase).toBe(phase);
      expect(judgeRollback([rate(value)], [], limits)[0]).toMatchObject({ criterion: 'Error rate above 2%', threshold: '> 2%', verdict });
    }
    expect(judgeWindow([], SINGLE_SAMPLE, true).phase).toBe('inconclusive');
    expect(judgeRollback([], [], limits).slice(0, 2).map((v) => v.verdict)).toEqual(['unmeasured', 'unmeasured']);
  });
});
