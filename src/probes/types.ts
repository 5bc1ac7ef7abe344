/** The probe vocabulary shared by the runner, the store, the UI and reports. */

import type { ProbeReason, ProbeStatus } from './verdict.js';

export type { ProbeReason, ProbeStatus } from './verdict.js';

/** Resolved variables: name → value. Secret-looking names are masked everywhere. */
export type { Vars } from '../config/vars.js';
import type { Vars } from '../config/vars.js';
import type { Session } from '../session/schema.js';

/**
 * What a probe may read of the session it runs in: a frozen copy, taken when
 * the run starts (the `session` kind judges the tool's own record from it).
 */
export interface SessionView {
  session: Readonly<Session>;
  /** The item the probe is attached to, when it is attached to one. */
  itemId?: string;
}

export interface ProbeContext {
  /** Aborted on cancel (Esc/Ctrl-C) or when the deadline passes. */
  signal: AbortSignal;
  /** Epoch ms by which the probe must have answered. */
  deadline: number;
  /** The deadline as given (ms), for "no answer within N ms": a probe that started late under load still names its real budget. */
  timeoutMs?: number;
  vars: Vars;
  /** The session the run belongs to (wizard), absent when there is none (`check`, `watch`). */
  session?: SessionView;
}

/** What a probe function returns; the runner adds kind, timing and redaction. */
export interface ProbeOutcome {
  status: ProbeStatus;
  /**
   * Why the probe did not judge (skipped, inconclusive, or an error that is a
   * timeout): data for code to switch on. Absent on a judged result.
   */
  reason?: ProbeReason;
  /**
   * What to do about an unjudged result when the reason's general advice
   * (REASON_ADVICE) does not say it, e.g. "set KUBECONFIG or pass a context".
   * Read it through adviceFor.
   */
  hint?: string;
  /** One line a person understands: "role dtc_app is SUPERUSER". */
  summary: string;
  /** Supporting lines (trimmed): status codes, versions, headers, output tails. */
  evidence: string[];
  /** Numbers other features use (latency percentiles, error rate...). */
  metrics?: Record<string, number>;
}

export interface ProbeResult extends ProbeOutcome {
  kind: string;
  itemId?: string;
  /** The annotation text (redacted), so a report shows what was checked. */
  spec: string;
  durationMs: number;
  /** ISO time the probe finished. */
  at: string;
  /** The annotation said `evidence=partial`: this result alone does not settle its item. */
  partial?: boolean;
}

/** A probe is a plain async function over validated, variable-resolved params. */
export type Probe<P = Record<string, unknown>> = (params: P, ctx: ProbeContext) => Promise<ProbeOutcome>;

/* A command block run as steps (src/probes/shell-steps.ts). */

/** One command of a block as it ran. */
export interface BlockStep {
  /** The command as written in the block. */
  source: string;
  /** As it ran: variable references replaced by their values then (secret-named ones masked), unset ones left as written. */
  command: string;
  /** null: stopped before it ended (cancelled, killed). */
  exitCode: number | null;
  durationMs: number;
  /** What it printed (stdout and stderr as they came), bounded: see `truncated`. */
  output: string;
  /** Part of the output was left out (the kept part says how much). */
  truncated: boolean;
}

export interface BlockRun {
  /** The status of the first failing command, else the block's; null when stopped. */
  exitCode: number | null;
  steps: BlockStep[];
  /** Commands of the block that never ran (after the one that failed, or after a stop). */
  notRun: string[];
}

/** kubectl's current context and namespace, asked before a block that calls kubectl; `problem` when it could not tell. */
export interface KubeContext {
  context?: string;
  namespace?: string;
  problem?: string;
}
