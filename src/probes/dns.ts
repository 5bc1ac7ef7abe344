import type { Probe } from './types.js';

/** Placeholder until the dns probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'dns probe not built yet', evidence: [] });
