/**
 * The session store interface. The JSON file store (file-store.ts) is the
 * default; a PostgreSQL store (team mode) implements the same interface.
 */
import type { Change } from './changes.js';
import type { Session } from './schema.js';
import type { Progress } from '../verdict/items.js';
import type { SignoffPolicy } from './signoff.js';

/** Progress as the verdict core counts it (settled = done + skipped + n/a; failed apart; all items of the session). */
export interface SessionSummary extends Progress {
  id: string;
  environment: string;
  operators: string[];
  /** `corrupt`: the file could not be read as a session (see `problem`); list shows it instead of failing. */
  status: Session['status'] | 'corrupt';
  /** A completed session's deployment status as signed off (SUCCESS, FAILED, ROLLED BACK). */
  outcome?: string;
  /** The completion in force went ahead with an override reason (`list` says so beside the outcome). */
  overridden?: boolean;
  updatedAt: string;
  /** When the session started (corrupt rows have none). */
  createdAt?: string;
  /** Set on corrupt rows: what is wrong with the file, e.g. "is not valid JSON (truncated?)". */
  problem?: string;
  /** The file a row was read from, when the store is file-based. */
  file?: string;
}

export interface NewSession {
  environment: string;
  operator: string;
  /** `policy`: the checklist's sign-off policy (signoffPolicy), stored in the session for the session core. */
  checklist: { path: string; hash: string; title: string; itemIds: string[]; policy?: SignoffPolicy };
}

/** A session held open by one process (and locked against other writers). */
export interface OpenSession {
  readonly id: string;
  /** The current document (redacted, validated). */
  current(): Session;
  /** Apply a change and persist it durably before resolving. */
  apply(change: Change): Promise<Session>;
  /** Subscribe to the document changing (own changes, or others' in team mode). */
  subscribe(listener: (session: Session, by: string) => void): () => void;
  /** Release the lock. */
  close(): Promise<void>;
  /**
   * Changes applied here but not yet durably saved (a write failed). They stay
   * in `current()` and are saved with the next change or `retrySave()`.
   * Stores that never keep unsaved changes leave this out.
   */
  unsaved?(): number;
  /** Try to save the unsaved changes now; rejects with the same one-line error when it still fails. */
  retrySave?(): Promise<void>;
  /**
   * Write the document with its unsaved changes somewhere else (the system temp
   * folder, owner-only) so the work can be restored by hand; its path, or
   * undefined when that failed too.
   */
  rescue?(): Promise<string | undefined>;
}

export interface SessionStore {
  list(): Promise<SessionSummary[]>;
  /** Read without locking (for `report`, `list`). */
  read(id: string): Promise<Session>;
  create(init: NewSession): Promise<OpenSession>;
  /** Open and lock; throws a UserError naming the holder when another process has it. */
  open(id: string, operator: string): Promise<OpenSession>;
  /** Release connections (team mode); the file store has none. */
  end?(): Promise<void>;
}
