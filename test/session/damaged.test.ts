/**
 * Damaged and wrong-version files: each gives its own one-line message naming
 * the file, the bytes stay on disk unchanged (and a copy is kept aside), and
 * `list` shows them as corrupt rows. Older versions are migrated.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createFileStore } from '../../src/session/file-store.js';
import { SCHEMA_VERSION } from '../../src/session/schema.js';
import { newSession, tempDir } from './helpers.js';

/** A valid session file's bytes, to damage in different ways. */
async function validBytes(): Promise<{ dir: string; id: string; bytes: Buffer }> {
  const dir = tempDir();
  const s = await createFileStore(dir).create(newSession());
  await s.apply({ type: 'item.state', itemId: 'deploy.a', state: 'done' });
  await s.close();
  return { dir, id: s.id, bytes: readFileSync(join(dir, `${s.id}.json`)) };
}

const cases: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
  ['empty', () => Buffer.alloc(0), /is empty \(0 bytes\)/],
  ['NUL-filled', (b) => Buffer.alloc(b.length), /is filled with NUL bytes \(\d+ bytes; damaged by a crash or disk fault\)/],
  ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2)), /is not valid JSON \(truncated\?\)/],
  ['cut after a comma', (b) => Buffer.from(b.toString().slice(0, b.toString().indexOf(',') + 1) + '\n'), /is not valid JSON \(truncated\?\)/],
  ['hand-edited', (b) => Buffer.from(b.toString().replace('"id":', 'id:')), /is not valid JSON \(syntax error at line 3, column 3\)/],
  ['not JSON', () => Buffer.from('<<<<<<< HEAD\nmerge conflict\n'), /is not valid JSON \(syntax error at line 1, column 1\)/],
  ['schema-invalid', (b) => Buffer.from(b.toString().replace('"state": "done"', '"state": "finished"')), /does not match the session schema \(items\.deploy\.a\.state: /],
  ['not an object', () => Buffer.from('[1, 2, 3]\n'), /is not a session document \(expected a JSON object\)/],
];

describe('damaged session files', () => {
  test.each(cases)('%s: open and read fail with one line naming the file; the bytes stay and a copy is kept', async (_name, damage, message) => {
    const { dir, id, bytes } = await validBytes();
    const file = join(dir, `${id}.json`);
    const damaged = damage(bytes);
    writeFileSync(file, damaged);
    const store = createFileStore(dir);

    const err = await store.open(id, 'bob').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toMatch(message);
    expect(msg).toContain(file);
    expect(msg).toMatch(/; it was kept as .*\.json\.corrupt-\d{8}T\d{6}Z; start a new session or restore it$/);
    const aside = msg.match(/kept as (\S+);/)![1];
    expect(readFileSync(aside).equals(damaged)).toBe(true);
    // The original is untouched, and no lock was left behind.
    expect(readFileSync(file).equals(damaged)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.lock'))).toEqual([]);

    // Reading again gives the same message and reuses the same copy.
    await expect(store.read(id)).rejects.toThrow(message);
    expect(readdirSync(dir).filter((n) => n.includes('.corrupt-'))).toHaveLength(1);

    // list shows a corrupt row instead of failing, next to a healthy session.
    const healthy = await store.create(newSession());
    await healthy.close();
    const rows = await store.list();
    expect(rows.map((r) => [r.id, r.status]).sort()).toEqual([[healthy.id, 'active'], [id, 'corrupt']].sort());
    expect(rows.find((r) => r.id === id)!.problem).toMatch(message);
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  test('a file from a newer version names the version, asks for an upgrade, and is left as it is', async () => {
    const { dir, id, bytes } = await validBytes();
    const file = join(dir, `${id}.json`);
    const future = Buffer.from(bytes.toString().replace(`"schemaVersion": ${SCHEMA_VERSION}`, '"schemaVersion": 7'));
    writeFileSync(file, future);
    const store = createFileStore(dir);
    await expect(store.open(id, 'bob')).rejects.toThrow(
      `${file} was written by a newer deploy-wizard (schema version 7; this one reads up to ${SCHEMA_VERSION}); upgrade deploy-wizard to open it; the file was left unchanged`,
    );
    expect(readFileSync(file).equals(future)).toBe(true);
    expect(readdirSync(dir).filter((n) => n !== `${id}.json`)).toEqual([]);
    expect((await store.list()).map((r) => r.status)).toEqual(['corrupt']);
  });

  test('a missing session is one line pointing at list', async () => {
    const dir = tempDir();
    await expect(createFileStore(dir).open('production-20260101-0000-zzzz', 'bob')).rejects.toThrow(/^no session production-20260101-0000-zzzz in .* \(see deploy-wizard list\)$/);
    await expect(createFileStore(dir).read('../etc/passwd')).rejects.toThrow(/is not a session id/);
  });
});

describe('migration', () => {
  const fixture = fileURLToPath(new URL('../fixtures/sessions/v0-draft.json', import.meta.url));

  test('a version 0 file is migrated on read, keeping states, notes, reasons and the log', async () => {
    const dir = tempDir();
    const id = 'production-20250301-0930-ab12';
    copyFileSync(fixture, join(dir, `${id}.json`));
    const s = await createFileStore(dir).read(id);
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s).toMatchObject({ id, environment: 'production', operators: ['alice'], status: 'active', cursor: { sectionId: 'pre-deployment', itemId: 'pre-deployment.backup' } });
    expect(s.checklist).toEqual({ path: 'checklists/django-twilio-call.md', hash: '0f3c', title: 'Production Deployment Checklist' });
    expect(s.items['pre-deployment.tests']).toMatchObject({ state: 'done', note: 'CI green', updatedBy: 'alice' });
    expect(s.items['pre-deployment.backup'].state).toBe('pending');
    expect(s.items['pre-deployment.staging']).toMatchObject({ state: 'skipped', reason: 'no staging this week' });
    expect(s.events.map((e) => e.what)).toEqual(['session.start', 'item.state']);
    // Reading does not rewrite the file.
    expect(readFileSync(join(dir, `${id}.json`), 'utf8')).toBe(readFileSync(fixture, 'utf8'));
  });

  test('opening a version 0 file keeps the old bytes as .v0, writes the new version and logs the migration', async () => {
    const dir = tempDir();
    const id = 'production-20250301-0930-ab12';
    copyFileSync(fixture, join(dir, `${id}.json`));
    const open = await createFileStore(dir).open(id, 'bob');
    await open.apply({ type: 'item.state', itemId: 'pre-deployment.backup', state: 'done' });
    await open.close();
    expect(readFileSync(join(dir, `${id}.json.v0`), 'utf8')).toBe(readFileSync(fixture, 'utf8'));
    const now = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
    expect(now.schemaVersion).toBe(SCHEMA_VERSION);
    expect(now.items['pre-deployment.tests'].state).toBe('done');
    expect(now.items['pre-deployment.backup'].state).toBe('done');
    expect(now.events.find((e: { what: string }) => e.what === 'session.migrate').detail).toMatch(/schema version 0 → 1/);
  });
});
