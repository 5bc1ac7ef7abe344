/**
 * Item states and counts, in one place: what "done" means, how a session's
 * progress is counted, and what a run of probes says about an item. The
 * wizard, the resume picker, `list` (file and team stores), the report and
 * `check` all ask here. Pure: no I/O.
 */
import type { Item } from '../checklist/types.js';
import type { ProbeResult } from '../probes/types.js';
import { isFailing } from './probe.js';

/** Every state an item can be in: the session document's enum is this one. */
export const ITEM_STATES = ['pending', 'done', 'verified', 'failed', 'skipped', 'na'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** What the item rules read of an item's record (the session document's record satisfies it). */
export interface ItemRecordView {
  state: ItemState;
  probes: readonly ProbeResult[];
  override?: boolean;
  stateSet?: { by: string; at: string; via: 'probe' | 'hand' };
}

/** What the item rules read of a session: its item records by id. */
export interface SessionItems {
  items: Readonly<Record<string, ItemRecordView>>;
}

/** Every item state, in the order a report lists them. */
export const STATES: ItemState[] = ['done', 'verified', 'failed', 'skipped', 'na', 'pending'];

/** The state of an item in this session (pending when never touched). */
export function itemState(session: SessionItems, itemId: string): ItemState {
  return session.items[itemId]?.state ?? 'pending';
}

/**
 * Progress as every screen and command shows it. `settled` is every item the
 * operator is through with without it failing; it is split, as the report's
 * summary row is, into `done` (done or verified: the work was done), `skipped`
 * and `na` (set aside, not done). `done` is split again by its evidence:
 * `proved` (verified by its probes), `partly` (verified by probes that each
 * prove only part of the item) and `byHand` (ticked by a person, with or
 * without an override). A failed item is counted apart (`✗`), never as progress.
 */
export interface Progress {
  settled: number;
  done: number;
  proved: number;
  partly: number;
  byHand: number;
  skipped: number;
  na: number;
  failed: number;
  total: number;
}

/** Items per state; `partly`: the verified ones whose passing probes are all partial (counted in `verified` too). */
export type StateCounts = Record<ItemState, number> & { total: number; partly: number };

export function emptyCounts(): StateCounts {
  return { done: 0, verified: 0, failed: 0, skipped: 0, na: 0, pending: 0, total: 0, partly: 0 };
}

/**
 * How an item got where it is, the one answer the report's Items table, the
 * overview and `list` share: verified by its probes (`proved`, or `partly`
 * when every passing probe proves only part of it), ticked `hand`, ticked
 * over its probes (`override`), failed by a probe run or by hand, set aside.
 */
export type Settlement = 'pending' | 'proved' | 'partly' | 'hand' | 'override' | 'skipped' | 'na' | 'failed-probe' | 'failed-hand';

export function settlementOf(rec: ItemRecordView | undefined): Settlement {
  switch (rec?.state ?? 'pending') {
    case 'pending':
      return 'pending';
    case 'verified': {
      const passing = rec!.probes.filter((p) => p.status === 'pass');
      return passing.length > 0 && passing.every((p) => p.partial) ? 'partly' : 'proved';
    }
    case 'done':
      return rec!.override ? 'override' : 'hand';
    case 'failed':
      // Older files do not say who failed it: a failing probe on the item stands for the probe run.
      return rec!.stateSet ? (rec!.stateSet.via === 'probe' ? 'failed-probe' : 'failed-hand') : rec!.probes.some((p) => isFailing(p.status)) ? 'failed-probe' : 'failed-hand';
    case 'skipped':
      return 'skipped';
    case 'na':
      return 'na';
  }
}

/** Items per state. */
export function countStates(session: SessionItems, itemIds: readonly string[]): StateCounts {
  const out = emptyCounts();
  for (const id of itemIds) {
    const rec = session.items[id];
    out[rec?.state ?? 'pending']++;
    if (rec?.state === 'verified' && settlementOf(rec) === 'partly') out.partly++;
    out.total++;
  }
  return out;
}

/** The one rule that turns state counts into progress. */
export function progressFromCounts(c: StateCounts): Progress {
  const done = c.done + c.verified;
  const partly = c.partly ?? 0;
  return { settled: done + c.skipped + c.na, done, proved: c.verified - partly, partly, byHand: c.done, skipped: c.skipped, na: c.na, failed: c.failed, total: c.total };
}

export function progressOf(session: SessionItems, itemIds: readonly string[]): Progress {
  return progressFromCounts(countStates(session, itemIds));
}

