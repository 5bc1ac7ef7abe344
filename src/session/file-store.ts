/**
 * The default session store: one JSON document per session under the sessions
 * directory. (Contract stub: lands with the session issue.)
 */
import type { SessionStore } from './store.js';

export function createFileStore(dir: string): SessionStore {
  void dir;
  throw new Error('file store not built yet');
}
