import type { Probe } from './types.js';

/** Placeholder until the postgres probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'postgres probe not built yet', evidence: [] });
