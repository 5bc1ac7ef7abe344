/**
 * Issue #12.3a at the level it was found: `check` with a `command` probe whose
 * grandchildren escape the process group with `setsid` (one while its parent
 * still runs, one whose parent is already gone), both holding the output pipe
 * and sleeping 30 s. The run must end within its deadline + 1 s and leave none
 * of them running.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { eventually, runCli, workdir } from './helpers.js';

const DEADLINE = 500;


const pidsIn = (dir: string, names: string[]) => names.map((n) => (existsSync(join(dir, n)) ? Number(readFileSync(join(dir, n), 'utf8').trim()) : NaN));

describe('check with a command whose grandchildren escape with setsid', () => {
  it(`exits within the deadline + 1 s and leaves no process behind`, async () => {
    // The same run with a command that ends at once: what start-up costs on this machine now.
    const quick = workdir({ 'cl.md': `# Quick\n\n## S\n- [ ] Quick\n  <!-- probe: command cmd="true" timeout=${DEADLINE}ms -->\n` });
    const base = await runCli(['check', '--checklist', 'cl.md', '--timeout', String(DEADLINE)], { cwd: quick });
    expect(base.code).toBe(0);

    const cwd = workdir({
      'cl.md': `# Runaway\n\n## S\n- [ ] Escapes\n  <!-- probe: command cmd="sh runaway.sh" -->\n`,
      // One escaped sleeper whose parent (this sh) keeps running, one started from a
      // subshell that exits at once (reparented before anyone can look at its parent).
      'runaway.sh': [
        'echo $$ > outer.pid',
        'setsid sh -c \'echo $$ > kept.pid; exec sleep 30\' &',
        "(setsid sh -c 'echo $$ > orphan.pid; exec sleep 30' &)",
        'sleep 30',
        '',
      ].join('\n'),
    });
    const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', String(DEADLINE)], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no answer within 500 ms/);
    expect(r.ms - base.ms).toBeLessThanOrEqual(DEADLINE + 1000);

    const pids = pidsIn(cwd, ['outer.pid', 'kept.pid', 'orphan.pid']);
    expect(pids.every((p) => p > 1)).toBe(true);
    await eventually(() => !pids.some(alive), 1000);
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});
