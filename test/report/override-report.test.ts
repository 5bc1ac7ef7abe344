/**
 * A completion with an override: the report's "Failures and overrides"
 * section names what was overridden (the unsigned roles and the Final
 * Checklist's reasons), the reason and who gave it, as the sign-off screen
 * said it when the status was chosen.
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession, smallChecklist } from './fixtures.js';

function section(md: string, title: string): string {
  const start = md.indexOf(`## ${title}`);
  return md.slice(start, md.indexOf('\n## ', start + 1));
}

describe('report of a completion with an override', () => {
  it('lists the unsigned roles, the pending items, the reason and who overrode', () => {
    const checklist = smallChecklist();
    let s = emptySession(checklist);
    s = applyAll(s, [{ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(s) }], 1, 'Ada Lovelace');
    s = applyAll(s, [{ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'hotfix, the others sign tomorrow' }], 2, 'Bob Builder');
    const part = section(renderMarkdown(s, checklist), 'Failures and overrides');
    expect(part).toContain('- **Deployment Status override** by Bob Builder at 2026-11-26 09:02 UTC: hotfix, the others sign tomorrow');
    expect(part).toContain('  - overridden: 3 of 4 roles not signed (DevOps Engineer, Security Officer, Product Owner)');
    expect(part).toMatch(/ {2}- overridden: \d+ items are still pending/);
    // The unsigned roles come first: they are what "SUCCESS with 3 unsigned (override)" on the screen was about.
    expect(part.indexOf('roles not signed')).toBeLessThan(part.indexOf('still pending'));
  });

  it('says nothing about roles when every role is signed by the time of the override', () => {
    const checklist = smallChecklist();
    let s = emptySession(checklist);
    const roles = ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'];
    roles.forEach((role, i) => {
      s = applyAll(s, [{ type: 'signoff.sign', role, signature: `s${i}`, fingerprint: sessionFingerprint(s) }], 1 + i, `Person ${i}`);
    });
    s = applyAll(s, [{ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'items verified by hand' }], 9, 'Person 0');
    const part = section(renderMarkdown(s, checklist), 'Failures and overrides');
    expect(part).toContain('override** by Person 0');
    expect(part).not.toContain('roles not signed');
    expect(part).toContain('still pending');
  });
});

describe('report status history', () => {
  it('shows a revoked signature, with who, when and why, in order with the completion', () => {
    const checklist = smallChecklist();
    let s = emptySession(checklist);
    s = applyAll(s, [{ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(s) }], 1, 'Ada Lovelace');
    s = applyAll(s, [{ type: 'signoff.revoke', role: 'Tech Lead', reason: 'wrong build' }], 3, 'Ada Lovelace');
    s = applyAll(s, [{ type: 'signoff.sign', role: 'DevOps Engineer', signature: 'ada', fingerprint: sessionFingerprint(s) }], 4, 'Ada Lovelace');
    s = applyAll(s, [{ type: 'signoff.revoke', role: 'DevOps Engineer' }], 5, 'Ada Lovelace');
    s = applyAll(s, [{ type: 'signoff.complete', status: 'FAILED', notes: '', nextSteps: '', overrideReason: 'nobody signs a failure' }], 6, 'Bob Builder');
    const md = renderMarkdown(s, checklist);
    const history = md.slice(md.indexOf('### Status history'), md.indexOf('### Notes'));
    const rows = history.split('\n').filter((l) => l.startsWith('| 2026'));
    expect(rows).toEqual([
      '| 2026-11-26 09:03 UTC | Ada Lovelace | revoked the Tech Lead signature |  | wrong build |',
      '| 2026-11-26 09:05 UTC | Ada Lovelace | revoked the DevOps Engineer signature |  |  |',
      '| 2026-11-26 09:06 UTC | Bob Builder | completed | FAILED | override: nobody signs a failure |',
    ]);
  });
});
