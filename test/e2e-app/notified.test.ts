/**
 * The shipped checklist's notification items, walked in the wizard's store
 * with the real runner: each item's announcement is sent with `a` to its
 * audience (loopback webhooks speaking Slack's incoming-webhook shape, one per
 * audience as the config names them) and each item is judged from what the
 * session recorded. Healthy: all seven verified. One fault: the ops webhook
 * answers 500 → exactly "Alert operations team" red, with that reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { createNotifier, deliveryChange } from '../../src/notify/notify.js';
import { announcer, notifyingSession } from '../../src/notify/session-events.js';
import { createRedactor } from '../../src/secrets/redactor.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { createMemorySession, newSessionDoc } from '../helpers/memory-session.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';
import { NOTIFIED_ITEMS } from './staging.js';

const file = 'checklists/django-twilio-call.md';
const { checklist, problems } = parseChecklist(readFileSync(file, 'utf8'), file, validateProbe);

const byText = (text: string) => checklist.items.find((i) => i.text === text)!;

const hooks: Record<string, Webhook> = {};
let opsAnswer = 200;
beforeAll(async () => {
  hooks.stakeholders = await startWebhook(200, '/services/T0/B0/stakeholders-token');
  hooks.ops = await startWebhook((_req, res) => res.writeHead(opsAnswer).end('x'), '/services/T0/B1/ops-token');
  hooks.support = await startWebhook(200, '/services/T0/B2/support-token');
});
afterAll(async () => {
  for (const h of Object.values(hooks)) await h.close();
});

async function walk() {
  const plain = createMemorySession(newSessionDoc(checklist));
  const logging = new Set<Promise<unknown>>();
  const urls = Object.values(hooks).map((h) => h.url);
  const notifier = createNotifier({
    targets: Object.entries(hooks).map(([audience, h]) => ({ audience, url: h.url })),
    redact: createRedactor({}, urls),
    backoffMs: 10,
    onDelivery: (d) => {
      const p: Promise<unknown> = plain.apply(deliveryChange(d)).finally(() => logging.delete(p));
      logging.add(p);
    },
  });
  const session = notifyingSession(plain, notifier.notify, checklist);
  const store = createWizardStore({ checklist, session, runProbes, vars: {}, operator: 'ada', announce: announcer(notifier, () => plain.current(), 'ada', () => Promise.allSettled([...logging])) });
  // The rollback's ETA comes from the incident on record.
  await store.getState().saveEmergency({ status: 'IDENTIFIED', severity: 'HIGH', impact: 'calls drop after 30 s', eta: '30 min', actions: 'rolling back to the previous image' });
  for (const text of NOTIFIED_ITEMS) {
    const item = byText(text);
    store.getState().openSection(item.sectionId, item.id);
    store.getState().askAnnounce();
    expect(store.getState().screen, text).toBe('announce');
    await store.getState().answerAnnounce(true);
  }
  await notifier.close(3000);
  store.getState().dispose();
  const doc = plain.current();
  return { doc, state: (text: string) => doc.items[byText(text).id] };
}

describe('the notification items of the shipped checklist', () => {
  it('carry a notified probe each, and validate', () => {
    expect(problems).toEqual([]);
    for (const text of NOTIFIED_ITEMS) expect(byText(text).probes.map((p) => `${p.kind} ${String(p.params.check)}`), text).toEqual(['session notified']);
  });

  it('healthy: each announcement delivered to its audience, all seven verified from the record; no webhook URL recorded', async () => {
    opsAnswer = 200;
    const { doc, state } = await walk();
    for (const text of NOTIFIED_ITEMS) expect([text, state(text).state, state(text).probes.at(-1)!.status]).toEqual([text, 'verified', 'pass']);
    expect(state('Communicate ETA for resolution').probes.at(-1)!.summary).toMatch(/ETA 30 min/);
    expect(JSON.stringify(doc)).not.toMatch(/-token/);
  });

  it('the ops webhook answers 500: exactly "Alert operations team" is red, with the answer as its reason', async () => {
    opsAnswer = 500;
    const { state } = await walk();
    const red = NOTIFIED_ITEMS.filter((t) => state(t).state !== 'verified');
    expect(red).toEqual(['Alert operations team']);
    expect(state('Alert operations team').state).toBe('failed');
    expect(state('Alert operations team').probes.at(-1)!.summary).toMatch(/^rollback notification to ops not delivered: ops \(127\.0\.0\.1:\d+\) answered 500 /);
  });
});
