import type { Probe } from './types.js';

/** Placeholder until the twilio probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'twilio probe not built yet', evidence: [] });
