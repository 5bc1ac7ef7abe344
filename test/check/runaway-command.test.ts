/**
 * Issue #12.3a at the level it was found: `check` with a `command` probe whose
 * grandchildren escape the process group with `setsid` (one while its parent
 * still runs, one whose parent is already gone), both holding the output pipe
 * and sleeping 60 s. The deadline, not the sleepers, must end the run, and
 * leave none of them running (how close to the deadline is measured in npm run bench).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { eventually, runCli, workdir } from './helpers.js';

// Long enough for the shells to write their pids on a loaded machine; the sleeps last 60 s.
const DEADLINE = 3000;


const pidsIn = (dir: string, names: string[]) => names.map((n) => (existsSync(join(dir, n)) ? Number(readFileSync(join(dir, n), 'utf8').trim()) : NaN));

describe('check with a command whose grandchildren escape with setsid', () => {
  it(`exits at its deadline, not when the escaped sleepers end, and leaves no process behind`, async () => {
    const cwd = workdir({
      'cl.md': `# Runaway\n\n## S\n- [ ] Escapes\n  <!-- probe: command cmd="sh runaway.sh" -->\n`,
      // One escaped sleeper whose parent (this sh) keeps running, one started from a
      // subshell that exits at once (reparented before anyone can look at its parent).
      'runaway.sh': [
        'echo $$ > outer.pid',
        'setsid sh -c \'echo $$ > kept.pid; exec sleep 60\' &',
        "(setsid sh -c 'echo $$ > orphan.pid; exec sleep 60' &)",
        'sleep 60',
        '',
      ].join('\n'),
    });
    const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', String(DEADLINE)], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`no answer within ${DEADLINE} ms`);
    // Start-up included, far below the 60 s the sleepers (and the pipe they hold) would last.
    expect(r.ms).toBeLessThan(30_000);

    const pids = pidsIn(cwd, ['outer.pid', 'kept.pid', 'orphan.pid']);
    expect(pids.every((p) => p > 1)).toBe(true);
    await eventually(() => !pids.some(alive), 10_000);
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});
