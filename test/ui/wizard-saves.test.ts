/**
 * Honest saves (issue #12.4) in the wizard store, over the real file store
 * with a disk that refuses writes until told otherwise: a failed save is
 * never shown as saved, is retried by the next change (a cursor move too),
 * and quitting with unsaved work leaves a copy and says so.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWriteOps, type WriteOps } from '../../src/atomic-write.js';
import { createFileStore } from '../../src/session/file-store.js';
import { createWizardStore, unsavedLine } from '../../src/store/wizard-store.js';
import { statusHeight } from '../../src/ui/status-lines.js';
import { createMemorySession, newSessionDoc } from '../helpers/memory-session.js';
import { tempDir } from '../session/helpers.js';
import { scriptedRunner } from './store-helpers.js';
import { sampleChecklist } from './fixtures.js';

/** Write ops that fail with ENOSPC while `disk.full` is set. */
function disk() {
  const state = { full: false };
  const ops: WriteOps = {
    write: async (fh, data) => {
      if (state.full) throw Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' });
      await defaultWriteOps.write(fh, data);
    },
    rename: defaultWriteOps.rename,
  };
  return { state, ops };
}

async function setup() {
  const checklist = sampleChecklist();
  const dir = tempDir();
  const d = disk();
  const files = createFileStore(dir, { writeOps: d.ops });
  const session = await files.create({ environment: 'production', operator: 'alice', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
  const store = createWizardStore({ checklist, session, runProbes: scriptedRunner(() => ({ status: 'pass' })).run, vars: {}, operator: 'alice' });
  const onDisk = () => JSON.parse(readFileSync(join(dir, `${session.id}.json`), 'utf8'));
  return { checklist, dir, disk: d.state, session, store, onDisk };
}

describe('a save that fails', () => {
  it('is shown as NOT SAVED with the reason once, survives other actions, and the next cursor move saves it', async () => {
    const { store, disk, onDisk, checklist } = await setup();
    store.getState().openSection(checklist.items[0].sectionId);
    await store.getState().flush();
    disk.full = true;
    await store.getState().mark('done');
    const s = store.getState();
    expect(s.unsaved).toMatchObject({ count: 1, kept: true });
    const line = unsavedLine(s.unsaved!);
    expect(line).toMatch(/^NOT SAVED: 1 change — could not save .*\.json: no space left on device \(ENOSPC\); the previous version is intact; free space or fix permissions\. They are kept here and saved with your next change \(moving the cursor is enough\); q tries once more\.$/);
    // Said once: no "could not save: could not save".
    expect(line.match(/could not save/g)).toHaveLength(1);
    // The screen keeps the change (it is not lost), the file does not have it.
    expect(s.session.items[checklist.items[0].id].state).toBe('done');
    expect(onDisk().items[checklist.items[0].id].state).toBe('pending');
    // Other actions clear the error line, not the unsaved line.
    store.getState().showOverview();
    store.getState().dismiss();
    expect(store.getState().unsaved?.count).toBe(1);
    // A cursor move while the disk is still full: retried, still failing, now 2 changes.
    store.getState().openSection(checklist.items[0].sectionId);
    store.getState().moveItem(1);
    await store.getState().flush();
    expect(store.getState().unsaved?.count).toBeGreaterThanOrEqual(2);
    // Space again: the next cursor move saves everything.
    disk.full = false;
    store.getState().moveItem(-1);
    await store.getState().flush();
    expect(store.getState().unsaved).toBeUndefined();
    expect(store.getState().notice).toMatch(/^saved again: all \d+ changes that could not be saved are on disk now$/);
    expect(onDisk().items[checklist.items[0].id].state).toBe('done');
  });

  it('q with unsaved work tries once more, then writes a copy and ends with unsaved set (never "saved")', async () => {
    const { store, disk, session, checklist } = await setup();
    store.getState().openSection(checklist.items[0].sectionId);
    await store.getState().flush();
    disk.full = true;
    await store.getState().note('written while the disk was full');
    await store.getState().quit();
    const s = store.getState();
    expect(s.exit).toBe('quit');
    expect(s.unsaved?.copy).toBeDefined();
    const copy = JSON.parse(readFileSync(s.unsaved!.copy!, 'utf8'));
    expect(copy.id).toBe(session.id);
    expect(copy.items[checklist.items[0].id].note).toBe('written while the disk was full');
    rmSync(s.unsaved!.copy!);
    await session.close();
  });

  it('q after the disk recovered saves and ends clean', async () => {
    const { store, disk, onDisk, session, checklist } = await setup();
    store.getState().openSection(checklist.items[0].sectionId);
    await store.getState().flush();
    disk.full = true;
    await store.getState().mark('done');
    disk.full = false;
    await store.getState().quit();
    expect(store.getState().unsaved).toBeUndefined();
    expect(onDisk().items[checklist.items[0].id].state).toBe('done');
    await session.close();
  });

  it('a store that cannot keep unsaved changes says the change is lost', async () => {
    const checklist = sampleChecklist();
    const session = createMemorySession(newSessionDoc(checklist));
    session.apply = async () => {
      throw new Error('could not save a change to session mem-1 after 3 attempts (the database kept refusing it); try again');
    };
    const store = createWizardStore({ checklist, session, runProbes: scriptedRunner(() => ({ status: 'pass' })).run, vars: {}, operator: 'alice' });
    store.getState().openSection(checklist.items[0].sectionId);
    await store.getState().mark('done');
    // Two: the cursor's move into the section and the mark (a mark that was not saved does not move on).
    expect(unsavedLine(store.getState().unsaved!)).toMatch(/^NOT SAVED: 2 changes lost — could not save a change .*; try again\. Make them again once saving works\.$/);
    expect(store.getState().cursor.itemId).toBe(checklist.items[0].id);
    await store.getState().quit();
    expect(store.getState().unsaved?.count).toBe(2);
  });

  it('the line wraps instead of being cut: its height grows with its length', () => {
    const u = { count: 1, kept: true, reason: `could not save ${'sessions/'.repeat(8)}x.json: no space left on device (ENOSPC); the previous version is intact; free space or fix permissions` };
    const rows = statusHeight({ unsaved: u }, 80);
    expect(rows).toBe(Math.ceil((unsavedLine(u).length + 2) / 80));
    expect(rows).toBeGreaterThan(1);
  });

  it('a change shows once it is on disk: while a later one is being saved, the earlier shows, the later does not yet', async () => {
    const checklist = sampleChecklist();
    const dir = tempDir();
    // Each write waits for the test to let it through.
    const gates: Array<() => void> = [];
    const ops: WriteOps = {
      write: async (fh, data) => {
        await new Promise<void>((r) => gates.push(r));
        await defaultWriteOps.write(fh, data);
      },
      rename: defaultWriteOps.rename,
    };
    const plain = await createFileStore(dir).create({ environment: 'production', operator: 'alice', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
    await plain.close();
    const session = await createFileStore(dir, { writeOps: ops }).open(plain.id, 'alice');
    const store = createWizardStore({ checklist, session, runProbes: scriptedRunner(() => ({ status: 'pass' })).run, vars: {}, operator: 'alice' });
    const item = checklist.items[0].id;
    store.setState({ cursor: { sectionId: checklist.items[0].sectionId, itemId: item } });
    const marked = store.getState().mark('done');
    const noted = store.getState().note('second change');
    const release = async () => {
      while (gates.length === 0) await new Promise((r) => setTimeout(r, 5));
      gates.shift()!();
    };
    // Nothing on disk yet: nothing shown yet (issue 23.10: the screen shows only what a kill cannot take back).
    await new Promise((r) => setTimeout(r, 20));
    expect(store.getState().session.items[item]?.state ?? 'pending').toBe('pending');
    await release();
    await marked;
    // The first save landed and shows; the note is still on its way and is not shown before it is on disk.
    expect(store.getState().session.items[item]?.state).toBe('done');
    expect(store.getState().session.items[item]?.note).toBeUndefined();
    await release();
    await noted;
    expect(store.getState().session.items[item]).toMatchObject({ state: 'done', note: 'second change' });
    await session.close();
  });
});
