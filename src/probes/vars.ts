/**
 * Variables for probes: the process environment, then --env-file (dotenv),
 * then --config; `${NAME}` and `${NAME:-default}` substitution.
 * (Contract stub: the implementation lands with the probes issue.)
 */
import type { Vars } from './types.js';

export interface VarSources {
  envFile?: string;
  config?: string;
  env?: NodeJS.ProcessEnv;
}

/** Load and merge variables; a missing or malformed file is a UserError naming it. */
export async function loadVars(sources: VarSources): Promise<Vars> {
  void sources;
  throw new Error('vars not built yet');
}

/** Substitute ${VARS} in a string; names of unset variables are returned in `missing`. */
export function substitute(text: string, vars: Vars): { value: string; missing: string[] } {
  void text;
  void vars;
  throw new Error('vars not built yet');
}
