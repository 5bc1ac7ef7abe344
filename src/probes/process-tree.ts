/**
 * Every process a probe's command started, and ending them all. Killing the
 * command's process group is not enough: a grandchild that called `setsid`
 * (daemons, `setsid sleep 30 &`) lives in a group of its own, keeps running,
 * and holds the command's output pipes open, which kept `check` alive until it
 * ended. So the tree is walked through /proc (`/proc/<pid>/task/<tid>/children`)
 * while the command runs, to remember descendants before they can be
 * reparented, and at the end every process whose environment carries the
 * run's marker (inherited by all descendants) is found through
 * /proc/<pid>/environ. Without /proc (not Linux) only the group is killed.
 * A pid is killed only while its start time is the one seen, so a reused pid
 * is never hit.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

interface Seen {
  startTime: string;
  pgid: number;
}

/** Fields of /proc/<pid>/stat after the command name: state is [0], pgid [2], starttime [19]. */
function stat(pid: number): Seen | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined; // a zombie holds nothing and cannot be killed
    return { startTime: f[19], pgid: Number(f[2]) };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      /* the task ended */
    }
  }
  return out;
}

const OWN_PGID = stat(process.pid)?.pgid;

function kill(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * The environment variable that marks every process of one command run: all
 * descendants inherit it, wherever they move (new session, reparented), so the
 * run can find them in /proc/<pid>/environ when their parent is long gone.
 */
export const RUN_MARKER = 'DEPLOY_WIZARD_PROBE_RUN';

/** A fresh marker value for one command run. */
export function newRunMarker(): string {
  return `${process.pid}-${randomBytes(8).toString('hex')}`;
}

/** Processes (other than this one) whose environment carries the marker. */
function marked(marker: string): number[] {
  const needle = Buffer.from(`${RUN_MARKER}=${marker}\0`);
  const out: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return out;
  }
  for (const p of pids) {
    try {
      const env = readFileSync(`/proc/${p}/environ`);
      const at = env.indexOf(needle);
      if (at === 0 || (at > 0 && env[at - 1] === 0)) out.push(Number(p));
    } catch {
      /* not ours to read, or gone */
    }
  }
  return out;
}

export interface ProcessTree {
  /** Remember the current descendants (called on a timer while the command runs). */
  poll(): void;
  /**
   * SIGKILL the group, every descendant seen (and its group, when it escaped
   * into one of its own) and every process carrying the run's marker.
   */
  killAll(): void;
  /** Stop polling. */
  stop(): void;
}

/**
 * Track the tree under `pid` (the leader of its own process group, `detached`),
 * started with `RUN_MARKER=marker` in its environment.
 */
export function trackProcessTree(pid: number | undefined, marker: string, intervalMs = 100): ProcessTree {
  const seen = new Map<number, Seen>();
  const poll = () => {
    if (!pid) return;
    const queue = [pid, ...[...seen.keys()]];
    const visited = new Set<number>();
    while (queue.length) {
      const p = queue.shift()!;
      if (visited.has(p)) continue;
      visited.add(p);
      for (const c of childrenOf(p)) {
        if (!seen.has(c)) {
          const s = stat(c);
          if (s) seen.set(c, s);
        }
        queue.push(c);
      }
    }
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  const killOne = (p: number, known?: Seen) => {
    const now = stat(p);
    if (!now || (known && now.startTime !== known.startTime)) return;
    if (now.pgid !== pid && now.pgid !== OWN_PGID && now.pgid > 1) kill(-now.pgid);
    kill(p);
  };
  return {
    poll,
    killAll() {
      if (!pid) return;
      poll();
      kill(-pid);
      for (const [p, s] of seen) killOne(p, s);
      for (const p of marked(marker)) killOne(p);
    },
    stop: () => clearInterval(timer),
  };
}
