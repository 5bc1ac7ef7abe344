/** Small builders shared by the session tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewSession } from '../../src/session/store.js';

export function tempDir(prefix = 'dw-session-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function newSession(itemIds = ['deploy.a', 'deploy.b', 'deploy.c'], operator = 'alice'): NewSession {
  return { environment: 'production', operator, checklist: { path: 'checklists/x.md', hash: 'hash-1', title: 'Production checklist', itemIds } };
}
