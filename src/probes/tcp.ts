import type { Probe } from './types.js';

/** Placeholder until the tcp probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'tcp probe not built yet', evidence: [] });
