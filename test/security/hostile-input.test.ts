/**
 * Hostile input from the outside (issue #12.10), through the built CLI: a
 * session file that is a symbolic link, item text carrying terminal escape
 * sequences, and the mode of every --out file.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/session/file-store.js';
import type { OpenSession } from '../../src/session/store.js';
import { runCli, workdir } from '../check/helpers.js';
import { newSession } from '../session/helpers.js';

const ESC = '\u001b';
const CHECKLIST = `# Release

## Workers ${ESC}[31mred${ESC}[0m
- [ ] Celery workers answer ${ESC}]0;pwned title${ESC}\\ now${ESC}]8;;http://127.0.0.1/${ESC}\\ link${ESC}[2J
  <!-- probe: command cmd="celery -A django_twilio_call -b redis://127.0.0.1:1/1 inspect ping" stdout=pong -->
`;

/** A folder with a real session (id returned) and a secret file outside it to point links at. */
async function sessionsWith(): Promise<{ cwd: string; sessions: string; id: string; secret: string }> {
  const cwd = workdir({ 'cl.md': CHECKLIST, 'secret.txt': 'root:x:0:0:root:/root:/bin/sh\n' });
  const sessions = join(cwd, 'sessions');
  mkdirSync(sessions);
  const s = await createFileStore(sessions).create(newSession());
  await s.close();
  return { cwd, sessions, id: s.id, secret: join(cwd, 'secret.txt') };
}

/** Make a session one the report compares with: a response time measured, then signed off SUCCESS. */
async function qualify(open: OpenSession): Promise<void> {
  const at = new Date().toISOString();
  await open.apply({ type: 'probe.result', result: { kind: 'http', itemId: 'deploy.a', spec: 'http url=x', status: 'pass', summary: '200 in 40 ms', evidence: [], metrics: { latency_ms: 40 }, durationMs: 40, at } });
  await open.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' });
  await open.close();
}

const corruptCopies = (dir: string) => readdirSync(dir).filter((n) => n.includes('.corrupt-'));

describe('a session file that is a symbolic link', () => {
  it('list shows it as refused, reads nothing through it and copies nothing into sessions/', async () => {
    const { cwd, sessions, id, secret } = await sessionsWith();
    symlinkSync(secret, join(sessions, 'evil.json'));
    // A link to a valid session is refused too: only the file itself counts.
    symlinkSync(join(sessions, `${id}.json`), join(sessions, 'alias.json'));
    const r = await runCli(['list', '--sessions-dir', 'sessions'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(id);
    const rows = r.stdout.split('\n');
    // The row says corrupt; the line under the table says why.
    expect(rows.find((l) => l.startsWith('evil '))).toMatch(/\scorrupt\s/);
    expect(rows.find((l) => l.startsWith('alias '))).toMatch(/\scorrupt\s/);
    expect(rows.find((l) => l.startsWith('  evil.json: '))).toMatch(/is a symbolic link; a session must be a regular file/);
    expect(rows.find((l) => l.startsWith('  alias.json: '))).toMatch(/is a symbolic link/);
    expect(r.stdout).not.toContain('root:x');
    expect(corruptCopies(sessions)).toEqual([]);
  });

  it('report on a linked id is one line, exit 2, and leaves no copy of the target', async () => {
    const { cwd, sessions, secret } = await sessionsWith();
    symlinkSync(secret, join(sessions, 'evil.json'));
    const r = await runCli(['report', 'evil', '--checklist', 'cl.md', '--sessions-dir', 'sessions'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['sessions/evil.json is a symbolic link; a session must be a regular file (replace the link with the file itself); the file was left unchanged']);
    expect(corruptCopies(sessions)).toEqual([]);
    expect(readFileSync(secret, 'utf8')).toBe('root:x:0:0:root:/root:/bin/sh\n');
  });

  it('report does not follow a link when it looks for the previous session to compare with', async () => {
    const { cwd, sessions, id } = await sessionsWith();
    // Both earlier sessions qualify as "previous" (signed off SUCCESS with a response time measured).
    await qualify(await createFileStore(sessions).open(id, 'alice'));
    // An earlier session kept outside sessions/, linked in: read through the link it would be "previous".
    const elsewhere = join(cwd, 'elsewhere');
    mkdirSync(elsewhere);
    await new Promise((r) => setTimeout(r, 5));
    const earlier = await createFileStore(elsewhere).create(newSession());
    await qualify(earlier);
    await new Promise((r) => setTimeout(r, 5));
    const later = await createFileStore(sessions).create(newSession());
    await later.close();
    const args = ['report', later.id, '--format', 'json', '--checklist', 'cl.md', '--sessions-dir', 'sessions'];
    symlinkSync(join(elsewhere, `${earlier.id}.json`), join(sessions, `${earlier.id}.json`));
    const r = await runCli(args, { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The real earlier file in sessions/ is the previous one; the newer linked one is passed over.
    expect(JSON.parse(r.stdout).previousSessionId).toBe(id);
    expect(corruptCopies(sessions)).toEqual([]);
  });
});

describe('terminal escape sequences in item text', () => {
  it('check prints item and heading text without any escape sequence (text mode, plain and --format json)', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const r = await runCli(['check', '--checklist', 'cl.md'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toContain('Workers red › Celery workers answer  now link');
    // JSON carries the text as data (JSON escapes the control characters): nothing raw reaches the terminal either.
    const j = await runCli(['check', '--checklist', 'cl.md', '--format', 'json'], { cwd });
    expect(j.stdout).not.toContain(ESC);
    expect(j.stderr).not.toContain(ESC);
  });
});

describe('terminal escape sequences in a session file', () => {
  it('list prints operator and environment names from session files without escape sequences', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST });
    const sessions = join(cwd, 'sessions');
    mkdirSync(sessions);
    const s = await createFileStore(sessions).create({ ...newSession(), environment: `prod${ESC}]0;pwned${ESC}\\`, operator: `eve${ESC}[2J${ESC}[31m` });
    await s.close();
    const r = await runCli(['list', '--sessions-dir', 'sessions'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/prod\s+eve\s+0\/3/);
  });
});

describe('--out files are the owner\'s alone, like sessions', () => {
  let fx: Awaited<ReturnType<typeof sessionsWith>>;
  beforeAll(async () => {
    fx = await sessionsWith();
  });
  const mode = (file: string) => statSync(file).mode & 0o777;

  it.each(['json', 'junit', 'text'])('check --format %s --out → 0600', async (format) => {
    const out = join(fx.cwd, `check.${format}`);
    const r = await runCli(['check', '--checklist', 'cl.md', '--format', format, '--out', out], { cwd: fx.cwd });
    expect(r.code).toBe(0);
    expect(mode(out)).toBe(0o600);
  });

  it.each(['md', 'json'])('report --format %s --out → 0600 (in a folder it creates)', async (format) => {
    const out = join(fx.cwd, `out-${format}`, `report.${format}`);
    const r = await runCli(['report', fx.id, '--format', format, '--out', out, '--checklist', 'cl.md', '--sessions-dir', 'sessions'], { cwd: fx.cwd });
    expect(r.code).toBe(0);
    expect(mode(out)).toBe(0o600);
    expect(readdirSync(join(fx.cwd, `out-${format}`))).toEqual([`report.${format}`]);
  });
});
