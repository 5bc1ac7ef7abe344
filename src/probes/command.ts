import type { Probe } from './types.js';

/** Placeholder until the command probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'command probe not built yet', evidence: [] });
