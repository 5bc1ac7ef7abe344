/** The `command` probe kind: its parameters, its doc row and what it loads lazily (./command.ts, execa). */
import * as z from 'zod';
import { exitStatus, str } from '../params.js';
import { defineKind } from '../kind.js';

/** command: argv split like a shell would (quotes), but run without a shell. Dynamic keys: `json.<path>=value`. */
const params = z.object({
  cmd: str,
  exit: exitStatus.default(0),
  /** Regular expression stdout must match. */
  stdout: str.optional(),
  /** Regular expression stdout must not match. */
  not_stdout: str.optional(),
  stderr: str.optional(),
  cwd: str.optional(),
});

export const kind = defineKind({
  name: 'command',
  params,
  dynamicKeys: /^json\.[^\s=]+$/,
  ownVars: ['cmd'],
  doc: { library: 'execa', checks: 'Run a command (no shell): exit code, output match, JSON output' },
  proves: 'the command exited as expected and its output matched; what that proves is what the command checks',
  load: () => import('../command.js').then((m) => m.probe),
  library: () => import('execa'),
  outOfProcess: true,
});
