/**
 * The local journal of changes made while the database was unreachable:
 * `<sessions dir>/<id>.pending.jsonl`, mode 0600, one JSON line per change,
 * fsynced before the change is acknowledged, so a crash while offline loses
 * nothing. Entries carry a unique change id: replaying one the database already
 * holds is refused there, so a replay after a crash never duplicates a change.
 * A change the store refused (e.g. the session was completed meanwhile) stays
 * in the journal, marked `refused` with why: it is never replayed, and never
 * deleted for its author without a word.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../atomic-write.js';
import type { Change } from './changes.js';

export interface PendingChange {
  changeId: string;
  who: string;
  at: string;
  change: Change;
  /** Set when the store refused the change: why, and when that was decided. Never replayed. */
  refused?: { why: string; at: string };
}

export function journalPath(dir: string, id: string): string {
  return join(dir, `${id}.pending.jsonl`);
}

/** Append one entry durably (created 0600, dir 0700 when missing). */
export function appendPending(path: string, dir: string, entry: PendingChange): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, JSON.stringify(entry) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The entries still to be saved (not refused), oldest first. */
export function readPending(path: string): PendingChange[] {
  return readJournal(path).filter((e) => !e.refused);
}

/** The entries the store refused, kept for their author. */
export function readRefused(path: string): PendingChange[] {
  return readJournal(path).filter((e) => e.refused);
}

/** Every complete entry in the journal (a line torn by a crash is skipped: its change was never acknowledged). */
function readJournal(path: string): PendingChange[] {
  if (!existsSync(path)) return [];
  const out: PendingChange[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as PendingChange;
      if (e && typeof e.changeId === 'string' && e.change && typeof e.change.type === 'string') out.push(e);
    } catch {
      /* torn last line */
    }
  }
  return out;
}

/** Drop the entries now saved in the database; remove the file when none is left (refused ones stay). */
export function removePending(path: string, saved: Set<string>): void {
  rewrite(path, readJournal(path).filter((e) => !saved.has(e.changeId)));
}

/** Mark an entry refused by the store (kept, never replayed). */
export function markRefused(path: string, changeId: string, why: string, at: string): void {
  rewrite(path, readJournal(path).map((e) => (e.changeId === changeId ? { ...e, refused: { why, at } } : e)));
}

function rewrite(path: string, rest: PendingChange[]): void {
  if (rest.length === 0) {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
    return;
  }
  writeFileAtomicSync(path, rest.map((e) => JSON.stringify(e)).join('\n') + '\n');
}
