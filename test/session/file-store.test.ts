/** The file store's everyday behaviour: create, apply, modes, failed writes, serialization. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { defaultWriteOps, type WriteOps } from '../../src/atomic-write.js';
import { createFileStore } from '../../src/session/file-store.js';
import { SessionSchema } from '../../src/session/schema.js';
import { newSession, tempDir } from './helpers.js';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('create and apply', () => {
  test('a new session has every item pending, the cursor on the first item, a session.start event and a readable id', async () => {
    const dir = tempDir();
    const s = await createFileStore(dir).create(newSession());
    expect(s.id).toMatch(/^production-\d{8}-\d{4}-[a-z2-9]{4}$/);
    const doc = SessionSchema.parse(JSON.parse(readFileSync(join(dir, `${s.id}.json`), 'utf8')));
    expect(Object.values(doc.items).map((i) => i.state)).toEqual(['pending', 'pending', 'pending']);
    expect(doc.cursor.itemId).toBe('deploy.a');
    expect(doc.events.map((e) => e.what)).toEqual(['session.start']);
    expect(doc.operators).toEqual(['alice']);
    await s.close();
  });

  test('apply persists before resolving, notifies subscribers, and concurrent applies are serialized in call order', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    const seen: string[] = [];
    const off = s.subscribe((doc, by) => seen.push(`${by}:${doc.events.length}`));
    await Promise.all(Array.from({ length: 20 }, (_, n) => s.apply({ type: 'item.note', itemId: 'deploy.b', note: `n=${n}` })));
    off();
    await s.apply({ type: 'item.state', itemId: 'deploy.a', state: 'done' });
    const onDisk = await store.read(s.id);
    expect(onDisk.events.filter((e) => e.what === 'item.note').map((e) => e.detail)).toEqual(Array.from({ length: 20 }, (_, n) => `n=${n}`));
    expect(onDisk.items['deploy.b'].note).toBe('n=19');
    expect(onDisk.items['deploy.a'].state).toBe('done');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => `alice:${n + 2}`));
    expect(s.current()).toEqual(onDisk);
    await s.close();
    await expect(s.apply({ type: 'cursor', itemId: 'deploy.c' })).rejects.toThrow(/is closed/);
  });
});

describe('files on disk', () => {
  test('session files are 0600 and a created sessions folder is 0700', async () => {
    const dir = join(tempDir(), 'nested', 'sessions');
    const s = await createFileStore(dir).create(newSession());
    await s.apply({ type: 'item.state', itemId: 'deploy.a', state: 'done' });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, `${s.id}.json`))).toBe(0o600);
    expect(mode(join(dir, `${s.id}.lock`))).toBe(0o600);
    await s.close();
    // No temp files are left after successful writes.
    expect(readdirSync(dir).sort()).toEqual([`${s.id}.json`]);
  });

  test('opening removes temp files left by killed writers, but not those of live processes', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await s.close();
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
    const leftovers = [`${s.id}.json.${dead}.0badc0de.tmp`, `${s.id}.lock.${dead}.0badc0de.tmp`];
    const live = `${s.id}.json.${process.ppid}.0badc0de.tmp`;
    for (const n of [...leftovers, live]) writeFileSync(join(dir, n), '{"half": ');
    const o = await store.open(s.id, 'bob');
    await o.close();
    expect(readdirSync(dir).sort()).toEqual([`${s.id}.json`, live].sort());
  });

  test('an existing sessions folder keeps its mode', async () => {
    const dir = join(tempDir(), 'shared');
    mkdirSync(dir, { mode: 0o750 });
    const s = await createFileStore(dir).create(newSession());
    await s.close();
    expect(mode(dir)).toBe(0o750);
  });

  const failing = (code: string, at: 'write' | 'rename'): WriteOps => ({
    write: async (fh, data) => {
      if (at === 'write') {
        // Part of the data reaches the temp file before the disk fills up.
        await fh.write(String(data).slice(0, 100));
        throw Object.assign(new Error(`${code}: simulated`), { code });
      }
      await defaultWriteOps.write(fh, data);
    },
    rename: async (from, to) => {
      if (at === 'rename') throw Object.assign(new Error(`${code}: simulated`), { code });
      await defaultWriteOps.rename(from, to);
    },
  });

  test.each([
    ['ENOSPC', 'write', 'no space left on device (ENOSPC)'],
    ['EACCES', 'rename', 'permission denied (EACCES)'],
  ] as const)('a failed write (%s at %s) keeps the previous file intact, removes the temp, is one line naming the file, and keeps the change for the next write', async (code, at, why) => {
    const dir = tempDir();
    const ok = createFileStore(dir);
    const s = await ok.create(newSession());
    await s.apply({ type: 'item.state', itemId: 'deploy.a', state: 'done' });
    await s.close();
    const file = join(dir, `${s.id}.json`);
    const before = readFileSync(file);

    const broken = createFileStore(dir, { writeOps: failing(code, at) });
    // Opening writes nothing (no takeover, no migration), so it succeeds.
    const o = await broken.open(s.id, 'bob');
    const err = await o.apply({ type: 'item.state', itemId: 'deploy.b', state: 'failed' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`could not save ${file}: ${why}; the previous version is intact; free space or fix permissions`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // The change is not dropped: it stays in the open session, counted as unsaved, and the next write carries it.
    expect(o.current().items['deploy.b'].state).toBe('failed');
    expect(o.unsaved!()).toBe(1);
    await expect(o.apply({ type: 'item.state', itemId: 'deploy.c', state: 'done' })).rejects.toThrow(/could not save/);
    expect(o.unsaved!()).toBe(2);
    await expect(o.retrySave!()).rejects.toThrow(/could not save/);
    await o.close();
    expect((await ok.read(s.id)).items['deploy.a'].state).toBe('done');
    expect((await ok.read(s.id)).items['deploy.b'].state).toBe('pending');
  });

  test('a first save that fails does not claim a previous version: there is none', async () => {
    const dir = tempDir();
    const err = await createFileStore(dir, { writeOps: failing('ENOSPC', 'write') }).create(newSession()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^could not save .*\.json: no space left on device \(ENOSPC\); no version of it is on disk yet; free space or fix permissions$/);
    expect((err as Error).message).not.toContain('intact');
    expect(readdirSync(dir).filter((n) => n.endsWith('.json'))).toEqual([]);
  });

  test('retrySave saves what failed once writes work again; rescue writes every unsaved change elsewhere (0600)', async () => {
    const dir = tempDir();
    let broken = true;
    const ops: WriteOps = {
      write: async (fh, data) => {
        if (broken) throw Object.assign(new Error('EROFS: simulated'), { code: 'EROFS' });
        await defaultWriteOps.write(fh, data);
      },
      rename: defaultWriteOps.rename,
    };
    const ok = createFileStore(dir);
    const s = await ok.create(newSession());
    await s.close();
    const o = await createFileStore(dir, { writeOps: ops }).open(s.id, 'bob');
    await expect(o.apply({ type: 'item.note', itemId: 'deploy.a', note: 'kept' })).rejects.toThrow(/read-only file system \(EROFS\); the previous version is intact/);
    const copy = await o.rescue!();
    expect(copy).toBeDefined();
    expect(statSync(copy!).mode & 0o777).toBe(0o600);
    const rescued = JSON.parse(readFileSync(copy!, 'utf8'));
    expect(rescued.id).toBe(s.id);
    expect(rescued.items['deploy.a'].note).toBe('kept');
    rmSync(copy!);
    broken = false;
    await o.retrySave!();
    expect(o.unsaved!()).toBe(0);
    expect((await ok.read(s.id)).items['deploy.a'].note).toBe('kept');
    await o.close();
  });

  test('a real write failure from the kernel (a sessions "folder" that is a file under /proc) is one line', async () => {
    await expect(createFileStore('/proc/version/sessions').create(newSession())).rejects.toThrow(
      /^cannot create the sessions folder \/proc\/version\/sessions: .*; pass --sessions-dir DIR$/,
    );
  });

  test('a really full disk (a 256 KiB tmpfs filled up) gives ENOSPC, keeps the previous file, and recovers once space is freed', async () => {
    const mnt = tempDir('dw-full-');
    // We run as root (see the brief): a small tmpfs is the honest way to get a real ENOSPC.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', mnt]);
    try {
      const store = createFileStore(mnt);
      const s = await store.create(newSession());
      await s.apply({ type: 'item.state', itemId: 'deploy.a', state: 'done' });
      const file = join(mnt, `${s.id}.json`);
      const before = readFileSync(file);
      const filler = join(mnt, 'filler');
      try {
        writeFileSync(filler, Buffer.alloc(1024 * 1024));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      await expect(s.apply({ type: 'item.note', itemId: 'deploy.b', note: 'x'.repeat(20_000) })).rejects.toThrow(
        `could not save ${file}: no space left on device (ENOSPC); the previous version is intact`,
      );
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(readdirSync(mnt).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      rmSync(filler);
      // Space again: the next change (a cursor move) saves the one that failed as well.
      await s.apply({ type: 'cursor', sectionId: 'deploy' });
      expect(s.unsaved!()).toBe(0);
      expect((await store.read(s.id)).items['deploy.b'].note).toBe('x'.repeat(20_000));
      await s.close();
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
