/**
 * Numbers range-checked where they are parsed, with FILE:LINE (issue 23.6):
 * `validate` said ok to `port=-1` and `port=65536`, and `--timeout 99999999999`
 * ran with Node's timer overflowed to 1 ms.
 */
import { describe, expect, it } from 'vitest';
import { runCli, workdir } from '../check/helpers.js';

const checklist = `# C

## S
- [ ] A
  <!-- probe: tcp host=127.0.0.1 port=-1 -->
- [ ] B
  <!-- probe: tcp host=127.0.0.1 port=65536 -->
- [ ] C
  <!-- probe: postgres max_connections_pct=101 -->
- [ ] D
  <!-- probe: tls host=example.test min_days=-3 -->
- [ ] E
  <!-- probe: command cmd=true exit=256 -->
- [ ] F
  <!-- probe: tcp host=127.0.0.1 port=65535 -->
- [ ] G
  <!-- probe: postgres max_connections_pct=100 -->
`;

describe('ranges of ports, counts and percentages', () => {
  it('validate names each number out of range on its line; the edges of each range are accepted', async () => {
    const r = await runCli(['validate', 'cl.md'], { cwd: workdir({ 'cl.md': checklist }) });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('cl.md:5: parameter "port": must be a port from 1 to 65535');
    expect(r.stdout + r.stderr).toContain('cl.md:7: parameter "port": must be a port from 1 to 65535');
    expect(r.stdout + r.stderr).toContain('cl.md:9: parameter "max_connections_pct": must be a percentage from 0 to 100');
    expect(r.stdout + r.stderr).toContain('cl.md:11: parameter "min_days": must be 0 or more');
    expect(r.stdout + r.stderr).toContain('cl.md:13: parameter "exit": must be an exit status from 0 to 255');
    expect(r.stdout + r.stderr).not.toMatch(/cl\.md:(15|17):/);
  });

  it('--timeout beyond what a Node timer holds is one line, exit 2', async () => {
    const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', '99999999999'], { cwd: workdir({ 'cl.md': '# C\n\n- [ ] A\n' }) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('--timeout "99999999999" is too long: at most 2147483647 ms (24 days, the longest timer Node holds)');
  });
});
