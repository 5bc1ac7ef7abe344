/**
 * twilio probe: the REST API through undici with basic auth. The account must
 * be active; the optional `number` must be provisioned on it with voice, and
 * its voice_url / status_callback must start with `webhook_base`.
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/twilio.js';
import { describeNetError, hostPort, linkDeadline, firstLine, netFailure } from './toolkit.js';
import { createHttpClient, statusLine, type HttpAnswer } from './net-http.js';

type Params = z.infer<typeof schema>;

const DEFAULT_API = 'https://api.twilio.com';

interface PhoneNumber {
  phone_number?: string;
  capabilities?: { voice?: boolean; sms?: boolean };
  voice_url?: string | null;
  status_callback?: string | null;
}

/** What is wrong with a number's configuration, as sentences (empty when fine). */
function numberProblems(n: PhoneNumber, webhookBase: string | undefined): string[] {
  const problems: string[] = [];
  if (!n.capabilities?.voice) problems.push(`number ${n.phone_number} has no voice capability`);
  if (webhookBase) {
    for (const field of ['voice_url', 'status_callback'] as const) {
      const v = n[field];
      if (!v) problems.push(`${field} of ${n.phone_number} is not set (expected ${webhookBase}…)`);
      else if (!v.startsWith(webhookBase)) problems.push(`${field} of ${n.phone_number} points to ${v}, not ${webhookBase}…`);
    }
  }
  return problems;
}

function parse(a: HttpAnswer): Record<string, unknown> | undefined {
  try {
    return JSON.parse(a.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const probe: Probe<Params> = async (params, ctx): Promise<ProbeOutcome> => {
  const base = (params.api_base ?? ctx.vars.TWILIO_API_BASE ?? DEFAULT_API).replace(/\/+$/, '');
  let where: string;
  try {
    where = hostPort(new URL(base));
  } catch {
    return { status: 'error', summary: `Twilio API base ${base} is not a valid URL`, evidence: [] };
  }
  const accountPath = `/2010-04-01/Accounts/${encodeURIComponent(params.account_sid)}`;
  const headers = {
    authorization: 'Basic ' + Buffer.from(`${params.account_sid}:${params.auth_token}`).toString('base64'),
    accept: 'application/json',
  };
  const deadline = linkDeadline(ctx);
  let client: Awaited<ReturnType<typeof createHttpClient>> | undefined;
  const evidence: string[] = [];
  try {
    client = await createHttpClient({});
    const acc = await client.call(`${base}${accountPath}.json`, { headers, maxBody: 64 * 1024 }, deadline.signal);
    evidence.push(`GET ${accountPath}.json → ${statusLine(acc.status)}`);
    if (acc.status === 401 || acc.status === 403) return { status: 'fail', summary: `Twilio credentials rejected (${acc.status})`, evidence };
    if (acc.status === 404) return { status: 'fail', summary: 'Twilio account not found (404)', evidence };
    const account = parse(acc);
    if (acc.status !== 200 || !account) return { status: 'error', summary: `Twilio API answered ${acc.status}${account ? '' : ' without JSON'}`, evidence };
    evidence.push(`account: ${firstLine(String(account.friendly_name ?? '?'), 80)}, status=${account.status}, type=${account.type ?? '?'}`);
    if (account.status !== 'active') return { status: 'fail', summary: `Twilio account is ${account.status ?? 'in an unknown state'}, not active`, evidence };
    if (!params.number) return { status: 'pass', summary: `Twilio account active (${account.type ?? 'unknown type'})`, evidence };

    const numUrl = `${base}${accountPath}/IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(params.number)}`;
    const nums = await client.call(numUrl, { headers, maxBody: 256 * 1024 }, deadline.signal);
    evidence.push(`GET ${accountPath}/IncomingPhoneNumbers.json?PhoneNumber=${params.number} → ${statusLine(nums.status)}`);
    const list = parse(nums)?.incoming_phone_numbers;
    if (nums.status !== 200 || !Array.isArray(list)) return { status: 'error', summary: `Twilio API answered ${nums.status} listing phone numbers`, evidence };
    const n = (list as PhoneNumber[]).find((x) => x.phone_number === params.number);
    if (!n) return { status: 'fail', summary: `number ${params.number} is not provisioned on the account`, evidence };
    evidence.push(`number ${n.phone_number}: voice=${Boolean(n.capabilities?.voice)}, voice_url=${n.voice_url ?? '(unset)'}, status_callback=${n.status_callback ?? '(unset)'}`);
    const problems = numberProblems(n, params.webhook_base);
    if (problems.length) return { status: 'fail', summary: problems.join('; '), evidence };
    const hooks = params.webhook_base ? `, webhooks at ${params.webhook_base}` : '';
    return { status: 'pass', summary: `Twilio account active; ${params.number} provisioned with voice${hooks}`, evidence };
  } catch (err) {
    return netFailure(`Twilio API ${base}: ${describeNetError(err, where, deadline)}`, deadline, evidence);
  } finally {
    deadline.dispose();
    await client?.close();
  }
};
