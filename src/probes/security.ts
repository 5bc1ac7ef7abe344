import type { Probe } from './types.js';

/** Placeholder until the security probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'security probe not built yet', evidence: [] });
