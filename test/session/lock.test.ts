/** Locks: a second process is refused with the holder named; stale locks are taken over safely. */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { createFileStore } from '../../src/session/file-store.js';
import { acquireLock, isAlive, releaseAllLocks } from '../../src/session/lock.js';
import { bundleChild, kill9, runChild } from './child.js';
import { newSession, tempDir } from './helpers.js';

let script: string;
beforeAll(async () => {
  script = await bundleChild();
});

/** A pid that is certainly not alive: a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('two processes on one session', () => {
  test('the second is refused with the holder named; after SIGKILL of the first the lock is reclaimed', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await s.close();

    const holder = runChild(script, ['hold', dir, s.id, 'alice']);
    expect(await holder.waitFor('ready')).toBe(true);
    const pid = holder.proc.pid!;
    const since = JSON.parse(readFileSync(join(dir, `${s.id}.lock`), 'utf8')).since as string;
    // One time display: UTC, said (it was local time, unlabelled).
    const hhmm = `${new Date(since).toISOString().slice(11, 16)} UTC`;

    await expect(store.open(s.id, 'bob')).rejects.toThrow(
      `session ${s.id} is open by alice (pid ${pid} on ${hostname()}, since ${hhmm}); close it there or wait`,
    );
    // Refusal changed nothing: the holder's lock is still there.
    expect(JSON.parse(readFileSync(join(dir, `${s.id}.lock`), 'utf8')).pid).toBe(pid);

    await kill9(holder);
    const bob = await store.open(s.id, 'bob');
    const lock = JSON.parse(readFileSync(join(dir, `${s.id}.lock`), 'utf8'));
    expect(lock).toMatchObject({ operator: 'bob', pid: process.pid, host: hostname() });
    const takeover = bob.current().events.find((e) => e.what === 'lock.takeover');
    expect(takeover?.detail).toContain(`alice (pid ${pid} on ${hostname()}`);
    await bob.close();
    // Closing released the lock: another open works and finds no lock to take over.
    const again = await store.open(s.id, 'carol');
    expect(again.current().events.filter((e) => e.what === 'lock.takeover')).toHaveLength(1);
    await again.close();
  });

  test('several processes racing for one stale lock: exactly one wins, the rest name the winner', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await s.close();
    writeFileSync(join(dir, `${s.id}.lock`), JSON.stringify({ operator: 'ghost', pid: deadPid(), host: hostname(), since: new Date().toISOString() }));

    const kids = Array.from({ length: 6 }, (_, k) => runChild(script, ['hold', dir, s.id, `op${k}`]));
    const outcomes = await Promise.all(kids.map(async (c) => ((await c.waitFor('ready')) ? 'won' : c.err().trim())));
    try {
      const winners = kids.filter((_, k) => outcomes[k] === 'won');
      expect(winners).toHaveLength(1);
      const winner = `op${outcomes.indexOf('won')}`;
      for (const o of outcomes.filter((x) => x !== 'won')) expect(o).toMatch(new RegExp(`is open by ${winner} \\(pid ${winners[0].proc.pid} on `));
    } finally {
      await Promise.all(kids.map(kill9));
    }
  });

  test('the same process cannot open a session twice, and releaseAllLocks frees what it holds', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await expect(store.open(s.id, 'alice')).rejects.toThrow(/is open by alice \(pid \d+ on /);
    const other = await acquireLock(join(dir, 'other.lock'), 'alice', 'other');
    releaseAllLocks();
    expect(() => readFileSync(join(dir, `${s.id}.lock`))).toThrow(/ENOENT/);
    expect(() => readFileSync(other.path)).toThrow(/ENOENT/);
    const reopened = await store.open(s.id, 'bob');
    await reopened.close();
  });

  test('a pid reused by a process started after the lock was taken counts as stale (a container restart)', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await s.close();
    const lock = join(dir, `${s.id}.lock`);
    // The parent process is alive, and started before now: a lock it took now is live.
    writeFileSync(lock, JSON.stringify({ operator: 'erin', pid: process.ppid, host: hostname(), since: new Date().toISOString() }));
    await expect(store.open(s.id, 'bob')).rejects.toThrow(`is open by erin (pid ${process.ppid} on ${hostname()}`);
    // The same pid on a lock from 2020 belongs to another process now: taken over.
    writeFileSync(lock, JSON.stringify({ operator: 'erin', pid: process.ppid, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
    const o = await store.open(s.id, 'bob');
    expect(o.current().events.at(-1)).toMatchObject({ what: 'lock.takeover', who: 'bob' });
    await o.close();
  });

  test('a holder killed but not yet reaped (a zombie) is dead: the next open takes over at once', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await s.close();
    // A parent that never waits: sh starts the holder in the background, then becomes `sleep`.
    const parent = spawn('sh', ['-c', '"$0" "$@" & exec sleep 600', process.execPath, script, 'hold', dir, s.id, 'alice'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        parent.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('ready')) resolve();
        });
        parent.on('exit', () => reject(new Error('the holder parent exited')));
      });
      const pid = JSON.parse(readFileSync(join(dir, `${s.id}.lock`), 'utf8')).pid as number;
      expect(pid).not.toBe(parent.pid);
      process.kill(pid, 'SIGKILL');
      // Wait until the kernel shows it as a zombie: it still answers kill(pid, 0).
      for (let i = 0; i < 200 && !readFileSync(`/proc/${pid}/stat`, 'utf8').match(/\) Z /); i++) await new Promise((r) => setTimeout(r, 10));
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /);
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(isAlive(pid)).toBe(false);

      const bob = await store.open(s.id, 'bob');
      expect(JSON.parse(readFileSync(join(dir, `${s.id}.lock`), 'utf8'))).toMatchObject({ operator: 'bob', pid: process.pid });
      expect(bob.current().events.at(-1)?.detail).toContain(`alice (pid ${pid} on ${hostname()}`);
      await bob.close();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('a lock held on another host is never taken over', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const s = await store.create(newSession());
    await s.close();
    writeFileSync(join(dir, `${s.id}.lock`), JSON.stringify({ operator: 'dana', pid: deadPid(), host: 'elsewhere', since: '2026-11-26T09:05:00.000Z' }));
    await expect(store.open(s.id, 'bob')).rejects.toThrow(new RegExp(`is open by dana \\(pid \\d+ on elsewhere, since 09:05 UTC\\); close it there or wait \\(if that process is gone, delete ${join(dir, `${s.id}.lock`)}\\)$`));
  });
});

describe('a lock path that is not a lock file (issue 23.3)', () => {
  test('a folder or FIFO named <id>.lock: one line saying what it is and what to do, never EISDIR or a hang', async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 's1.lock'));
    await expect(acquireLock(join(dir, 's1.lock'), 'ada', 'session s1')).rejects.toThrow(/^lock .*s1\.lock is a directory, not a file: a lock is a small file; if no wizard has this session open, remove it \(rm -r .*s1\.lock\)$/);
    spawnSync('mkfifo', [join(dir, 's2.lock')]);
    await expect(acquireLock(join(dir, 's2.lock'), 'ada', 'session s2')).rejects.toThrow(/^lock .*s2\.lock is not a regular file \(a device, FIFO or socket\)/);
  });
});
