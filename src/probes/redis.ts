import type { Probe } from './types.js';

/** Placeholder until the redis probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'redis probe not built yet', evidence: [] });
