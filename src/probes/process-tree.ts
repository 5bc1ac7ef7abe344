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
const RUN_MARKER = 'DEPLOY_WIZARD_PROBE_RUN';

/** A fresh marker value for one command run. */
function newRunMarker(): string {
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

interface ProcessTree {
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
function trackProcessTree(pid: number | undefined, marker: string, intervalMs = 100): ProcessTree {
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

/** How a process ended, as `runTree` reports it. */
export interface TreeResult {
  /** The exit status; undefined when it ended by a signal or never started. */
  exitCode?: number;
  /** The signal that ended it, when one did. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  all: string;
  timedOut: boolean;
  /** Ended by `signal` (cancel, lost terminal). */
  canceled: boolean;
  /** ENOENT (not found), EACCES (not executable), … when it could not start. */
  errorCode?: string;
  /** Why it could not start, one line. */
  message?: string;
}

export interface TreeOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  /** Ends the tree after this long (timedOut). */
  timeoutMs?: number;
  /**
   * After a cancel, how long the group has after SIGTERM before everything is
   * SIGKILLed (a command block may clean up); 0 (probes): SIGKILL at once.
   */
  graceMs?: number;
  /** Output as it arrives (stdout and stderr, UTF-8 decoded). */
  onOutput?: (chunk: string) => void;
  /** Keep the output (default true); a streamed command block keeps its own. */
  buffer?: boolean;
}

/**
 * After the command ended (or was killed), how long its output may take to
 * drain before our ends of the pipes are closed: a process we could not find
 * must not keep the run, or `check`, alive.
 */
const DRAIN_MS = 250;

/**
 * The one process runner (execa) of probes and command blocks. The child runs
 * in its own process group (`detached`) with a run marker in its environment;
 * when it exits, times out or is cancelled, everything it started goes (its
 * group, descendants that escaped with `setsid`, every process carrying the
 * marker), then the pipes get a moment to drain. Never rejects: a program
 * that cannot start is reported in `errorCode`/`message`.
 */
export async function runTree(file: string, args: string[], opts: TreeOptions = {}): Promise<TreeResult> {
  const { execa } = await import('execa');
  const signal = opts.signal ?? new AbortController().signal;
  const grace = opts.graceMs ?? 0;
  if (signal.aborted) return { stdout: '', stderr: '', all: '', timedOut: false, canceled: true };
  const marker = newRunMarker();
  const child = execa(file, args, {
    timeout: opts.timeoutMs,
    detached: true,
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: opts.buffer ?? true,
    cwd: opts.cwd,
    env: { ...opts.env, [RUN_MARKER]: marker },
    extendEnv: true,
    maxBuffer: 10_000_000,
    forceKillAfterDelay: false,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
  });
  if (opts.onOutput) {
    const onOutput = opts.onOutput;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => onOutput(c));
    child.stderr?.on('data', (c: string) => onOutput(c));
  }
  const tree = trackProcessTree(child.pid, marker);
  let ended = false;
  let canceled = false;
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(f, ms);
    t.unref();
    timers.push(t);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    tree.stop();
    tree.killAll();
    later(DRAIN_MS, drained);
  };
  // Our ends of the pipes close once no byte has arrived for a whole DRAIN_MS (never past the
  // deadline). Checked after the poll phase (setImmediate): on a loaded machine the timer can
  // fire before output already in the pipe was read, which cut a command's output short
  // (kubectl's JSON read as empty).
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  let lastBytes = -1;
  const drained = () =>
    setImmediate(() => {
      const bytes = ((child.stdout as { bytesRead?: number } | null)?.bytesRead ?? 0) + ((child.stderr as { bytesRead?: number } | null)?.bytesRead ?? 0);
      const finished = (child.stdout?.readableEnded ?? true) && (child.stderr?.readableEnded ?? true);
      if (!finished && bytes !== lastBytes && Date.now() < deadline) {
        lastBytes = bytes;
        later(DRAIN_MS, drained);
        return;
      }
      tree.killAll();
      child.stdout?.destroy();
      child.stderr?.destroy();
    });
  const cancel = () => {
    canceled = true;
    if (grace <= 0 || !child.pid) return end();
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    later(grace, end);
  };
  child.once('exit', end);
  signal.addEventListener('abort', cancel, { once: true });
  let expired = false;
  if (opts.timeoutMs) {
    later(opts.timeoutMs, () => {
      expired = !ended;
      end();
    });
  }
  let r: Awaited<typeof child>;
  try {
    r = await child;
  } finally {
    signal.removeEventListener('abort', cancel);
    end();
    for (const t of timers) clearTimeout(t);
  }
  const code = (r as { code?: string }).code ?? (r.exitCode === undefined && !r.signal ? /\b(ENOENT|EACCES|E2BIG)\b/.exec(String(r.message ?? ''))?.[1] : undefined);
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    all: String(r.all ?? ''),
    timedOut: Boolean(r.timedOut) || expired,
    canceled: canceled || signal.aborted,
    errorCode: code,
    message: code ? String(r.shortMessage ?? r.message ?? '').split('\n')[0] : undefined,
  };
}
