/**
 * webhook-signature probe: proves the app validates X-Twilio-Signature. It
 * POSTs a plausible voice webhook twice: once with a forged signature (must be
 * answered with `forged_status`, 403 by default) and once signed with the
 * real auth token (must be accepted with `signed_status`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/webhook-signature.js';
import { statusMatches } from './params.js';
import { describeNetError, urlWhere, linkDeadline, netFailure } from './toolkit.js';
import { statusLine, lookingPastTls } from './net-http.js';

type Params = z.infer<typeof schema>;

/**
 * Twilio's request signature: base64(HMAC-SHA1(authToken, url + each POST
 * parameter's name and value, sorted by name)). Repeated names contribute
 * each value, sorted.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    for (const value of Array.isArray(v) ? [...v].sort() : [v]) data += key + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * A voice webhook body like Twilio's, marked as a probe so app logs show what
 * it was. `Timestamp` (epoch seconds, `now`) is there because Django-Twilio-Call
 * rejects a signed request without a fresh one (django_twilio_call/security.py,
 * WebhookValidator.validate_timestamp: within 300 s, never replayed).
 */
export function probeCallParams(now = Date.now()): Record<string, string> {
  const hex = randomBytes(16).toString('hex');
  return {
    AccountSid: 'AC' + '0'.repeat(32),
    ApiVersion: '2010-04-01',
    CallSid: 'CA' + hex,
    CallStatus: 'ringing',
    Called: '+15005550006',
    Caller: '+15005550001',
    Direction: 'inbound',
    From: '+15005550001',
    Timestamp: String(Math.floor(now / 1000)),
    To: '+15005550006',
  };
}

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  const parsed = urlWhere(params.url);
  if ('outcome' in parsed) return parsed.outcome;
  const { where } = parsed;
  const deadline = linkDeadline(ctx);
  const client = await createHttpClient({});
  const body = probeCallParams();
  const form = new URLSearchParams(body).toString();
  const headers = (sig: string) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig, 'user-agent': 'TwilioProxy/1.1 (deploy-wizard probe)' });
  try {
    // A well-formed but wrong signature: what an attacker without the token can send.
    const forgedSig = createHmac('sha1', randomBytes(20)).update(params.url).digest('base64');
    const forged = await client.call(params.url, { method: 'POST', headers: headers(forgedSig), body: form, maxBody: 4096 }, deadline.signal);
    const signed = await client.call(params.url, { method: 'POST', headers: headers(twilioSignature(params.auth_token, params.url, body)), body: form, maxBody: 4096 }, deadline.signal);
    const evidence = [`forged signature → ${statusLine(forged.status)}`, `valid signature → ${statusLine(signed.status)}`];
    if (forged.status >= 200 && forged.status < 300 && !statusMatches(params.forged_status, forged.status)) {
      return { status: 'fail', summary: `forged signature accepted with ${forged.status}: webhook validation is off`, evidence };
    }
    if (!statusMatches(params.forged_status, forged.status)) {
      return { status: 'fail', summary: `forged signature answered ${forged.status} (expected ${params.forged_status})`, evidence };
    }
    if (!statusMatches(params.signed_status, signed.status)) {
      return {
        status: 'fail',
        summary: `correctly signed request answered ${signed.status} (expected ${params.signed_status}): the app's auth token or its view of the URL differs`,
        evidence,
      };
    }
    return { status: 'pass', summary: `forged signature rejected with ${forged.status}; signed request accepted with ${signed.status}`, evidence };
  } catch (err) {
    return netFailure(`POST ${params.url}: ${describeNetError(err, where, deadline)}`, deadline);
  } finally {
    deadline.dispose();
    await client.close();
  }
});
