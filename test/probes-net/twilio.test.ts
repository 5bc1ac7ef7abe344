import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/twilio.js';
import * as schemas from '../helpers/schemas.js';
import { ctxFor, json, startHttp, type Local } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.twilio.parse(raw);

const ACTIVE = 'AC' + 'a'.repeat(32);
const SUSPENDED = 'AC' + 'b'.repeat(32);
const TOKEN = 'c'.repeat(32);
const HOOK = 'https://calls.example.test';

/** A fake Twilio REST API: two accounts, one token, a few numbers. */
let twilio: Local;
const numbers: Record<string, object> = {
  '+15005550006': { phone_number: '+15005550006', capabilities: { voice: true, sms: true }, voice_url: `${HOOK}/twilio/voice/`, status_callback: `${HOOK}/twilio/status/` },
  '+15005550007': { phone_number: '+15005550007', capabilities: { voice: false, sms: true }, voice_url: null, status_callback: null },
  '+15005550008': { phone_number: '+15005550008', capabilities: { voice: true, sms: true }, voice_url: 'https://old-app.example.test/voice', status_callback: `${HOOK}/twilio/status/` },
};
beforeAll(async () => {
  twilio = await startHttp((req, res) => {
    const auth = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const [sid, token] = auth.split(':');
    const u = new URL(req.url!, 'http://x');
    const m = u.pathname.match(/^\/2010-04-01\/Accounts\/(AC\w+)(\/IncomingPhoneNumbers)?\.json$/);
    if (!m) return json(res, 404, { code: 20404, message: 'The requested resource was not found' });
    if (token !== TOKEN || sid !== m[1]) return json(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    if (!m[2]) return json(res, 200, { sid, friendly_name: 'Call center', status: sid === ACTIVE ? 'active' : 'suspended', type: 'Full' });
    const n = numbers[u.searchParams.get('PhoneNumber') ?? ''];
    return json(res, 200, { incoming_phone_numbers: n ? [n] : [], page: 0 });
  });
});
afterAll(() => twilio.close());

describe('twilio probe against a local fake API', () => {
  it('passes an active account with a number wired to the app', async () => {
    const r = await probe(p({ account_sid: ACTIVE, auth_token: TOKEN, number: '+15005550006', webhook_base: HOOK, api_base: twilio.url }), ctxFor(3000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`Twilio account active; +15005550006 provisioned with voice, webhooks at ${HOOK}`);
    expect(r.evidence.join('\n')).not.toContain(TOKEN);
  });

  it('takes the API base from TWILIO_API_BASE when api_base is left out', async () => {
    const r = await probe(p({ account_sid: ACTIVE, auth_token: TOKEN }), ctxFor(3000, { TWILIO_API_BASE: twilio.url }));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('Twilio account active (Full)');
  });

  it('fails a suspended account', async () => {
    const r = await probe(p({ account_sid: SUSPENDED, auth_token: TOKEN, api_base: twilio.url }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('Twilio account is suspended, not active');
  });

  it('fails on rejected credentials', async () => {
    const r = await probe(p({ account_sid: ACTIVE, auth_token: 'd'.repeat(32), api_base: twilio.url }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('Twilio credentials rejected (401)');
  });

  it('fails a number without voice, and one that is not on the account', async () => {
    const noVoice = await probe(p({ account_sid: ACTIVE, auth_token: TOKEN, number: '+15005550007', api_base: twilio.url }), ctxFor(3000));
    expect(noVoice.status).toBe('fail');
    expect(noVoice.summary).toBe('number +15005550007 has no voice capability');
    const missing = await probe(p({ account_sid: ACTIVE, auth_token: TOKEN, number: '+15005550009', api_base: twilio.url }), ctxFor(3000));
    expect(missing.status).toBe('fail');
    expect(missing.summary).toBe('number +15005550009 is not provisioned on the account');
  });

  it('fails a number whose voice_url points elsewhere', async () => {
    const r = await probe(p({ account_sid: ACTIVE, auth_token: TOKEN, number: '+15005550008', webhook_base: HOOK, api_base: twilio.url }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`voice_url of +15005550008 points to https://old-app.example.test/voice, not ${HOOK}…`);
  });
});
