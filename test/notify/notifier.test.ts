/** Notifications against real HTTP endpoints on loopback: delivered, masked, retried, never blocking. */
import { afterEach, describe, expect, it } from 'vitest';
import { checkNotifyUrl } from '../../src/config/config-file.js';
import { createNotifier, messageOf, resolveNotifyTargets } from '../../src/notify/notify.js';
import { createRedactor } from '../../src/secrets/redactor.js';
import { UserError } from '../../src/errors.js';
import { startWebhook, type Webhook } from '../helpers/webhook.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECRET = 'canary-notify-pw-Xq7Lm';
const hooks: Webhook[] = [];
afterEach(async () => {
  for (const h of hooks.splice(0)) await h.close();
});

async function endpoint(answer: Parameters<typeof startWebhook>[0]): Promise<Webhook> {
  const h = await startWebhook(answer, '/services/T000/B000/tokenpart');
  hooks.push(h);
  return h;
}

const redact = (url: string) => createRedactor({ DB_PASSWORD: SECRET }, [url]);

describe('notifier', () => {
  it('posts the Slack incoming-webhook shape {"text": …} as JSON, with secrets masked, for each kind of event', async () => {
    const types: string[] = [];
    const ep = await endpoint((req, res) => {
      types.push(String(req.headers['content-type']));
      res.end('ok');
    });
    const n = createNotifier({ url: ep.url, redact: redact(ep.url) });
    n.notify({ kind: 'session.start', sessionId: 'production-1', environment: 'production', operator: 'Ada' });
    n.notify({ kind: 'criterion.met', criterion: 'Error rate exceeds 5% of requests', verdict: `2 failed measurements (db password ${SECRET})`, environment: 'production' });
    n.notify({ kind: 'incident', action: 'opened', sessionId: 'production-1', text: `Impact: checkout down; DATABASE_URL=postgres://app:${SECRET}@db/app` });
    n.notify({ kind: 'signoff.complete', sessionId: 'production-1', status: 'SUCCESS', environment: 'production' });
    await n.close(3000);
    expect(ep.bodies).toHaveLength(4);
    const texts = ep.bodies.map((b) => {
      const doc = JSON.parse(b);
      expect(Object.keys(doc)).toEqual(['text']);
      return doc.text as string;
    });
    expect(texts[0]).toContain('Ada started deployment session production-1 (production)');
    expect(texts[1]).toContain('rollback criterion met in production: Error rate exceeds 5% of requests');
    expect(texts[2]).toContain('incident opened in session production-1');
    expect(texts[3]).toContain('sign-off complete for session production-1 (production): SUCCESS');
    for (const b of ep.bodies) expect(b).not.toContain(SECRET);
    expect(types.every((t) => t === 'application/json')).toBe(true);
    expect(n.failures).toEqual([]);
  });

  it('a 500 endpoint: retried with backoff, reported once naming only the host, never thrown', async () => {
    const ep = await endpoint(500);
    const shown: string[] = [];
    const logged: string[] = [];
    const n = createNotifier({ url: ep.url, redact: redact(ep.url), backoffMs: 50, onFailure: (line, first) => (logged.push(line), first && shown.push(line)) });
    n.notify({ kind: 'session.start', sessionId: 's', environment: 'e', operator: 'o' });
    n.notify({ kind: 'signoff.complete', sessionId: 's', status: 'FAILED', environment: 'e' });
    await n.close(3000);
    expect(ep.bodies).toHaveLength(6);
    // Backoff: the second attempt waits 50 ms, the third 100 ms.
    const first = ep.times.slice(0, 6).sort((a, b) => a - b);
    expect(first[first.length - 1] - first[0]).toBeGreaterThanOrEqual(100);
    expect(shown).toHaveLength(1);
    expect(logged).toHaveLength(2);
    expect(shown[0]).toMatch(/^notification \((session\.start|signoff\.complete)\) to 127\.0\.0\.1:\d+ not delivered: answered 500$/);
    expect(n.failures.join('\n')).not.toContain('tokenpart');
  });

  it('a hanging endpoint: notify returns before the endpoint has even answered, close() is bounded, the failure is logged', async () => {
    const ep = await endpoint('hang');
    const n = createNotifier({ url: ep.url, redact: redact(ep.url), timeoutMs: 60_000 });
    // notify returns at once: what it hands back (the deliveries, for the record) settles later, and
    // nobody needs to wait on it. It is still pending while the endpoint holds its answer (for ever).
    let settled = false;
    const returned = n.notify({ kind: 'session.start', sessionId: 's', environment: 'e', operator: 'o' });
    void Promise.resolve(returned).then(() => (settled = true));
    // The post is on its way after the call returned: the endpoint receives it, and still has not answered.
    const until = Date.now() + 10_000;
    while (ep.bodies.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(ep.bodies).toHaveLength(1);
    expect(settled).toBe(false);
    expect(n.failures).toEqual([]);
    // close() waits its 300 ms, not the 60 s request timeout nor the endpoint (which never answers).
    const t0 = Date.now();
    await n.close(300);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(n.failures).toHaveLength(1);
    expect(n.failures[0]).toContain('still unsent when the run ended');
  });

  it('URLs: http(s) only, one clear line; --notify wins over the config, whose "notify" is read', async () => {
    expect(() => checkNotifyUrl('nope', '--notify')).toThrow(UserError);
    expect(() => checkNotifyUrl('ftp://x/y', '--notify')).toThrow('--notify: ftp: is not supported: give an http(s):// webhook address');
    const dir = mkdtempSync(join(tmpdir(), 'dw-notify-'));
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ vars: {}, notify: 'http://127.0.0.1:9/hook' }));
    expect(await resolveNotifyTargets(undefined, config)).toEqual([{ url: 'http://127.0.0.1:9/hook' }]);
    expect(await resolveNotifyTargets('http://127.0.0.1:8/x', config)).toEqual([{ url: 'http://127.0.0.1:8/x' }]);
    expect(await resolveNotifyTargets(undefined, undefined)).toEqual([]);
    writeFileSync(config, JSON.stringify({ notify: { stakeholders: 'http://127.0.0.1:9/a', ops: 'http://127.0.0.1:9/b' } }));
    expect(await resolveNotifyTargets(undefined, config)).toEqual([
      { audience: 'stakeholders', url: 'http://127.0.0.1:9/a' },
      { audience: 'ops', url: 'http://127.0.0.1:9/b' },
    ]);
    writeFileSync(config, JSON.stringify({ notify: 5 }));
    await expect(resolveNotifyTargets(undefined, config)).rejects.toThrow('"notify" must be the webhook URL as a string');
    expect(messageOf({ kind: 'incident', action: 'updated', sessionId: 's', text: 'T' })).toBe(':warning: deploy-wizard: incident updated in session s\nT');
  });
});
