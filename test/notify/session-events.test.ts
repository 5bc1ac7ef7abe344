/** Incidents and sign-off completion are announced at the session's edge, through the wizard store's own actions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/notify.js';
import { eventsOfChange, notifyingSession } from '../../src/notify/session-events.js';
import { createRedactor } from '../../src/secrets/redactor.js';
import { createMemorySession, newSessionDoc } from '../helpers/memory-session.js';
import { makeStore } from '../ui/store-helpers.js';
import { sampleChecklist } from '../ui/fixtures.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';

const SECRET = 'hunter2secret'; // the store helpers' DB_PASSWORD
let answer = 200;
let hook: Webhook;
let url = '';
let bodies: string[] = [];
beforeAll(async () => {
  hook = await startWebhook((_req, res) => res.writeHead(answer).end());
  url = hook.url;
  bodies = hook.bodies;
});
afterAll(() => hook.close());

const fields = (status: string) => ({ status, severity: 'HIGH', impact: `calls dropping (db pw ${SECRET})`, eta: '30 min', actions: 'rolling back' });

describe('notifications from session changes', () => {
  it('incident opened, incident updated (with the template text) and sign-off complete reach the webhook, masked', async () => {
    bodies.length = 0;
    answer = 200;
    const checklist = sampleChecklist();
    const notifier = createNotifier({ url, redact: createRedactor({ DB_PASSWORD: SECRET }, [url]) });
    const session = notifyingSession(createMemorySession(newSessionDoc(checklist)), notifier.notify, checklist);
    const { store } = makeStore({ checklist, deps: { session } });
    await store.getState().saveEmergency(fields('INVESTIGATING'));
    await store.getState().saveEmergency(fields('MONITORING'));
    await store.getState().apply({ type: 'signoff.complete', status: 'ROLLED BACK', notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' });
    await notifier.close(3000);
    const texts = bodies.map((b) => JSON.parse(b).text as string);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/^:warning: deploy-wizard: incident opened in session mem-1\nINCIDENT ALERT/);
    expect(texts[0]).toContain('Status: INVESTIGATING');
    expect(texts[0]).toContain('Severity: HIGH');
    expect(texts[1]).toContain('incident updated in session mem-1');
    expect(texts[1]).toContain('Status: MONITORING');
    expect(texts[2]).toContain('sign-off complete for session mem-1 (production): ROLLED BACK');
    for (const b of bodies) expect(b).not.toContain(SECRET);
  });

  it('a failing webhook changes nothing in the session or the store', async () => {
    answer = 500;
    const checklist = sampleChecklist();
    const notifier = createNotifier({ url, redact: createRedactor({}, [url]), backoffMs: 10 });
    const plain = createMemorySession(newSessionDoc(checklist));
    const wrapped = notifyingSession(plain, notifier.notify, checklist);
    const { store } = makeStore({ checklist, deps: { session: wrapped } });
    await store.getState().saveEmergency(fields('INVESTIGATING'));
    await notifier.close(3000);
    expect(plain.current().incidents).toHaveLength(1);
    expect(store.getState().error).toBeUndefined();
    expect(plain.changes.map((c) => c.type)).toEqual(['incident']);
    expect(notifier.failures).toHaveLength(1);
  });

  it('other changes announce nothing', () => {
    const checklist = sampleChecklist();
    const s = newSessionDoc(checklist);
    expect(eventsOfChange({ type: 'item.note', itemId: 'x', note: 'n' }, s, checklist)).toEqual([]);
    expect(eventsOfChange({ type: 'notify.failed', detail: 'd' }, s, checklist)).toEqual([]);
  });
});
