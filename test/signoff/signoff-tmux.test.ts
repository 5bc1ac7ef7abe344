/**
 * End to end: the built CLI in a real pseudo-terminal (tmux, 80×24). Walk a
 * tiny checklist, open the sign-off (S), sign all four roles, choose a status,
 * write Notes and Next Steps, complete; the report is on disk next to the
 * session with the chosen status, notes and valid signatures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild, privateTmux } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const { tmux, screen, waitFor } = privateTmux('signoff');
let dir: string;

const CHECKLIST = `# Tiny Release

## Steps

- [ ] Backups verified
- [ ] Team notified

## Sign-off

| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |
| DevOps Engineer | | | |
| Security Officer | | | |
| Product Owner | | | |

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK

**Notes**: ____

**Next Steps**: ____
`;


/** Named keys (Enter, Tab, Right, C-d) or literal text. */
function keys(...k: string[]): void {
  for (const key of k) {
    if (/^(Enter|Tab|BTab|Right|Left|Up|Down|Escape|C-[a-z])$/.test(key)) tmux('send-keys', '-t', 'wiz', key);
    else tmux('send-keys', '-t', 'wiz', '-l', key);
  }
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'deploy-wizard.js'))) execFileSync('node', ['scripts/build.mjs'], { cwd: root });
  dir = mkdtempSync(join(tmpdir(), 'dw-signoff-e2e-'));
  writeFileSync(join(dir, 'checklist.md'), CHECKLIST);
  copyBuild(join(root, 'dist'), dir, join(dir, 'checklist.md'));
});

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sign-off in the built wizard (tmux, 80×24)', () => {
  it('signs all four roles, records ROLLED BACK with notes, and writes the report next to the session', async () => {
    const cmd = `cd ${dir} && node dist/deploy-wizard.js start --operator e2e --checklist checklist.md --sessions-dir sessions; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
    await waitFor('you are at');
    keys('Enter');
    await waitFor('[ ] Backups verified');
    keys('d');
    await waitFor('[x] Backups verified');
    keys('S');
    await waitFor('Deployment Status:');
    const people = [
      ['Ada Lovelace', 'ada'],
      ['Grace Hopper', 'gh'],
      ['Alan Turing', 'at'],
      ['Barbara Liskov', 'bl'],
    ];
    for (const [name, sig] of people) {
      keys(name, 'Enter');
      keys(sig, 'Enter');
      await waitFor(new RegExp(`${name}\\s+${sig}\\s+\\d{4}-\\d\\d-\\d\\d`));
    }
    keys('Left');
    await waitFor('(•) ROLLED BACK');
    keys('Enter', 'Error rate 7% | after deploy', 'Enter', 'rolled back at 10:05', 'C-d');
    keys('Root cause analysis', 'Tab', 'Enter');
    const done = await waitFor(/Report written to \S+\.md/);
    const shownPath = /Report written to (\S+\.md)/.exec(done)![1];
    // The finished frame still fits 80×24: title, signers and the report line together.
    expect(done).toContain('Sign-off · production');
    expect(done).toMatch(/Product Owner\s+Barbara Liskov\s+bl\s+\d{4}-\d\d-\d\d\s+✓/);
    expect(done).toContain('✓ Sign-off recorded: ROLLED BACK');

    const files = readdirSync(join(dir, 'sessions'));
    const json = files.find((f) => f.endsWith('.json'))!;
    const id = json.replace(/\.json$/, '');
    expect(files).toContain(`${id}.md`);
    expect(shownPath.endsWith(`${id}.md`)).toBe(true);
    const md = readFileSync(join(dir, 'sessions', `${id}.md`), 'utf8');
    expect(md).toContain('**Deployment Status**: ROLLED BACK');
    expect(md).toContain('Error rate 7% \\| after deploy<br>\nrolled back at 10:05');
    expect(md).toContain('Root cause analysis');
    for (const [name, sig] of people) expect(md).toMatch(new RegExp(`\\| ${name} \\| ${sig} \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\| ✓ valid \\|`));
    const doc = JSON.parse(readFileSync(join(dir, 'sessions', json), 'utf8'));
    expect(doc.status).toBe('completed');
    expect(doc.signoff.signatures).toHaveLength(4);

    keys('Enter');
    await waitFor('EXIT=0');
  }, 90_000);

  it('blocked SUCCESS asks for an override reason, which lands in the session and the report', async () => {
    const cmd = `cd ${dir} && node dist/deploy-wizard.js start --operator e2e --checklist checklist.md --sessions-dir sessions-override; echo "EXIT=$?"; sleep 600`;
    tmux('kill-session', '-t', 'wiz');
    tmux('new-session', '-d', '-s', 'wiz', '-x', '80', '-y', '24', cmd);
    await waitFor('you are at');
    keys('Enter');
    await waitFor('[ ] Backups verified');
    keys('S');
    await waitFor('Deployment Status:');
    keys('Ada', 'Enter', 'ada', 'Enter', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Right');
    const blocked = await waitFor('SUCCESS is blocked by the Final Checklist');
    expect(blocked).toContain('2 items are still pending');
    expect(blocked).toContain('Override reason (required)');
    keys('Enter', 'Tab', 'Tab', 'Tab', 'Enter');
    await waitFor('SUCCESS is blocked: type an override reason');
    keys('hotfix verified by hand', 'Enter', 'Tab', 'Tab', 'Enter');
    await waitFor(/Report written to \S+\.md/);
    const files = readdirSync(join(dir, 'sessions-override'));
    const id = files.find((f) => f.endsWith('.json'))!.replace(/\.json$/, '');
    const doc = JSON.parse(readFileSync(join(dir, 'sessions-override', `${id}.json`), 'utf8'));
    expect(doc.signoff).toMatchObject({ status: 'SUCCESS', override: { reason: 'hotfix verified by hand', by: 'e2e' } });
    const md = readFileSync(join(dir, 'sessions-override', `${id}.md`), 'utf8');
    expect(md).toContain('| Deployment Status | **SUCCESS** (override) |');
    expect(md).toContain('**Override reason**: hotfix verified by hand');
    keys('q');
    await waitFor('EXIT=0');
  }, 90_000);
});
