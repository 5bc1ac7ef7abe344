/**
 * The default session store: one lowdb JSON document per session at
 * `DIR/<id>.json`, guarded by `DIR/<id>.lock`. Every document is redacted
 * before it is written; writes are atomic and durable (see atomic-write.ts);
 * damaged files are reported and kept aside, never replaced (session-file.ts).
 */
import { lstat, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { UserError } from '../errors.js';
import { redactDeep, type Redactor } from '../secrets/redactor.js';
import { applyChange, type Change } from './changes.js';
import { SCHEMA_VERSION, SessionSchema, type Session, type SessionEvent } from './schema.js';
import { newSessionDocument } from './new-document.js';
import type { NewSession, OpenSession, SessionStore, SessionSummary } from './store.js';
import { defaultWriteOps, tempPattern, writeFileAtomic, type WriteOps } from '../atomic-write.js';
import { displayPath, SessionFileAdapter } from './session-file.js';
import { acquireLock, isAlive, type Lock, type LockInfo } from './lock.js';
import { checkSessionId, newSessionId } from './ids.js';
import { summarize } from './summary.js';
import { emptyCounts, progressFromCounts } from '../verdict/items.js';
import { byCodeUnit } from '../order.js';

export interface FileStoreOptions {
  /** Applied to every document before it is written (from createRedactor(vars)). */
  redact?: Redactor;
  /** File operations for writes; tests inject failing ones to simulate ENOSPC/EACCES. */
  writeOps?: WriteOps;
}

const identity: Redactor = (s) => s;

/**
 * Every apply redacts the whole document, but almost all of its strings were
 * redacted before: remember results so only new text pays for the regexes
 * (median apply on a 175-item session with 500 events: ~45 ms → ~9 ms; see
 * test/session/apply-bench.ts).
 */
function memoize(redact: Redactor, max = 50_000): Redactor {
  if (redact === identity) return redact;
  const cache = new Map<string, string>();
  return (text) => {
    let out = cache.get(text);
    if (out === undefined) {
      if (cache.size >= max) cache.clear();
      out = redact(text);
      cache.set(text, out);
    }
    return out;
  };
}


function describeHolder(h: LockInfo): string {
  return `${h.operator} (pid ${h.pid} on ${h.host}${h.since ? `, since ${h.since}` : ''})`;
}

/** Whether something is at `file` (a link is not followed: the adapter refuses links). */
async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Refuse a sessions "folder" that is something else (a file): one sentence
 * for every command, instead of EEXIST from mkdir or ENOTDIR from a read.
 */
async function checkFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new UserError(`${displayPath(dir)} is a file, not a folder; pass a folder with --sessions-dir`);
  }
}

/** Create the sessions folder (0700) if missing. */
async function ensureDir(dir: string): Promise<void> {
  await checkFolder(dir);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new UserError(`cannot create the sessions folder ${displayPath(dir)}: ${(err as Error).message.split('\n')[0]}; pass --sessions-dir DIR`);
  }
}

/** Remove temp files of this session's document and lock left by processes killed mid-write. */
async function removeLeftoverTemps(dir: string, id: string): Promise<void> {
  const patterns = [tempPattern(`${id}.json`), tempPattern(`${id}.lock`)];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = patterns.map((p) => p.exec(name)).find(Boolean);
    if (m && Number(m[1]) !== process.pid && !isAlive(Number(m[1]))) await unlink(join(dir, name)).catch(() => {});
  }
}

/**
 * A copy of a document that could not be saved where it belongs, written
 * (owner-only, atomically) to the first folder that takes it: the system temp
 * folder, else the home folder. Its path, or undefined when none did.
 */
async function rescueCopy(doc: Session): Promise<string | undefined> {
  const name = `deploy-wizard-${doc.id}-unsaved-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.json`;
  for (const folder of [tmpdir(), homedir()]) {
    const file = join(folder, name);
    try {
      await writeFileAtomic(file, JSON.stringify(doc, null, 2) + '\n');
      return file;
    } catch {
      // try the next folder
    }
  }
  return undefined;
}