/**
 * A whole session's progress: the items it records. Reconciliation keeps
 * those equal to the checklist's items (removed ones move to `removedItems`
 * and are not counted), so this equals progressOf over the checklist.
 */
export function sessionProgress(session: SessionItems): Progress {
  return progressOf(session, Object.keys(session.items));
}

/** Whole percent settled, 0 for an empty checklist. */
export function percentDone(p: Pick<Progress, 'settled' | 'total'>): number {
  return p.total ? Math.floor((p.settled / p.total) * 100) : 0;
}

/** `26/175` or `26/175 ✗7`: settled of all, failed apart; the numbers of progressText. */
export function progressFigures(p: Pick<Progress, 'settled' | 'failed' | 'total'>): string {
  return `${p.settled}/${p.total}${p.failed ? ` ✗${p.failed}` : ''}`;
}

/** `26/175 settled` or `26/175 settled ✗7`: the one way progress is written in plain text. */
export function progressText(p: Pick<Progress, 'settled' | 'failed' | 'total'>): string {
  return `${p.settled}/${p.total} settled${p.failed ? ` ✗${p.failed}` : ''}`;
}

/**
 * `12 proved · 3 partly · 5 by hand · 4 skipped · 2 n/a` (zeros left out; `0 done` when nothing is
 * settled): what `settled` is made of, probe-verified apart from hand-ticked.
 */
export function progressBreakdown(p: Pick<Progress, 'done' | 'proved' | 'partly' | 'byHand' | 'skipped' | 'na'>): string {
  const parts = [
    ...(p.proved ? [`${p.proved} proved`] : []),
    ...(p.partly ? [`${p.partly} partly`] : []),
    ...(p.byHand ? [`${p.byHand} by hand`] : []),
    ...(p.skipped ? [`${p.skipped} skipped`] : []),
    ...(p.na ? [`${p.na} n/a`] : []),
  ];
  return parts.join(' · ') || '0 done';
}

/** `✓12 ~3`: probe-proved and partly proved of the settled, for a narrow column (`list`); empty when none. */
export function provedFigures(p: Pick<Progress, 'proved' | 'partly'>): string {
  return [...(p.proved ? [`✓${p.proved}`] : []), ...(p.partly ? [`~${p.partly}`] : [])].join(' ');
}

/** The progress fields of `list --json` and the team summary: the same names everywhere. */
export function progressFields(p: Progress): Progress & { percent: number } {
  return { settled: p.settled, done: p.done, proved: p.proved, partly: p.partly, byHand: p.byHand, skipped: p.skipped, na: p.na, failed: p.failed, total: p.total, percent: percentDone(p) };
}

/**
 * Probe verdict for an item from the results of one run: verified when every
 * one of its probes passed and at least one of them proves the whole item,
 * failed when any failed or errored, else undefined (warn, skipped and
 * inconclusive leave the state to the operator: an inconclusive probe never
 * verifies an item and never fails it; probes marked `evidence=partial` alone
 * never verify it either: a person settles it, seeing them as partial evidence).
 */
export function probeVerdict(item: Item, results: readonly ProbeResult[]): 'verified' | 'failed' | undefined {
  if (item.probes.length === 0 || results.length === 0) return undefined;
  if (results.some((r) => isFailing(r.status))) return 'failed';
  if (!provesItem(item)) return undefined;
  if (results.length >= item.probes.length && results.every((r) => r.status === 'pass')) return 'verified';
  return undefined;
}

/** Whether the item's probes can settle it: at least one is not marked partial. */
function provesItem(item: Pick<Item, 'probes'>): boolean {
  return item.probes.some((p) => !p.partial);
}

/** How a machine stands to an item: proved by its probes, partly (partial evidence only), or by hand (none). */
export type EvidenceStrength = 'proved' | 'partly' | 'by-hand';

/** The one rule for an item's evidence strength (validate, the report, the overview ask here). */
export function evidenceStrength(item: Pick<Item, 'probes'>): EvidenceStrength {
  return item.probes.length === 0 ? 'by-hand' : provesItem(item) ? 'proved' : 'partly';
}

/**
 * Whether an operator setting `state` overrides what the item's latest probes
 * said: any failing probe and not `failed`, or every probe passing and `failed`.
 */
export function overridesProbes(probes: ReadonlyArray<Pick<ProbeResult, 'status'>>, state: ItemState): boolean {
  // Back to pending (u) claims nothing, so it overrides nothing.
  if (state === 'pending' || probes.length === 0) return false;
  const bad = probes.some((p) => isFailing(p.status));
  const good = probes.every((p) => p.status === 'pass');
  return (bad && state !== 'failed') || (good && state === 'failed');
}
