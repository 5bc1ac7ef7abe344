/**
 * What a probe kind declares, in its own file under ./kinds/: the schema of
 * its parameters (the checklist validator and the runner both parse with it),
 * its row in the docs (docs/checklist-format.md holds the same words; a test
 * checks), and what it loads lazily: its implementation and, before any
 * deadline starts, the protocol library behind it.
 */
import type * as z from 'zod';
import type { Probe } from './types.js';

export interface ProbeKind {
  name: string;
  /** Schema of the parameters after ${VAR} substitution. */
  params: z.ZodObject<any>;
  /** Extra keys allowed by prefix, e.g. `json.status` for http. */
  dynamicKeys?: RegExp;
  /**
   * Parameters whose ${VARS} the probe substitutes itself, after splitting, one
   * argument each (`command`'s cmd); the runner only checks they are set.
   */
  ownVars?: readonly string[];
  /** The row of the kinds table: the library it speaks through, and what it checks (also `validate`'s line). */
  doc: { library: string; checks: string };
  /** What a pass of this kind proves, in one sentence: an item gets such a probe only if this is what it says (else evidence=partial). */
  proves: string;
  /** The implementation, imported when a probe of this kind first runs. */
  load: () => Promise<Probe<any>>;
  /**
   * The protocol library the implementation imports lazily: loaded by the
   * runner before deadlines start, so a cold import (tens to hundreds of ms of
   * blocked event loop) is not charged to a probe already running.
   */
  library?: () => Promise<unknown>;
  /** Its work happens in another process (a command): it loads and starts first. */
  outOfProcess?: boolean;
}

/** Identity, for type checking a kind's declaration. */
export function defineKind(kind: ProbeKind): ProbeKind {
  return kind;
}