/** Open a session file store rooted at `dir`. */
export function createFileStore(dir: string, opts: FileStoreOptions = {}): SessionStore {
  const redact = memoize(opts.redact ?? identity);
  const ops = opts.writeOps ?? defaultWriteOps;
  const fileOf = (id: string) => join(dir, `${checkSessionId(id)}.json`);
  const missing = (id: string) => new UserError(`no session ${id} in ${displayPath(dir)} (see deploy-wizard list)`);
  /** Redact then validate: what is written is always a valid, secret-free document. */
  const clean = (s: Session): Session => SessionSchema.parse(redactDeep(s, redact));

  async function read(id: string): Promise<Session> {
    await checkFolder(dir);
    const session = await new SessionFileAdapter(fileOf(id), ops).read();
    if (!session) throw missing(id);
    return session;
  }

  /** Wrap a locked, loaded document as an OpenSession with a serialized apply queue. */
  function openHandle(db: Low<Session>, lock: Lock, operator: string): OpenSession {
    const listeners = new Set<(s: Session, by: string) => void>();
    let queue: Promise<unknown> = Promise.resolve();
    let closed = false;
    /** Changes in db.data that are not on disk yet (their write failed). */
    let unsaved = 0;
    const save = async () => {
      await db.write();
      unsaved = 0;
      for (const l of listeners) l(db.data, operator);
    };
    const doApply = async (change: Change): Promise<Session> => {
      if (closed) throw new UserError(`session ${db.data.id} is closed; open it again to make changes`);
      // The document in memory is already clean (redacted and validated when it
      // was read or created), so only what the change brings needs redacting:
      // re-walking and re-validating the whole document on every keystroke cost
      // more than the fsync and most of the wizard's garbage.
      // A change whose write fails is kept, not dropped: every write is the
      // whole document, so the next change (a cursor move is enough) saves it too.
      db.data = applyChange(db.data, redactDeep(change, redact), { who: redact(operator) });
      unsaved++;
      await save();
      return db.data;
    };
    const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
      const run = queue.then(task);
      queue = run.catch(() => {});
      return run;
    };
    return {
      id: db.data.id,
      current: () => db.data,
      apply: (change) => enqueue(() => doApply(change)),
      unsaved: () => unsaved,
      retrySave: () => enqueue(async () => (unsaved ? save() : undefined)),
      rescue: () => enqueue(() => rescueCopy(db.data)),
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async close() {
        if (closed) return;
        await queue;
        closed = true;
        listeners.clear();
        await lock.release();
      },
    };
  }

  /** Append an event the store itself records (takeover, migration) and save. */
  async function record(db: Low<Session>, events: SessionEvent[]): Promise<void> {
    if (!events.length) return;
    db.data = clean({ ...db.data, events: [...db.data.events, ...events] });
    await db.write();
  }

  return {
    async list(): Promise<SessionSummary[]> {
      await checkFolder(dir);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new UserError(`cannot read the sessions folder ${displayPath(dir)}: ${(err as Error).message.split('\n')[0]}`);
      }
      const rows: SessionSummary[] = [];
      for (const name of names) {
        if (!name.endsWith('.json')) continue;
        const file = join(dir, name);
        // Through the adapter that opens a session: the same bytes, checks and diagnosis.
        const d = await new SessionFileAdapter(file, ops).inspect().catch((err: Error) => ({ ok: false as const, problem: err.message, damaged: true }));
        if (!d) continue;
        if (d.ok) rows.push({ ...summarize(d.session), file });
        else {
          const mtime = await stat(file).then((s) => s.mtime.toISOString(), () => new Date(0).toISOString());
          rows.push({ id: name.slice(0, -5), environment: '?', operators: [], ...progressFromCounts(emptyCounts()), status: 'corrupt', updatedAt: mtime, problem: d.problem, file });
        }
      }
      return rows.sort((a, b) => byCodeUnit(b.updatedAt, a.updatedAt));
    },

    read,

    async create(init: NewSession): Promise<OpenSession> {
      await ensureDir(dir);
      for (let attempt = 0; ; attempt++) {
        const id = newSessionId(init.environment);
        const file = fileOf(id);
        const lock = await acquireLock(`${file.slice(0, -5)}.lock`, init.operator, `session ${id}`).catch((err) => {
          if (attempt < 5) return undefined; // same id being created elsewhere this minute: pick another suffix
          throw err;
        });
        if (!lock) continue;
        if (await exists(file)) {
          await lock.release();
          if (attempt < 5) continue;
          throw new UserError(`could not pick a new session id in ${displayPath(dir)}; try again`);
        }
        const db = new Low<Session>(new SessionFileAdapter(file, ops), clean(newSessionDocument(id, init)));
        try {
          await db.write();
        } catch (err) {
          await lock.release();
          throw err;
        }
        return openHandle(db, lock, init.operator);
      }
    },

    async open(id: string, operator: string): Promise<OpenSession> {
      const file = fileOf(id);
      await checkFolder(dir);
      // Fail on a missing file before taking the lock, so nothing is left behind.
      if (!(await exists(file))) throw missing(id);
      const lock = await acquireLock(join(dir, `${id}.lock`), operator, `session ${id}`);
      try {
        // lowdb's Low reads the document once, through the adapter (validated, migrated,
        // damaged files kept aside), holds it, and writes it back through the same adapter.
        const adapter = new SessionFileAdapter(file, ops);
        // null until read: the file is the only source of the document.
        const db = new Low<Session>(adapter, null as unknown as Session);
        await db.read();
        if (!db.data) throw missing(id);
        // Redact once with today's variables (applies then only redact what they add).
        db.data = clean(db.data);
        await removeLeftoverTemps(dir, id);
        const at = new Date().toISOString();
        const events: SessionEvent[] = [];
        if (lock.tookOverFrom) {
          events.push({ at, who: operator, what: 'lock.takeover', detail: `stale lock of ${describeHolder(lock.tookOverFrom)} taken over` });
        }
        if (adapter.idFrom !== undefined) {
          events.push({ at, who: operator, what: 'session.rename', detail: `file ${id}.json held id ${adapter.idFrom}: the file name is the id, now ${id}` });
        }
        if (adapter.migratedFrom !== undefined) {
          // Keep the old version's bytes (as the adapter read them) before the first write in the new shape.
          if (adapter.migratedBytes) await writeFileAtomic(`${file}.v${adapter.migratedFrom}`, adapter.migratedBytes, ops).catch(() => {});
          events.push({ at, who: operator, what: 'session.migrate', detail: `schema version ${adapter.migratedFrom} → ${SCHEMA_VERSION}; old file kept as ${id}.json.v${adapter.migratedFrom}` });
        }
        await record(db, events);
        return openHandle(db, lock, operator);
      } catch (err) {
        await lock.release();
        throw err;
      }
    },
  };
}
