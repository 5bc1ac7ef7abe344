/**
 * The probe runner: bounded concurrency, a deadline on every probe, one
 * AbortSignal for cancellation, redaction of everything returned.
 * (Contract stub: the implementation lands with the probes issue.)
 */
import type { ProbeSpec } from '../checklist/types.js';
import type { ProbeResult, Vars } from './types.js';

export interface ProbeJob {
  itemId?: string;
  spec: ProbeSpec;
}

export interface RunOptions {
  vars: Vars;
  /** Cancels every running and queued probe. */
  signal?: AbortSignal;
  /** Probes at once (default 8). */
  concurrency?: number;
  /** Deadline per probe when the annotation sets none (default 10 000 ms). */
  defaultTimeoutMs?: number;
  onStart?: (job: ProbeJob) => void;
  onResult?: (result: ProbeResult, job: ProbeJob) => void;
}

/** Run jobs; resolves with one result per job, in job order. Never rejects. */
export async function runProbes(jobs: ProbeJob[], options: RunOptions): Promise<ProbeResult[]> {
  void jobs;
  void options;
  throw new Error('runner not built yet');
}
