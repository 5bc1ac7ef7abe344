/** `deploy-wizard report`: a real sessions folder, the real checklist loader and file store. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadChecklist } from '../../src/checklist/load.js';
import { createFileStore } from '../../src/session/file-store.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { validateProbe } from '../../src/probes/registry.js';

const CHECKLIST = `# Tiny Release

## Before

- [ ] Backup taken
- [ ] Redis answering PING

## After

- [ ] Health endpoint answers

## Sign-off

| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |
| Product Owner | | | |

**Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK

**Notes**: ____

**Next Steps**: ____
`;

const SECRET = 'Hunter2-very-secret';

let dir: string;
let checklistFile: string;
let id: string;

async function capture(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: any) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: any) => ((err += String(c)), true));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-report-'));
  checklistFile = join(dir, 'tiny.md');
  writeFileSync(checklistFile, CHECKLIST);
  const { checklist } = await loadChecklist(checklistFile, validateProbe);
  const store = createFileStore(join(dir, 'sessions'));
  const open = await store.create({
    environment: 'production',
    operator: 'Ada',
    checklist: { path: checklistFile, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) },
  });
  id = open.id;
  const [backup, redis, health] = checklist.items.map((i) => i.id);
  await open.apply({ type: 'item.state', itemId: backup, state: 'done' });
  await open.apply({ type: 'item.note', itemId: backup, note: `dumped | with \`pg_dump\` <b>ok</b>` });
  await open.apply({ type: 'item.state', itemId: redis, state: 'failed' });
  await open.apply({ type: 'item.state', itemId: health, state: 'pending' });
  const fp = sessionFingerprint(open.current());
  await open.apply({ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: fp });
  await open.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: `pw was ${SECRET}`, nextSteps: 'retro', overrideReason: 'redis is a cache' });
  await open.close();
});

afterEach(() => vi.restoreAllMocks());

describe('deploy-wizard report', () => {
  it('prints the Markdown report with status, override, notes and signature validity', async () => {
    const r = await capture(['report', id, '--sessions-dir', join(dir, 'sessions')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('# Deployment report: Tiny Release');
    expect(r.out).toContain('| Deployment Status | **SUCCESS** (override) |');
    expect(r.out).toContain('**Override reason**: redis is a cache');
    expect(r.out).toContain('dumped \\| with \\`pg\\_dump\\` &lt;b&gt;ok&lt;/b&gt;');
    expect(r.out).toMatch(/\| Tech Lead \| Ada \| ada \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| ✓ valid \|/);
    expect(r.out).toContain('| Product Owner |  |  |  | not signed |');
    expect(r.out).not.toContain('checklist has changed');
  });

  it('masks secrets of the environment even if a session file holds them', async () => {
    const r = await capture(['report', id, '--sessions-dir', join(dir, 'sessions')], { DB_PASSWORD: SECRET });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(SECRET);
    expect(r.out).toContain('pw was \\*\\*\\*');
  });

  it('writes JSON atomically with --out', async () => {
    const out = join(dir, 'out', 'report.json');
    const r = await capture(['report', id, '--format', 'json', '--out', out, '--sessions-dir', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain(`written to ${out}`);
    const rec = JSON.parse(readFileSync(out, 'utf8'));
    expect(rec.session.id).toBe(id);
    expect(rec.session.signoff.override.reason).toBe('redis is a cache');
    expect(rec.guard).toMatchObject({ allowed: true, needsOverride: true });
    expect(rec.signatures[0]).toMatchObject({ role: 'Tech Lead', status: 'valid' });
    expect(statSync(out).isFile()).toBe(true);
  });

  it('says so in the header when the checklist changed since the session started', async () => {
    const edited = join(dir, 'tiny-edited.md');
    writeFileSync(edited, CHECKLIST.replace('- [ ] Health endpoint answers', '- [ ] Health endpoint answers\n- [ ] Logs clean'));
    const r = await capture(['report', id, '--checklist', edited, '--sessions-dir', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('The checklist has changed since this session started');
    expect(r.out).toContain('| ⏳ pending |  |  |  | Logs clean |  |');
  });

  it('answers an unknown id with one line pointing at deploy-wizard list, exit 2', async () => {
    const r = await capture(['report', 'no-such-session', '--sessions-dir', join(dir, 'sessions')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('no session no-such-session');
    expect(r.err).toContain('deploy-wizard list');
  });

  it('refuses an unwritable --out with one line, exit 2', async () => {
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, 'x');
    const r = await capture(['report', id, '--out', join(blocker, 'r.md'), '--sessions-dir', join(dir, 'sessions')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('cannot write');
  });

  it('runs from the built bundle', async () => {
    const bundle = join(process.cwd(), 'dist', 'deploy-wizard.js');
    expect(existsSync(bundle)).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [bundle, 'report', id, '--sessions-dir', join(dir, 'sessions')]);
    expect(stdout).toContain('**Deployment Status**: SUCCESS');
  });
});

describe('deploy-wizard report output', () => {
  it('ends with exactly one newline, like the file the wizard writes', async () => {
    const r = await capture(['report', id, '--sessions-dir', join(dir, 'sessions')]);
    expect(r.out.endsWith('`\n')).toBe(true);
  });
});
