/** Small builders shared by the session tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeRefused } from '../../src/session/changes.js';
import type { NewSession } from '../../src/session/store.js';

export function tempDir(prefix = 'dw-session-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function newSession(itemIds = ['deploy.a', 'deploy.b', 'deploy.c'], operator = 'alice'): NewSession {
  return { environment: 'production', operator, checklist: { path: 'checklists/x.md', hash: 'hash-1', title: 'Production checklist', itemIds } };
}

/** The message of the refusal `fn` meets (ChangeRefused); fails the test when the change goes through. */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ChangeRefused) return err.message;
    throw err;
  }
  throw new Error('the change was not refused');
}
