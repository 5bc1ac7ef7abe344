/** The `twilio` probe kind: its parameters, its doc row and what it loads lazily (./twilio.ts, undici). */
import * as z from 'zod';
import { str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  account_sid: str,
  auth_token: str,
  /** A phone number (E.164) that must be provisioned on the account with voice. */
  number: str.optional(),
  /** The number's voice_url / status_callback must start with this (the app's webhook base). */
  webhook_base: str.optional(),
  /** API base; the TWILIO_API_BASE variable or https://api.twilio.com. */
  api_base: url.optional(),
});

export const kind = defineKind({
  name: 'twilio',
  params,
  doc: { library: 'undici', checks: 'Twilio account active, number provisioned with voice, webhook URLs' },
  proves: 'the Twilio account is active and the number is provisioned with voice and webhooks pointing at the app',
  load: () => import('../twilio.js').then((m) => m.probe),
  library: () => import('undici'),
});
