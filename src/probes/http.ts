import type { Probe } from './types.js';

/** Placeholder until the http probe is built. */
export const probe: Probe = async () => ({ status: 'error', summary: 'http probe not built yet', evidence: [] });
