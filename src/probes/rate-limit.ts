import type { Probe } from './types.js';

/** Placeholder until the rate-limit probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'rate-limit probe not built yet', evidence: [] });
