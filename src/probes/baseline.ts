import type { Probe } from './types.js';

/** Placeholder until the baseline probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'baseline probe not built yet', evidence: [] });
