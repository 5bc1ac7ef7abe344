/**
 * Team mode's sync: how one batch of this terminal's changes reaches the
 * stored document. Group commit, optimistic first (`UPDATE … WHERE revision =
 * $base`: one round trip when nobody else wrote), then under the row lock
 * (`SELECT … FOR UPDATE`: busy sessions queue in the database instead of
 * colliding again). Re-applying a change on the fresh document is the merge
 * (a change is an operation: different items both land; the same item: see
 * applyChange's conflict rule, both events kept). A change the fresh document
 * refuses leaves the batch (the session core keeps and records it); a replay
 * of changes saved already (a commit we did not hear back from, a journal) is
 * told apart by change id, so nothing is saved twice.
 */
import { UserError } from '../errors.js';
import { ChangeRefused } from './changes.js';
import type { Session } from './schema.js';
import type { DocAdapter, Fresh, WriteRequest } from './pg-adapter.js';
import type { PendingChange } from './pg-journal.js';

/**
 * Optimistic attempts before taking the row lock. One: uncontended changes cost
 * a single round trip; contended ones then queue on the lock (fair, no
 * starvation) instead of re-colliding, which measured ~10x slower with 3 writers.
 */
export const OPTIMISTIC_ATTEMPTS = 1;
/** Transient refusals worth another try: serialization failure, deadlock, lock not available, query canceled (timeout). */
const RETRYABLE = new Set(['40001', '40P01', '55P03', '57014']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A change made here and not yet in the database, with whoever waits for it to be kept. */
export interface Outgoing {
  entry: PendingChange;
  /** In `<id>.pending.jsonl` already (made or left offline). */
  journalled: boolean;
  /** Its caller has heard already (kept offline, or left by an earlier run): a later refusal goes to the onRefused listeners. */
  answered: boolean;
  settle(doc: Session): void;
  fail(err: unknown): void;
}

/** What the sync needs of the session core. */
export interface SyncHost {
  readonly id: string;
  /** Still waiting to be saved (a refusal, or a rebuild on what the others did, takes a change off). */
  queued(o: Outgoing): boolean;
  /** The stored document as this terminal last read or wrote it. */
  base(): { doc: Session; revision: number };
  /** A fresher stored document (read under the row lock): show what the others did, our changes on top. */
  adopt(fresh: Fresh): void;
  /** `o` applied on `doc` (throws ChangeRefused). */
  applyLocal(doc: Session, o: Outgoing): Session;
  /** `o` is refused on `on`: off the queue, kept, recorded, told. */
  refuse(o: Outgoing, err: ChangeRefused, on: Session): void;
  /** Some changes of the batch were refused: show the document without them. */
  refusedSome(): void;
  /** The write of `todo` on top of revision `base`. */
  request(base: number, next: Session, todo: Outgoing[]): WriteRequest;
  /** A batch is committed at `revision` as `next`. */
  saved(batch: Outgoing[], next: Session, revision: number): void;
  /** These were saved already (a replay): off the queue and the journal. */
  forgetSaved(batch: Outgoing[]): void;
  /** Take the stored document. */
  reload(): Promise<void>;
}

/** Save `batch` in one transaction; throws connection errors as they are, a UserError after `maxAttempts`. */
export async function saveBatch(host: SyncHost, docs: DocAdapter, batch: Outgoing[], maxAttempts: number): Promise<void> {
  let todo = batch;
  /**
   * The batch on top of `doc`. `final` (the document under the row lock): a
   * change it refuses leaves the batch and the queue, and its caller hears
   * why; otherwise (maybe stale) undefined, and the locked path decides.
   */
  const onTop = (doc: Session, final: boolean): Session | undefined => {
    // Refused meanwhile (e.g. by a rebuild on what the others did).
    todo = todo.filter((o) => host.queued(o));
    let d = doc;
    const kept: Outgoing[] = [];
    for (const o of todo) {
      try {
        d = host.applyLocal(d, o);
        kept.push(o);
      } catch (err) {
        if (!(err instanceof ChangeRefused)) throw err;
        if (!final) return undefined;
        host.refuse(o, err, d);
      }
    }
    if (kept.length < todo.length) {
      todo = kept;
      host.refusedSome();
    }
    return d;
  };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      if (attempt <= OPTIMISTIC_ATTEMPTS) {
        const { doc, revision: base } = host.base();
        const next = onTop(doc, false);
        // Refused on what this terminal last heard (maybe stale): the locked path decides on the fresh document.
        if (!next) continue;
        if (!todo.length) return;
        const revision = await docs.write(host.request(base, next, todo));
        if (revision !== undefined) return host.saved(todo, next, revision);
        // Someone else wrote first: re-apply on the fresh document, under the row lock this time
        // so busy sessions queue in the database instead of colliding again.
        continue;
      }
      const done = await docs.locked(host.id, async (fresh, writeLocked) => {
        // Show what the others did first, with who did it; our unsaved changes stay on top.
        host.adopt(fresh);
        const next = onTop(fresh.doc, true)!;
        // All refused: nothing to save.
        if (!todo.length) return { next, revision: undefined, nothing: true };
        return { next, revision: await writeLocked(host.request(fresh.revision, next, todo)), nothing: false };
      });
      if (done.nothing) return;
      if (done.revision !== undefined) return host.saved(todo, done.next, done.revision);
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      // Some are saved already (a retry after a commit we did not hear back from, or a replayed journal).
      if (e.code === '23505' && e.constraint === 'events_session_change') {
        const saved = await docs.savedChangeIds(host.id, todo.map((o) => o.entry.changeId));
        await host.reload();
        host.forgetSaved(todo.filter((o) => saved.has(o.entry.changeId)));
        todo = todo.filter((o) => !saved.has(o.entry.changeId));
        if (!todo.length) return;
        continue;
      }
      if (!RETRYABLE.has(e.code ?? '')) throw err;
    }
    // Jitter so two writers that failed together do not retry in lockstep.
    await sleep(Math.random() * Math.min(250, 10 * 2 ** attempt));
  }
  throw new UserError(`could not save a change to session ${host.id} after ${maxAttempts} attempts (the database kept refusing it); try again`);
}
