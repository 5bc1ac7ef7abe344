/**
 * `a` on an item: the announcement its `session check=notified` probe looks for
 * goes to the audience it names (loopback webhooks in Slack's incoming-webhook
 * shape), each target's answer is recorded in the session through the core
 * (notify.sent / notify.failed: kind, audience, host, status, text; never the
 * URL), and the item's probe then judges that record: delivered → verified,
 * answered 500 → failed with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { createNotifier, deliveryChange, type Notifier } from '../../src/notify/notify.js';
import { announcer, notifyingSession } from '../../src/notify/session-events.js';
import { createRedactor } from '../../src/secrets/redactor.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { renderReportBody } from '../../src/report/markdown.js';
import { createMemorySession, newSessionDoc, type MemorySession } from '../helpers/memory-session.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';

const SECRET = 'hunter2secret';
const { checklist } = parseChecklist(
  [
    '# Release',
    '## Team Communication',
    '- [ ] Stakeholders notified',
    '  <!-- probe: session check=notified event=deployment.complete audience=stakeholders -->',
    '- [ ] Post-deployment review scheduled',
    '## Immediate Notifications',
    '- [ ] Alert operations team',
    '  <!-- probe: session check=notified event=rollback audience=ops -->',
    '- [ ] Communicate ETA for resolution',
    '  <!-- probe: session check=notified event=rollback,incident audience=stakeholders with=eta -->',
    '',
  ].join('\n'),
  'release.md',
  validateProbe,
);
const [stakeholdersItem, reviewItem, opsItem, etaItem] = checklist.items;

let stakeholders: Webhook;
let ops: Webhook;
beforeAll(async () => {
  stakeholders = await startWebhook(200, '/services/T0/B0/stakeholdertoken');
  ops = await startWebhook(500, '/services/T0/B1/opstoken');
});
afterAll(async () => {
  await stakeholders.close();
  await ops.close();
});

function setup(): { session: MemorySession; notifier: Notifier; store: ReturnType<typeof createWizardStore> } {
  const plain = createMemorySession(newSessionDoc(checklist));
  const logging = new Set<Promise<unknown>>();
  const notifier = createNotifier({
    targets: [
      { audience: 'stakeholders', url: stakeholders.url },
      { audience: 'ops', url: ops.url },
    ],
    redact: createRedactor({ DB_PASSWORD: SECRET }, [stakeholders.url, ops.url]),
    backoffMs: 10,
    onDelivery: (d) => {
      const p: Promise<unknown> = plain.apply(deliveryChange(d)).finally(() => logging.delete(p));
      logging.add(p);
    },
  });
  const session = notifyingSession(plain, notifier.notify, checklist);
  const store = createWizardStore({
    checklist,
    session,
    runProbes,
    vars: { DB_PASSWORD: SECRET },
    operator: 'alice',
    announce: announcer(notifier, () => plain.current(), 'alice', () => Promise.allSettled([...logging])),
  });
  return { session: plain, notifier, store };
}

const item = (s: MemorySession, id: string) => s.current().items[id];

describe('announcements sent from an item, recorded, and judged from the record', () => {
  it('delivered to the stakeholders: the exact text is shown first, the record has who/when/host/status, the item is verified by its probe', async () => {
    const { session, notifier, store } = setup();
    store.getState().openSection(stakeholdersItem.sectionId, stakeholdersItem.id);
    // Nothing recorded yet: the probe says nothing was sent.
    await store.getState().runItemProbes();
    expect(item(session, stakeholdersItem.id).state).toBe('failed');
    expect(item(session, stakeholdersItem.id).probes[0].summary).toMatch(/no deployment\.complete notification delivered to stakeholders in this session/);

    store.getState().askAnnounce();
    const asked = store.getState().announcing!;
    expect(store.getState().screen).toBe('announce');
    expect(asked.targets).toEqual([`stakeholders (${new URL(stakeholders.url).host})`]);
    expect(asked.text).toMatch(/^:white_check_mark: deploy-wizard: deployment to production complete \(session mem-1\): \d+\/4 checklist items settled, 1 failed; sign-off to follow\. Sent by alice\.$/);
    expect(stakeholders.bodies).toHaveLength(0);

    const before = stakeholders.bodies.length;
    await store.getState().answerAnnounce(true);
    expect(stakeholders.bodies.length - before).toBe(1);
    expect(JSON.parse(stakeholders.bodies.at(-1)!)).toEqual({ text: asked.text });
    expect(ops.bodies).toHaveLength(0);

    const sent = session.current().events.filter((e) => e.what === 'notify.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ who: 'alice', itemId: stakeholdersItem.id, notification: { event: 'deployment.complete', audience: 'stakeholders', host: new URL(stakeholders.url).host, status: 200, text: asked.text } });
    expect(item(session, stakeholdersItem.id).state).toBe('verified');
    expect(item(session, stakeholdersItem.id).probes[0].summary).toMatch(/^deployment\.complete notification delivered to stakeholders \(127\.0\.0\.1:\d+\) .* by alice \(HTTP 200\)$/);
    expect(store.getState().notice).toMatch(/delivered to stakeholders/);
    await notifier.close(3000);
  });

  it('n leaves it unsent: nothing posted, nothing recorded as sent', async () => {
    const { session, notifier, store } = setup();
    const before = stakeholders.bodies.length;
    store.getState().openSection(stakeholdersItem.sectionId, stakeholdersItem.id);
    store.getState().askAnnounce();
    await store.getState().answerAnnounce(false);
    expect(stakeholders.bodies.length).toBe(before);
    expect(session.current().events.some((e) => e.what === 'notify.sent')).toBe(false);
    expect(store.getState().screen).toBe('section');
    await notifier.close(3000);
  });

  it('an item without an announcement says so; nothing is sent', () => {
    const { store } = setup();
    store.getState().openSection(reviewItem.sectionId, reviewItem.id);
    store.getState().askAnnounce();
    expect(store.getState().screen).toBe('section');
    expect(store.getState().error).toMatch(/^this item sends no announcement/);
  });

  it('the ops webhook answers 500: recorded as not delivered, the item fails with that reason', async () => {
    const { session, notifier, store } = setup();
    store.getState().openSection(opsItem.sectionId, opsItem.id);
    store.getState().askAnnounce();
    expect(store.getState().announcing!.text).toMatch(/rolling back production \(session mem-1\)\. No incident recorded yet\. Sent by alice\./);
    await store.getState().answerAnnounce(true);
    expect(ops.bodies.length).toBeGreaterThanOrEqual(1);
    const failed = session.current().events.filter((e) => e.what === 'notify.failed');
    expect(failed.at(-1)).toMatchObject({ notification: { event: 'rollback', audience: 'ops', status: 500, error: 'answered 500' } });
    expect(item(session, opsItem.id).state).toBe('failed');
    expect(item(session, opsItem.id).probes[0].summary).toMatch(/^rollback notification to ops not delivered: ops \(127\.0\.0\.1:\d+\) answered 500 /);
    expect(store.getState().error).toMatch(/rollback not delivered to ops/);
    await notifier.close(3000);
  });

  it('the ETA: a rollback message without one does not prove it; the incident with an ETA, sent to every target, does', async () => {
    const { session, notifier, store } = setup();
    store.getState().openSection(etaItem.sectionId, etaItem.id);
    store.getState().askAnnounce();
    expect(store.getState().announcing!.targets).toEqual([`stakeholders (${new URL(stakeholders.url).host})`]);
    await store.getState().answerAnnounce(true);
    expect(item(session, etaItem.id).state).toBe('failed');
    expect(item(session, etaItem.id).probes[0].summary).toMatch(/gave no ETA for resolution/);

    await store.getState().saveEmergency({ status: 'IDENTIFIED', severity: 'HIGH', impact: `calls dropping (db pw ${SECRET})`, eta: '30 min', actions: 'rolling back' });
    await notifier.close(3000);
    const incidentSent = session.current().events.filter((e) => e.what === 'notify.sent' && e.notification?.event === 'incident');
    expect(incidentSent.map((e) => e.notification!.audience)).toEqual(['stakeholders']);
    store.getState().openSection(etaItem.sectionId, etaItem.id);
    await store.getState().runItemProbes();
    expect(item(session, etaItem.id).state).toBe('verified');
    expect(item(session, etaItem.id).probes[0].summary).toMatch(/^incident notification delivered to stakeholders .*, ETA 30 min$/);
  });

  it('no webhook URL, token or secret in the session or the report; the report lists each notification with its answer', async () => {
    const { session, notifier, store } = setup();
    store.getState().openSection(opsItem.sectionId, opsItem.id);
    store.getState().askAnnounce();
    await store.getState().answerAnnounce(true);
    await store.getState().saveEmergency({ status: 'IDENTIFIED', severity: 'HIGH', impact: `db pw ${SECRET}`, eta: '1 h', actions: 'rollback' });
    await notifier.close(3000);
    const doc = JSON.stringify(session.current());
    const report = renderReportBody(session.current(), checklist, { vars: { DB_PASSWORD: SECRET } });
    for (const text of [doc, report]) {
      expect(text).not.toContain('stakeholdertoken');
      expect(text).not.toContain('opstoken');
      expect(text).not.toContain(SECRET);
    }
    expect(report).toContain('## Notifications');
    expect(report).toMatch(/\| rollback: .* \| ops \(127\.0\.0\.1:\d+\) \| not delivered: answered 500 \| Alert operations team \|/);
    expect(report).toMatch(/\| incident: .* \| stakeholders \(127\.0\.0\.1:\d+\) \| delivered \(HTTP 200\) \|/);
  });
});
