/**
 * The one lifecycle root of every command: abort, signals and the exit code.
 *
 * `main` creates it once, before a command runs, and hands it to the command.
 * SIGINT and SIGTERM ask the command to stop as an interrupt (exit 130),
 * SIGHUP (and a terminal that failed: ./terminal.ts) as a hang-up (exit 129;
 * a hang-up wins over an interrupt). A stop aborts `signal`, which cancels
 * probes and command blocks (their process trees are killed by the runner),
 * and calls the command's `onStop` so it can save and print what it measured.
 *
 * The handlers stay installed until the process ends: a terminal that hangs up
 * sends SIGHUP more than once (the tty, then the exiting session leader), and a
 * repeat arriving while the wizard saves must not kill it by Node's default
 * action and leave its lock behind. A command that has not taken stops over
 * (`handle`) has nothing to save: a signal ends the process at once with the
 * code. A second SIGINT/SIGTERM ends a command at once when it asks for that
 * (`exitOnRepeat`), so nothing can hold a terminal; SIGHUP repeats are ignored.
 */
export const EXIT_HANGUP = 129;
export const EXIT_INTERRUPTED = 130;

type StopReason = 'interrupt' | 'hangup';

const SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', StopReason>> = { SIGINT: 'interrupt', SIGTERM: 'interrupt', SIGHUP: 'hangup' };

interface StopHandling {
  /** Called on every stop request (the first aborts `signal` before it is called). */
  onStop?: (why: StopReason, nth: number) => void;
  /** A repeated SIGINT/SIGTERM exits at once (probes were already cancelled by the first). */
  exitOnRepeat?: boolean;
}

export interface Lifecycle {
  /** Aborted by the first stop request: hand it to probes, command blocks, waits. */
  readonly signal: AbortSignal;
  /** Why the command was asked to stop, if it was. */
  readonly reason: StopReason | undefined;
  /** Ask the command to stop (a signal does this; so does a terminal that went away). */
  stop(why: StopReason): void;
  /** The command takes stops over: it cancels, saves and reports itself. Returns a release. */
  handle(handling?: StopHandling): () => void;
  /** The code to exit with: 129/130 when the command was stopped from outside, else `code`. */
  exitCode(code: number): number;
  /** The command is done: later signals end the process at once with its code. */
  finish(code: number): void;
}

export interface LifecycleHost {
  on(signal: NodeJS.Signals, handler: () => void): unknown;
  exit(code: number): never | void;
}

function codeFor(reason: StopReason): number {
  return reason === 'hangup' ? EXIT_HANGUP : EXIT_INTERRUPTED;
}

/** The lifecycle of this process's command (installs the signal handlers; `host` is for tests). */
export function createLifecycle(host: LifecycleHost = process): Lifecycle {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  let interrupts = 0;
  let requests = 0;
  let finished: number | undefined;
  const handlers = new Set<StopHandling>();

  const life: Lifecycle = {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    stop(why) {
      if (finished !== undefined) {
        host.exit(reason ? codeFor(reason) : finished);
        return;
      }
      reason = reason === 'hangup' ? 'hangup' : why;
      requests++;
      if (why === 'interrupt') interrupts++;
      if (!controller.signal.aborted) controller.abort(new Error(why === 'hangup' ? 'the terminal went away' : 'interrupted'));
      if (!handlers.size) {
        host.exit(codeFor(reason));
        return;
      }
      if (why === 'interrupt' && interrupts > 1 && [...handlers].some((h) => h.exitOnRepeat)) {
        host.exit(codeFor(reason));
        return;
      }
      for (const h of [...handlers]) h.onStop?.(why, requests);
    },
    handle(handling = {}) {
      handlers.add(handling);
      return () => handlers.delete(handling);
    },
    exitCode(code) {
      return reason ? codeFor(reason) : code;
    },
    finish(code) {
      finished = life.exitCode(code);
      handlers.clear();
    },
  };
  for (const [signal, why] of Object.entries(SIGNALS) as [NodeJS.Signals, StopReason][]) host.on(signal, () => life.stop(why));
  return life;
}
