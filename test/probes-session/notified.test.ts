/**
 * `session check=notified`: judged from the notify.sent / notify.failed
 * events the session core records (applyChange), the way the wizard's
 * notifier records each target's answer. Pure: no webhook here (the
 * announce test in test/notify/ sends real ones on loopback).
 */
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { applyChange, ChangeRefused, type Change, type Notification } from '../../src/session/changes.js';
import type { Session } from '../../src/session/schema.js';
import { newSessionDoc } from '../helpers/memory-session.js';

const { checklist, problems } = parseChecklist(
  [
    '# Release',
    '## Team Communication',
    '- [ ] Stakeholders notified',
    '  <!-- probe: session check=notified event=deployment.complete audience=stakeholders -->',
    '- [ ] Deployment completion communicated',
    '  <!-- probe: session check=notified event=deployment.complete -->',
    '- [ ] Communicate ETA for resolution',
    '  <!-- probe: session check=notified event=rollback,incident audience=stakeholders with=eta -->',
    '',
  ].join('\n'),
  'release.md',
  validateProbe,
);
const [stakeholders, communicated, eta] = checklist.items;

let clock = Date.parse('2026-11-26T10:00:00.000Z');
const apply = (s: Session, ...changes: Change[]) => changes.reduce((doc, c) => applyChange(doc, c, { who: 'alice', at: new Date((clock += 1000)).toISOString() }), s);
const judge = async (session: Session | undefined, item: (typeof checklist.items)[number]) =>
  (await runProbes([{ itemId: item.id, spec: item.probes[0] }], { vars: {}, ...(session ? { session } : {}) }))[0];
const note = (over: Partial<Notification>): Notification => ({ event: 'deployment.complete', host: 'hooks.slack.test', status: 200, text: ':white_check_mark: deploy-wizard: deployment to production complete', ...over });
const sent = (over: Partial<Notification>): Change => ({ type: 'notify.sent', notification: note(over) });
const failed = (over: Partial<Notification>): Change => ({ type: 'notify.failed', detail: 'notification not delivered', notification: note({ status: 500, error: 'answered 500', ...over }) });

describe('session check=notified', () => {
  it('the annotations validate; a kind of message the tool does not send is a checklist problem', () => {
    expect(problems).toEqual([]);
    const bad = parseChecklist('# R\n## S\n- [ ] x\n  <!-- probe: session check=notified event=carrier-pigeon -->\n', 'bad.md', validateProbe).problems;
    expect(bad.map((p) => p.message).join('\n')).toMatch(/event/);
  });

  it('without a session it cannot judge', async () => {
    expect(await judge(undefined, stakeholders)).toMatchObject({ status: 'inconclusive', reason: 'cannot-judge-here' });
  });

  it('nothing sent: fails, and says how to send it', async () => {
    expect(await judge(newSessionDoc(checklist), stakeholders)).toMatchObject({ status: 'fail', summary: 'no deployment.complete notification delivered to stakeholders in this session (send it: a on this item)' });
  });

  it('delivered to the named audience: passes, naming where, when, by whom and the answer', async () => {
    const s = apply(newSessionDoc(checklist), sent({ audience: 'stakeholders' }));
    expect(await judge(s, stakeholders)).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^deployment\.complete notification delivered to stakeholders \(hooks\.slack\.test\) 2026-11-26T10:00:\d\d\.000Z by alice \(HTTP 200\)$/) });
    // Any target will do where the item names no audience.
    expect((await judge(s, communicated)).status).toBe('pass');
  });

  it('delivered only to another audience, or a failure recorded: fails with the recorded reason', async () => {
    const toOps = apply(newSessionDoc(checklist), sent({ audience: 'ops' }));
    expect((await judge(toOps, stakeholders)).status).toBe('fail');
    const lost = apply(newSessionDoc(checklist), failed({ audience: 'stakeholders' }));
    expect(await judge(lost, stakeholders)).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^deployment\.complete notification to stakeholders not delivered: stakeholders \(hooks\.slack\.test\) answered 500 /) });
    // A later delivery is what happened in the end.
    expect((await judge(apply(lost, sent({ audience: 'stakeholders' })), stakeholders)).status).toBe('pass');
  });

  it('delivered to a webhook with no audience (the one-URL form): the record cannot tell who read it', async () => {
    const s = apply(newSessionDoc(checklist), sent({}));
    expect(await judge(s, stakeholders)).toMatchObject({ status: 'inconclusive', reason: 'no-data', summary: expect.stringMatching(/a webhook with no audience: the record cannot tell that it reached stakeholders \(name it in --config: "notify": \{"stakeholders": URL\}\)$/) });
  });

  it('with=eta: a message without an ETA fails; one with it passes', async () => {
    const without = apply(newSessionDoc(checklist), sent({ event: 'rollback', audience: 'stakeholders' }));
    expect(await judge(without, eta)).toMatchObject({ status: 'fail', summary: expect.stringMatching(/gave no ETA for resolution/) });
    const withEta = apply(without, sent({ event: 'incident', audience: 'stakeholders', eta: '30 min' }));
    expect(await judge(withEta, eta)).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^incident notification delivered to stakeholders .*, ETA 30 min$/) });
  });

  it('the core records deliveries also on a completed session (the completion message is answered after completion); a failure is never recorded as sent', () => {
    const done = apply(newSessionDoc(checklist), { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'test fixture: no sign-off' });
    const after = apply(done, sent({ event: 'signoff.complete', audience: 'stakeholders' }));
    expect(after.events.at(-1)).toMatchObject({ what: 'notify.sent', detail: 'signoff.complete to stakeholders at hooks.slack.test: delivered (HTTP 200)' });
    expect(() => apply(done, { type: 'item.note', itemId: stakeholders.id, note: 'x' })).toThrow(ChangeRefused);
    expect(() => apply(newSessionDoc(checklist), { type: 'notify.sent', notification: note({ error: 'answered 500' }) })).toThrow(/recorded as notify\.failed/);
  });
});
