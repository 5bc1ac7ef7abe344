import { describe, expect, it } from 'vitest';
import { rollbackCriterion, evaluateRollback, findRollbackSection } from '../../src/store/rollback.js';
import { fillIncidentTemplate, findIncidentTemplate, DEFAULT_INCIDENT_TEMPLATE } from '../../src/store/incident.js';
import { result, sampleChecklist } from './fixtures.js';
import { newSessionDoc } from '../helpers/memory-session.js';

describe('rollback criteria', () => {
  const errText = () => 'Error rates monitored';
  it('error rate above 5% on an error-rate item is met; 5% exactly is not', () => {
    expect(rollbackCriterion([result({ kind: 'prometheus', itemId: 'x', metrics: { value: 0.051 } })], errText)?.criterion).toMatch(/Error rate exceeds 5%/);
    expect(rollbackCriterion([result({ kind: 'prometheus', itemId: 'x', metrics: { value: 0.05 } })], errText)).toBeUndefined();
  });
  it('a prometheus value on an unrelated item is not an error rate', () => {
    expect(rollbackCriterion([result({ kind: 'prometheus', spec: 'prometheus query="up"', itemId: 'x', metrics: { value: 3 } })], () => 'Targets up')).toBeUndefined();
  });
  it('baseline increase above 50% is met; 50% is not', () => {
    expect(rollbackCriterion([result({ kind: 'baseline', metrics: { increase_pct: 63 } })])?.criterion).toMatch(/Response time increases by more than 50% \(\+63%/);
    expect(rollbackCriterion([result({ kind: 'baseline', metrics: { increase_pct: 50 } })])).toBeUndefined();
  });
  it('evaluateRollback reads the session and names the rollback section', () => {
    const cl = sampleChecklist();
    const s = newSessionDoc(cl);
    const id = 'pre-deployment/monitoring/error-rates-monitored';
    s.items[id].probes = [result({ kind: 'prometheus', spec: 'prometheus query=q', itemId: id, metrics: { value: 0.2 } })];
    expect(evaluateRollback(s, cl)).toMatchObject({ sectionId: 'rollback-procedures', itemId: id });
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
