import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, probeCallParams, twilioSignature } from '../../src/probes/webhook-signature.js';
import * as schemas from '../helpers/schemas.js';
import { ctxFor, startHttp, type Local } from './helpers/local.js';

const p = (raw: Record<string, string>) => schemas.webhookSignature.parse(raw);
const TOKEN = '0123456789abcdef0123456789abcdef';

describe('twilioSignature', () => {
  it("matches Twilio's published test vector", () => {
    const sig = twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    });
    expect(sig).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('does not depend on parameter order but does on every value', () => {
    const a = twilioSignature('12345', 'https://x/y', { b: '2', a: '1' });
    expect(twilioSignature('12345', 'https://x/y', { a: '1', b: '2' })).toBe(a);
    expect(twilioSignature('12345', 'https://x/y', { a: '1', b: '3' })).not.toBe(a);
    expect(twilioSignature('12346', 'https://x/y', { a: '1', b: '2' })).not.toBe(a);
  });
});

/** A webhook endpoint that validates like twilio's RequestValidator would. */
function validating(base: () => string) {
  return startHttp((req, res, body) => {
    const url = base() + req.url;
    const params = Object.fromEntries(new URLSearchParams(body));
    const ok = req.headers['x-twilio-signature'] === twilioSignature(TOKEN, url, params);
    res.writeHead(ok ? 200 : 403, { 'content-type': 'text/xml' });
    res.end(ok ? '<Response><Say>ok</Say></Response>' : 'Forbidden');
  });
}

let strict: Local, open: Local, broken: Local;
beforeAll(async () => {
  strict = await validating(() => strict.url);
  open = await startHttp((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end('<Response/>');
  });
  broken = await startHttp((_req, res) => {
    res.writeHead(500);
    res.end('Server Error');
  });
});
afterAll(() => Promise.all([strict.close(), open.close(), broken.close()]));

describe('probeCallParams', () => {
  it('carries a Timestamp in epoch seconds, which the app requires fresh (WebhookValidator.validate_timestamp)', () => {
    const body = probeCallParams(Date.UTC(2030, 0, 1, 0, 0, 0, 999));
    expect(body.Timestamp).toBe(String(Date.UTC(2030, 0, 1) / 1000));
    expect(probeCallParams().CallSid).not.toBe(probeCallParams().CallSid);
  });
});

describe('webhook-signature probe', () => {
  it('passes when the app rejects a forged signature and accepts a valid one', async () => {
    const r = await probe(p({ url: `${strict.url}/twilio/voice/`, auth_token: TOKEN }), ctxFor(3000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('forged signature rejected with 403; signed request accepted with 200');
    expect(strict.hits()).toBe(2);
  });

  it('fails when the app accepts anything', async () => {
    const r = await probe(p({ url: `${open.url}/twilio/voice/`, auth_token: TOKEN }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('forged signature accepted with 200: webhook validation is off');
  });

  it('fails when the app does not know the same auth token', async () => {
    const r = await probe(p({ url: `${strict.url}/twilio/voice/`, auth_token: 'ffffffffffffffffffffffffffffffff' }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^correctly signed request answered 403 \(expected 200-299\)/);
  });

  it('fails when a forged request gets an unexpected status', async () => {
    const r = await probe(p({ url: `${broken.url}/twilio/voice/`, auth_token: TOKEN }), ctxFor(3000));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('forged signature answered 500 (expected 403)');
  });
});
