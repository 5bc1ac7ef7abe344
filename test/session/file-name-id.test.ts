/**
 * The file name is the session id (issue #12.8): a session file copied to a
 * new name is that session everywhere, through the built CLI and the store.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/session/file-store.js';
import { runCli, workdir } from '../check/helpers.js';
import { newSession } from './helpers.js';

const CHECKLIST = '# Tiny\n\n## Prep\n- [ ] Backups verified\n';

async function copied(): Promise<{ cwd: string; sessions: string; id: string; copy: string }> {
  const cwd = workdir({ 'cl.md': CHECKLIST });
  const sessions = join(cwd, 'sessions');
  mkdirSync(sessions);
  const s = await createFileStore(sessions).create(newSession());
  await s.apply({ type: 'item.note', itemId: 'deploy.a', note: 'from the original' });
  await s.close();
  const copy = 'production-copy-for-rehearsal';
  copyFileSync(join(sessions, `${s.id}.json`), join(sessions, `${copy}.json`));
  return { cwd, sessions, id: s.id, copy };
}

describe('a session copied to a new file name', () => {
  it('list shows it under its file name, next to the original', async () => {
    const { cwd, id, copy } = await copied();
    const r = await runCli(['list', '--json', '--sessions-dir', 'sessions'], { cwd });
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((row) => row.id).sort();
    expect(ids).toEqual([copy, id].sort());
  });

  it('report COPY works and names the copy', async () => {
    const { cwd, copy } = await copied();
    const r = await runCli(['report', copy, '--format', 'json', '--checklist', 'cl.md', '--sessions-dir', 'sessions'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain(`"${copy}"`);
  });

  it('opening the copy corrects the id inside it (with an event), and leaves the original alone', async () => {
    const { sessions, id, copy } = await copied();
    const store = createFileStore(sessions);
    const open = await store.open(copy, 'bob');
    expect(open.id).toBe(copy);
    expect(open.current().events.at(-1)).toMatchObject({ what: 'session.rename', detail: `file ${copy}.json held id ${id}: the file name is the id, now ${copy}` });
    await open.apply({ type: 'item.note', itemId: 'deploy.b', note: 'on the copy' });
    await open.close();
    expect(JSON.parse(readFileSync(join(sessions, `${copy}.json`), 'utf8')).id).toBe(copy);
    const original = JSON.parse(readFileSync(join(sessions, `${id}.json`), 'utf8'));
    expect(original.id).toBe(id);
    expect(original.items['deploy.b']?.note).toBeUndefined();
    expect(original.items['deploy.a']?.note).toBe('from the original');
    // Once corrected, opening again records nothing more.
    const again = await store.open(copy, 'bob');
    expect(again.current().events.filter((e) => e.what === 'session.rename')).toHaveLength(1);
    await again.close();
  });
});
