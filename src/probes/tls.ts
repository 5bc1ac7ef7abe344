import type { Probe } from './types.js';

/** Placeholder until the tls probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'tls probe not built yet', evidence: [] });
