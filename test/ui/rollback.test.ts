import { describe, expect, it } from 'vitest';
import { rollbackBanner, findRollbackSection } from '../../src/store/rollback.js';
import { judgeRollback, triggeredLines, type Measurement } from '../../src/verdict/rollback.js';
import { fillIncidentTemplate, findIncidentTemplate, DEFAULT_INCIDENT_TEMPLATE } from '../../src/store/incident.js';
import { result, sampleChecklist } from './fixtures.js';
import { newSessionDoc } from '../helpers/memory-session.js';

describe('rollback criteria', () => {
  const met = (ms: Measurement[]) => triggeredLines(judgeRollback(ms));
  const rate = (value: number, label = 'Error rates monitored', spec = 'prometheus query=q') => ({ result: result({ kind: 'prometheus', spec, metrics: { value } }), label });
  it('error rate above 5% on an error-rate item is met; 5% exactly is not', () => {
    expect(met([rate(0.051)])).toEqual(['Error rate exceeds 5% of requests: 5.1% (Error rates monitored)']);
    expect(met([rate(0.05)])).toEqual([]);
  });
  it('a prometheus value on an unrelated item is not an error rate, even when its query counts 5xx', () => {
    expect(met([rate(3, 'Targets up', 'prometheus query="up"')])).toEqual([]);
    expect(met([rate(12, '5xx responses per second', 'prometheus query=\'sum(rate(x{status=~"5.."}[5m]))\'')])).toEqual([]);
    expect(judgeRollback([rate(0.2, 'Server health', 'prometheus query=q name="error rate"')])[0].verdict).toBe('triggered');
  });
  it('the worst measurement counts, not the first', () => {
    expect(met([rate(0.06, 'Error rates within limits'), rate(0.09, 'Error rates monitored'), rate(0.01)])).toEqual(['Error rate exceeds 5% of requests: 9% (Error rates monitored)']);
  });
  it('baseline increase above 50% is met; 50% is not', () => {
    expect(met([{ result: result({ kind: 'baseline', metrics: { increase_pct: 63 } }) }])).toEqual(['Response time increases by more than 50%: +63%']);
    expect(met([{ result: result({ kind: 'baseline', metrics: { increase_pct: 50 } }) }])).toEqual([]);
  });
  it('rollbackBanner reads the session and names the rollback section', () => {
    const cl = sampleChecklist();
    const s = newSessionDoc(cl);
    const id = 'pre-deployment/monitoring/error-rates-monitored';
    s.items[id].probes = [result({ kind: 'prometheus', spec: 'prometheus query=q', itemId: id, metrics: { value: 0.2 } })];
    expect(rollbackBanner(s, cl)).toEqual({ criterion: 'Error rate exceeds 5% of requests: 20% (Error rates monitored)', name: 'Error rate exceeds 5% of requests', figure: '20% (Error rates monitored)', sectionId: 'rollback-procedures' });
    expect(findRollbackSection(cl)).toBe('rollback-procedures');
  });
});

describe('incident template', () => {
  it('fills each placeholder and keeps the rest of the template', () => {
    const out = fillIncidentTemplate(DEFAULT_INCIDENT_TEMPLATE, { status: 'IDENTIFIED', severity: 'LOW', impact: 'slow\npages', eta: '1h', actions: 'scaling' });
    expect(out).toContain('Status: IDENTIFIED');
    expect(out).toContain('Impact: slow pages');
    expect(out).toContain('Updates will be provided every 15 minutes.');
    expect(out).not.toContain('[');
  });
  it('uses the checklist block when present', () => {
    const cl = sampleChecklist();
    cl.sections[0].guidance.push({ kind: 'command', text: 'INCIDENT ALERT: X\nStatus: [A/B]\n', line: 9 });
    expect(findIncidentTemplate(cl)).toBe('INCIDENT ALERT: X\nStatus: [A/B]');
  });
});
