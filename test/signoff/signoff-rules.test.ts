/** The sign-off rules as the change model applies them (the same function every store uses). */
import { describe, expect, it } from 'vitest';
import { type Change } from '../../src/session/changes.js';
import { SessionSchema, type Session } from '../../src/session/schema.js';
import { DEFAULT_ROLES, sessionFingerprint, signoffPolicy, type SignoffPolicy } from '../../src/session/signoff.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { applyAll, smallChecklist, walkedSession } from '../report/fixtures.js';
import { refusal } from '../session/helpers.js';

const policy: SignoffPolicy = { roles: DEFAULT_ROLES };
/** The policy is the session's (stored from its checklist), never the change's. */
const withPolicy = (s: Session, p: SignoffPolicy): Session => ({ ...s, signoff: { ...s.signoff, policy: p } });
const sign = (s: Session, role: string, who: string, p = policy): Session =>
  applyAll(withPolicy(s, p), [{ type: 'signoff.sign', role, signature: who.toLowerCase(), fingerprint: sessionFingerprint(s) }], 60, who);

describe('sign-off rules', () => {
  it('records the signer as the operator who applies the change, not a typed name', () => {
    const s = applyAll(walkedSession(), [{ type: 'signoff.sign', role: 'Tech Lead', name: 'Somebody Else', signature: 'x', fingerprint: 'f' }], 60, 'Grace');
    expect(s.signoff.signatures).toEqual([expect.objectContaining({ role: 'Tech Lead', name: 'Grace', signature: 'x' })]);
  });

  it('lets a person re-sign their own role (after a change) but refuses a role of someone else and a second role', () => {
    let s = sign(walkedSession(), 'Tech Lead', 'Ada');
    s = sign(s, 'Tech Lead', 'Ada');
    expect(s.signoff.signatures).toHaveLength(1);
    expect(refusal(() => sign(s, 'Tech Lead', 'Grace'))).toBe('Tech Lead is already signed by Ada (2026-11-26 10:00 UTC); only Ada can revoke that signature');
    expect(refusal(() => sign(s, 'Product Owner', 'Ada'))).toMatch(/^Ada already signed Tech Lead: each role needs a different person/);
    expect(refusal(() => sign(s, 'Release Manager', 'Grace'))).toBe(
      '"Release Manager" is not a role of the checklist\'s Sign-off table (Tech Lead, DevOps Engineer, Security Officer, Product Owner)',
    );
  });

  it('allows two roles to one person only where the checklist combines them, and records it', () => {
    const combined = { ...policy, combinable: [['DevOps Engineer', 'Security Officer']] };
    let s = sign(walkedSession(), 'DevOps Engineer', 'Ada', combined);
    s = sign(s, 'Security Officer', 'Ada', combined);
    expect(s.signoff.signatures.find((x) => x.role === 'Security Officer')?.combinedWith).toBe('DevOps Engineer');
    expect(refusal(() => sign(s, 'Tech Lead', 'Ada', combined))).toMatch(/each role needs a different person/);
  });

  it('refuses an independent role to someone who operated the deployment', () => {
    const p = { ...policy, independent: ['Product Owner'] };
    // walkedSession's item changes were made by Ada Lovelace.
    expect(refusal(() => sign(walkedSession(), 'Product Owner', 'Ada Lovelace', p))).toBe(
      'Product Owner must be signed by someone who did not operate the deployment, and Ada Lovelace changed items in this session',
    );
    expect(sign(walkedSession(), 'Product Owner', 'Barbara', p).signoff.signatures[0].name).toBe('Barbara');
  });

  it('reads the policy from the checklist', () => {
    const c = smallChecklist();
    c.signoff = { ...c.signoff, roles: ['A', 'B'], combinable: [['A', 'B']], independent: ['B'] };
    expect(signoffPolicy(c)).toEqual({ roles: ['A', 'B'], combinable: [['A', 'B']], independent: ['B'], statuses: ['SUCCESS', 'FAILED', 'ROLLED BACK'] });
  });

  it('only the signer revokes, as an event', () => {
    const s = sign(walkedSession(), 'Tech Lead', 'Ada');
    expect(refusal(() => applyAll(s, [{ type: 'signoff.revoke', role: 'Tech Lead' }], 70, 'Grace'))).toBe('Tech Lead was signed by Ada; only Ada can revoke it');
    const r = applyAll(s, [{ type: 'signoff.revoke', role: 'Tech Lead', reason: 'wrong build' }], 70, 'Ada');
    expect(r.signoff.signatures).toEqual([]);
    expect(r.events.at(-1)).toMatchObject({ who: 'Ada', what: 'signoff.revoke', detail: 'Tech Lead: wrong build' });
  });

  it('completes only with every role validly signed or an override; then refuses changes until reopened', () => {
    const complete: Change = { type: 'signoff.complete', status: 'FAILED', notes: '', nextSteps: '' };
    let s = walkedSession();
    s = ['Ada', 'Grace', 'Alan', 'Barbara'].reduce((acc, who, i) => sign(acc, DEFAULT_ROLES[i], who), s);
    // A signature voided by a later change counts as unsigned.
    s = applyAll(s, [{ type: 'item.note', itemId: 'docs', note: 'changed' }], 70);
    expect(refusal(() => applyAll(s, [complete], 80))).toBe('cannot complete FAILED: 4 of 4 roles not signed (Tech Lead, DevOps Engineer, Security Officer, Product Owner); give an override reason that covers it');
    s = ['Ada', 'Grace', 'Alan', 'Barbara'].reduce((acc, who, i) => sign(acc, DEFAULT_ROLES[i], who), s);
    s = applyAll(s, [complete], 80, 'Barbara');
    expect(s.status).toBe('completed');
    expect(refusal(() => applyAll(s, [{ type: 'item.state', itemId: 'docs', state: 'failed' }], 81))).toBe(
      'session prod-20261126-0900 was completed by Barbara at 2026-11-26 10:20 UTC (FAILED) and is read-only; reopen it on the sign-off screen (o) to change anything',
    );
    // Moving around is not a change.
    expect(applyAll(s, [{ type: 'cursor', sectionId: 'pre' }], 81).cursor.sectionId).toBe('pre');
    expect(refusal(() => applyAll(s, [{ type: 'signoff.reopen', reason: ' ' }], 82))).toBe('reopening needs a reason: say why the completed session must change');
    s = applyAll(s, [{ type: 'signoff.reopen', reason: 'error rate rose' }], 82, 'Grace');
    s = applyAll(s, [{ type: 'signoff.complete', status: 'ROLLED BACK', notes: '', nextSteps: '', overrideReason: 'rolled back before re-signing' }], 83, 'Grace');
    expect(s.signoff.history?.map((h) => `${h.action} ${h.by} ${h.status ?? h.reason} ${h.overrideReason ?? ''}`.trim())).toEqual([
      'completed Barbara FAILED',
      'reopened Grace error rate rose',
      'completed Grace ROLLED BACK rolled back before re-signing',
    ]);
    const md = renderMarkdown(s, smallChecklist());
    expect(md).toContain('**Read-only**: completed by Grace at 2026-11-26 10:23 UTC');
    expect(md).toContain('| 2026-11-26 10:22 UTC | Grace | reopened |  | error rate rose |');
    expect(md).toContain('| 2026-11-26 10:23 UTC | Grace | completed | ROLLED BACK | override: rolled back before re-signing |');
  });

  it('loads a session file written before sign-off history: its completion becomes the first entry', () => {
    const old = walkedSession();
    const legacy = {
      ...old,
      status: 'completed',
      signoff: { status: 'SUCCESS', notes: '', nextSteps: '', signatures: [{ role: 'Tech Lead', name: 'Ada', signature: 'a', date: '2026-11-26T10:00:00.000Z', fingerprint: 'f' }], completedAt: '2026-11-26T10:05:00.000Z' },
      events: [...old.events, { at: '2026-11-26T10:05:00.000Z', who: 'Grace', what: 'signoff.complete', detail: 'SUCCESS' }],
    };
    const s = SessionSchema.parse(JSON.parse(JSON.stringify(legacy)));
    expect(s.signoff.signatures.map((x) => x.name)).toEqual(['Ada']);
    expect(s.signoff.history).toEqual([{ at: '2026-11-26T10:05:00.000Z', by: 'Grace', action: 'completed', status: 'SUCCESS' }]);
  });
});
