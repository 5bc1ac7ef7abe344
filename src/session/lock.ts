/**
 * One lock per session: `<id>.lock` next to the document, holding
 * {operator, pid, host, since}. Created exclusively (link(2) of a fully
 * written temp file: fails with EEXIST like O_EXCL/`wx`, but the lock never
 * exists half-written, so a reader never sees an empty one).
 *
 * A lock whose pid is no longer alive on this host is stale and is taken over
 * under a guard file named after the exact stale content, so two processes
 * racing for the same stale lock cannot both win.
 */
import { link, unlink, writeFile } from 'node:fs/promises';
import { describeRefusal, INPUT_CAPS, InputFileError, readInputFile } from '../input-file.js';
import { readFileSync, unlinkSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';
import { displayPath } from './session-file.js';
import { clockText } from '../grammar/time-format.js';

export interface LockInfo {
  operator: string;
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Random, so two locks never have equal content. */
  token?: string;
}

export interface Lock {
  readonly path: string;
  readonly info: LockInfo;
  /** Set when a stale lock from a dead process was taken over. */
  readonly tookOverFrom?: LockInfo;
  release(): Promise<void>;
}

/** Locks this process holds: path → exact content, for release on exit. */
const held = new Map<string, string>();
let exitHookInstalled = false;

/**
 * Whether `pid` is a live process on this machine (EPERM means alive but not ours).
 * A zombie (killed, not yet reaped by its parent) still answers signal 0 but
 * will never write again: on Linux its /proc state `Z` (or `X`, dying) counts as dead.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** The process state letter from /proc/<pid>/stat (field 3), undefined off Linux or when gone. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "(comm)" may hold spaces and parentheses: the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || undefined;
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  const state = procState(pid);
  return state === 'Z' || state === 'X';
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.operator === 'string' && typeof v.since === 'string') {
      return v as LockInfo;
    }
  } catch {
    // fall through: unreadable
  }
  return undefined;
}

/**
 * When the process `pid` started (epoch ms), from /proc on Linux; undefined
 * elsewhere or when unknown. Lets a lock tell its holder from a later process
 * that reused the pid (common after a container restart: pids start again at 1).
 */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)"; comm may hold spaces. starttime is field 22 (index 19 here), in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return undefined;
    return (btime + ticks / 100) * 1000; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * A holder that cannot be alive: an unreadable lock file, or on this host a pid
 * that is gone or now belongs to a process started after the lock was taken.
 */
function isStale(info: LockInfo | undefined): boolean {
  if (!info) return true;
  if (info.host !== hostname()) return false;
  if (!isAlive(info.pid)) return true;
  const started = processStartMs(info.pid);
  const since = Date.parse(info.since);
  // 2 s of slack: boot time has one-second precision.
  return started !== undefined && Number.isFinite(since) && started > since + 2000;
}


/** Create `path` with `content` only if it does not exist (true) or report EEXIST (false). */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** The lock's text; undefined when it is gone. A lock that is not a small regular file is refused with what to do. */
async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readInputFile(path, INPUT_CAPS.lock)).toString('utf8');
  } catch (err) {
    if (err instanceof InputFileError && err.refusal === 'not-found') return undefined;
    if (err instanceof InputFileError) throw new UserError(`lock ${displayPath(path)} ${describeRefusal(err)}: a lock is a small file; if no wizard has this session open, remove it (rm -r ${displayPath(path)})`);
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Remove `path` if (and only if) it still holds exactly `stale`. Only holders of
 * the guard `<path>.takeover-<hash(stale)>` may do this, and the guard is itself
 * created exclusively (a guard left by a dead process is replaced the same way),
 * so at most one process removes a given stale lock and a fresh lock is never removed.
 */
async function removeIfUnchanged(path: string, stale: string, depth = 0): Promise<void> {
  if (depth > 4) return;
  const guard = `${path}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), operator: 'takeover', since: new Date().toISOString(), token: randomBytes(6).toString('hex') });
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusive(guard, mine)) {
      try {
        if ((await readText(path)) === stale) await unlink(path).catch(() => {});
      } finally {
        if ((await readText(guard)) === mine) await unlink(guard).catch(() => {});
      }
      return;
    }
    const other = await readText(guard);
    if (other === undefined) continue;
    if (isStale(parseLock(other))) await removeIfUnchanged(guard, other, depth + 1);
    else await sleep(10); // another process is taking it over right now
    if ((await readText(path)) !== stale) return;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' also runs after process.exit() in SIGINT/SIGTERM handlers; SIGKILL leaves a stale lock, taken over later.
  process.on('exit', releaseAllLocks);
}

/**
 * Take the lock at `path` for `operator`, or throw a UserError naming the
 * holder. `what` names the locked thing in the message (e.g. "session X").
 */
export async function acquireLock(path: string, operator: string, what: string): Promise<Lock> {
  const info: LockInfo = { operator, pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomBytes(6).toString('hex') };
  const content = JSON.stringify(info) + '\n';
  let tookOverFrom: LockInfo | undefined;
  for (let attempt = 0; ; attempt++) {
    if (await createExclusive(path, content)) break;
    const existing = await readText(path);
    if (existing === undefined) continue; // released between our attempt and the read
    const holder = parseLock(existing);
    if (!isStale(holder) || attempt >= 20) {
      const h = holder ?? { operator: 'someone', pid: 0, host: 'unknown host', since: '' };
      // From here we cannot tell whether a process on another machine is alive: say how to clear it by hand.
      const remote = h.host !== hostname() ? ` (if that process is gone, delete ${displayPath(path)})` : '';
      throw new UserError(`${what} is open by ${h.operator} (pid ${h.pid} on ${h.host}, since ${clockText(h.since, { seconds: false })}); close it there or wait${remote}`);
    }
    await removeIfUnchanged(path, existing);
    tookOverFrom = holder ?? { operator: 'unknown (unreadable lock)', pid: 0, host: hostname(), since: '' };
  }
  held.set(path, content);
  installExitHook();
  return {
    path,
    info,
    tookOverFrom,
    release: async () => {
      if (held.get(path) !== content) return;
      held.delete(path);
      if ((await readText(path)) === content) await unlink(path).catch(() => {});
    },
  };
}

/**
 * Release every lock this process holds, synchronously (safe in 'exit' and
 * signal handlers). The CLI calls it on SIGINT/SIGTERM before exiting.
 */
export function releaseAllLocks(): void {
  for (const [path, content] of held) {
    try {
      if (readFileSync(path, 'utf8') === content) unlinkSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}
