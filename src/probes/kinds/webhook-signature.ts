/** The `webhook-signature` probe kind: its parameters, its doc row and what it loads lazily (./webhook-signature.ts, undici). */
import * as z from 'zod';
import { statusList, str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** The app's Twilio webhook URL, e.g. ${TWILIO_WEBHOOK_BASE_URL}/webhooks/voice/. */
  url,
  auth_token: str,
  /** Status the app must answer a forged signature with. */
  forged_status: statusList.default('403'),
  /** Status that counts as accepting the signed request. */
  signed_status: statusList.default('200-299'),
});

export const kind = defineKind({
  name: 'webhook-signature',
  params,
  doc: { library: 'undici + node:crypto', checks: 'Forged X-Twilio-Signature rejected, signed request accepted' },
  proves: 'the webhook rejects a forged X-Twilio-Signature (403) and accepts a correctly signed request',
  load: () => import('../webhook-signature.js').then((m) => m.probe),
  library: () => import('undici'),
});
