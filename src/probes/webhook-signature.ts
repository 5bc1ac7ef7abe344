import type { Probe } from './types.js';

/** Placeholder until the webhook-signature probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'webhook-signature probe not built yet', evidence: [] });
