/** Whether test processes are still running, read from /proc. */
import { readFileSync } from 'node:fs';

/** Alive and not a zombie (an orphan nobody reaps yet has ended all the same). */
export function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
