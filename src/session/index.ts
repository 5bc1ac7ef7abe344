/** The session folder's public API for the CLI and the UI. */
export { createFileStore, newSessionDocument, type FileStoreOptions } from './file-store.js';
export { releaseAllLocks } from './lock.js';
export { reconcile, type ChecklistShape, type Reconciled } from './reconcile.js';
export { reconcileOpenSession } from './resume.js';
export { describeSummary, findLatestUnfinished, formatRelative, percentDone, summarize, unfinished } from './summary.js';
export type { NewSession, OpenSession, SessionStore, SessionSummary } from './store.js';
