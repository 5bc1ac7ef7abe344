import type { Probe } from './types.js';

/** Placeholder until the prometheus probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'prometheus probe not built yet', evidence: [] });
