/**
 * Terminal loss (the window closed, ssh dropped): the wizard takes the SIGHUP
 * path (cancel, save, exit 129) instead of crashing.
 *
 * Three things go wrong on a hung-up terminal without this module:
 * - a frame written to it fails with EIO (EPIPE on some ptys), emitted as an
 *   'error' event nobody listens to, so Node throws it;
 * - `setRawMode(false)` (Ink's unmount, our own cleanup) throws EIO;
 * - at exit Node restores the terminal settings it saw at start-up and
 *   asserts that this worked (`ResetStdio`): on a dead terminal it aborts the
 *   process (SIGSEGV) after the exit code was chosen. Node skips a descriptor
 *   that no longer refers to the file it saw, so the dead terminal's
 *   descriptors are pointed at /dev/null before the process ends.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

export interface TerminalWatch {
  /** True once a read, write or mode change on the terminal failed (or it closed). */
  lost(): boolean;
  /**
   * Call after Ink has unmounted: when the terminal is gone, close our streams
   * on it and, as the process exits, point its descriptors at /dev/null so
   * Node's exit does not abort.
   */
  release(): void;
}

/**
 * Watch stdin/stdout/stderr of the interactive wizard. `onLost` runs once,
 * the first time the terminal fails; errors on these streams never throw.
 */
export function watchTerminal(onLost: () => void): TerminalWatch {
  let lost = false;
  const markLost = () => {
    if (lost) return;
    lost = true;
    onLost();
  };
  const streams = [process.stdin, process.stdout, process.stderr];
  for (const s of streams) s.on('error', markLost);
  // A terminal that reaches end-of-file has hung up (raw mode: Ctrl-D is a key, not EOF).
  process.stdin.once('end', markLost);

  // Ink and our cleanup leave raw mode on unmount; on a dead terminal that throws EIO.
  const stdin = process.stdin as NodeJS.ReadStream & { setRawMode?: (mode: boolean) => NodeJS.ReadStream };
  const setRawMode = stdin.setRawMode?.bind(stdin);
  if (setRawMode) {
    stdin.setRawMode = (mode: boolean) => {
      if (lost) return stdin;
      try {
        return setRawMode(mode);
      } catch {
        markLost();
        return stdin;
      }
    };
  }

  return {
    lost: () => lost,
    release() {
      if (!lost) return;
      // The shell that owned the terminal hangs up again as it exits: nothing left to do for it.
      process.on('SIGHUP', () => {});
      process.stdin.pause();
      for (const s of streams) s.destroy();
      // At the very end, after the last write anyone could attempt, right before Node's own reset.
      process.once('exit', () => {
        for (const fd of [0, 1, 2]) pointAtDevNull(fd);
      });
    },
  };
}

/**
 * Re-open `fd` on /dev/null when it is a character device that no longer works
 * as a terminal (a hung-up pty); a file or pipe redirect is kept. Closing and
 * opening hands back the lowest free descriptor, which is `fd` itself.
 */
function pointAtDevNull(fd: number): void {
  try {
    if (!fstatSync(fd).isCharacterDevice() || isatty(fd)) return;
    closeSync(fd);
  } catch {
    return;
  }
  try {
    const got = openSync('/dev/null', fd === 0 ? 'r' : 'w');
    // Another descriptor slipped in first: the closed one is skipped by Node all the same.
    if (got !== fd) closeSync(got);
  } catch {
    /* left closed: Node skips a closed descriptor too */
  }
}
