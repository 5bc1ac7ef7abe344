/**
 * Probe jobs: the runner's input, built one way for the wizard and `check`
 * (part of the runner entry, without the runner's weight: the wizard's first
 * frame does not load the runner).
 */
import type { Item, ProbeSpec } from '../checklist/types.js';

export interface ProbeJob {
  itemId?: string;
  spec: ProbeSpec;
}

/** One job per probe of these items, in their order. */
export function probeJobs(items: readonly Pick<Item, 'id' | 'probes'>[]): ProbeJob[] {
  return items.flatMap((it) => it.probes.map((spec) => ({ itemId: it.id, spec })));
}
