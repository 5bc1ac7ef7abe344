import type { Probe } from './types.js';

/** Placeholder until the secrets-scan probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'secrets-scan probe not built yet', evidence: [] });
