/**
 * Team mode (PostgreSQL store) keeps the record of notifications too: ada's
 * wizard sends the stakeholders' announcement to a loopback webhook, the
 * delivery goes through the session core into PostgreSQL, grace's terminal
 * sees it, and her run of the item's probe is judged from that record. The
 * webhook URL (its path stands in for the token) is nowhere in the store.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { createNotifier, deliveryChange } from '../../src/notify/notify.js';
import { announcer } from '../../src/notify/session-events.js';
import { createRedactor } from '../../src/secrets/redactor.js';
import { createPgStore } from '../../src/session/pg-store.js';
import { SessionSchema } from '../../src/session/schema.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';
import { dropSchema, eventLog, pgUrl, storedDoc, uniqueSchema, until } from './helpers.js';

const facts = inject('servers').pg;
const schema = uniqueSchema();
let journalDir: string;
let hook: Webhook;

beforeAll(async () => {
  journalDir = mkdtempSync(join(tmpdir(), 'dw-team-notify-'));
  hook = await startWebhook(200, '/services/T0/B0/teamhooktoken');
});
afterAll(async () => {
  await hook.close();
  await dropSchema(facts, schema);
  rmSync(journalDir, { recursive: true, force: true });
});

const { checklist } = parseChecklist(
  ['# Release', '## Team Communication', '- [ ] Stakeholders notified', '  <!-- probe: session check=notified event=deployment.complete audience=stakeholders -->', ''].join('\n'),
  'release.md',
  validateProbe,
);
const item = checklist.items[0];

describe('notifications on a team session', () => {
  it('the delivery is stored in PostgreSQL through the core; the other terminal judges the item from it; no URL stored', async () => {
    const a = createPgStore(pgUrl(facts), { schema, journalDir });
    const b = createPgStore(pgUrl(facts), { schema, journalDir });
    const init = { environment: 'production', operator: 'ada', checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } };
    const ada = await a.create(init);
    const grace = await b.open(ada.id, 'grace');
    const logging = new Set<Promise<unknown>>();
    const notifier = createNotifier({
      targets: [{ audience: 'stakeholders', url: hook.url }],
      redact: createRedactor({}, [hook.url]),
      onDelivery: (d) => {
        const p: Promise<unknown> = ada.apply(deliveryChange(d)).finally(() => logging.delete(p));
        logging.add(p);
      },
    });
    const wizard = createWizardStore({ checklist, session: ada, runProbes, vars: {}, operator: 'ada', announce: announcer(notifier, () => ada.current(), 'ada', () => Promise.allSettled([...logging])) });
    const graceWizard = createWizardStore({ checklist, session: grace, runProbes, vars: {}, operator: 'grace' });
    try {
      wizard.getState().openSection(item.sectionId, item.id);
      wizard.getState().askAnnounce();
      await wizard.getState().answerAnnounce(true);
      await wizard.getState().flush();
      expect(hook.bodies).toHaveLength(1);
      expect(ada.current().items[item.id].state).toBe('verified');

      const delivered = () => grace.current().events.find((e) => e.what === 'notify.sent');
      await until(() => Boolean(delivered()), 10_000, "grace's terminal to see the delivery");
      expect(delivered()).toMatchObject({ who: 'ada', notification: { event: 'deployment.complete', audience: 'stakeholders', status: 200, host: new URL(hook.url).host } });
      graceWizard.getState().openSection(item.sectionId, item.id);
      await graceWizard.getState().runItemProbes();
      await graceWizard.getState().flush();
      const last = grace.current().items[item.id].probes.at(-1)!;
      expect(last.status).toBe('pass');
      expect(last.summary).toMatch(/delivered to stakeholders .* by ada \(HTTP 200\)/);

      const { doc } = await storedDoc(facts, schema, ada.id);
      expect(SessionSchema.parse(doc).events.filter((e) => e.what === 'notify.sent')).toHaveLength(1);
      const log = JSON.stringify(await eventLog(facts, schema, ada.id));
      expect(log).toContain('"type":"notify.sent"');
      expect(JSON.stringify(doc) + log).not.toContain('teamhooktoken');
    } finally {
      await notifier.close(2000);
      wizard.getState().dispose();
      graceWizard.getState().dispose();
      await ada.close();
      await grace.close();
      await a.end();
      await b.end();
    }
  });
});
