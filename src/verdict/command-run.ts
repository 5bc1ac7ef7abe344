/**
 * How a command block's run is judged (pure): its verdict is its first
 * failure. Shared by the wizard (the screen, the section line), the session
 * record and the report.
 */

/** Lines of output that report a failure the exit code hides (`|| echo "HEALTH CHECK FAILED"`). */
function failureLines(output: string): string[] {
  return output.split('\n').filter((l) => /\bFAILED\b|\bFAILURE\b/.test(l));
}

/** A run failed when it exited non-zero, was killed, or printed a failure line. */
export function judgeRun(exitCode: number | null, output: string): { failed: boolean; why: string } {
  if (exitCode === null) return { failed: true, why: 'stopped before it finished' };
  if (exitCode !== 0) return { failed: true, why: `exit ${exitCode}` };
  const bad = failureLines(output);
  if (bad.length) return { failed: true, why: `exit 0 but the output says: ${bad[0].trim()}${bad.length > 1 ? ` (+${bad.length - 1} more)` : ''}` };
  return { failed: false, why: 'exit 0' };
}

/** One command as the verdict reads it (a recorded step, or one running). */
export interface StepVerdictInput {
  command: string;
  exitCode: number | null;
  output: string;
}

/** The first line of a command, cut to a readable length (`curl -f https://… …`). */
function commandHead(command: string, max = 80): string {
  const lines = command.split('\n');
  const first = lines[0].trim();
  const more = lines.length > 1 ? ' …' : '';
  return first.length > max ? `${first.slice(0, max - 1)}…` : `${first}${more}`;
}

/**
 * A block's verdict is its first failure: the first command that exited
 * non-zero (`exit 60: curl …`) or was stopped, else a `… FAILED` line the
 * exit codes hide; `exit 0` only when every command that ran succeeded.
 */
export function blockVerdict(exitCode: number | null, steps: StepVerdictInput[]): { failed: boolean; why: string } {
  const bad = steps.find((s) => s.exitCode !== 0);
  if (bad) return { failed: true, why: bad.exitCode === null ? `stopped before it finished: ${commandHead(bad.command)}` : `exit ${bad.exitCode}: ${commandHead(bad.command)}` };
  if (exitCode === null) return { failed: true, why: 'stopped before it finished' };
  if (exitCode !== 0) return { failed: true, why: `exit ${exitCode}` };
  const lines = steps.flatMap((s) => failureLines(s.output));
  if (lines.length) return { failed: true, why: `exit 0 but the output says: ${lines[0].trim()}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ''}` };
  return { failed: false, why: `exit 0 (${steps.length} command${steps.length === 1 ? '' : 's'})` };
}
