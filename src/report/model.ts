/**
 * What a report says, computed once from a session and its checklist, so the
 * Markdown and JSON renderers agree: per-section counts, items needing
 * attention, rollback criteria, response times against a previous session.
 */
import type { Checklist, Section } from '../checklist/types.js';
import type { ItemState, Session } from '../session/schema.js';
import type { ProbeResult } from '../probes/types.js';
import { countStates, itemState, progressFromCounts, settlementOf, type Progress, type Settlement, type StateCounts } from '../verdict/items.js';
import type { ItemRecord } from '../session/schema.js';
import { isFailing } from '../verdict/probe.js';
import { responseChange, responseMs } from '../verdict/rollback.js';

export { STATES } from '../verdict/items.js';

export interface SectionSummary {
  sectionId: string;
  /** Titles below the document title, e.g. "Pre-Deployment Checklist › Environment Preparation". */
  label: string;
  counts: StateCounts;
}

/** The state of an item in this session (the verdict core's rule). */
export const stateOf = itemState;

/** A section's path without the document title, joined for display. */
export function sectionLabel(checklist: Checklist, section: Section): string {
  const top = Math.min(...checklist.sections.map((s) => s.depth));
  const path = section.depth > top && section.path.length > 1 ? section.path.slice(1) : section.path;
  return path.join(' › ');
}

/**
 * Items grouped by the section two levels below the document's top heading
 * (for the shipped checklist: "Pre-Deployment Checklist › Environment
 * Preparation"), which keeps the summary to a dozen rows instead of ~70.
 */
export function summarizeSections(session: Session, checklist: Checklist): { sections: SectionSummary[]; total: StateCounts; progress: Progress } {
  const byId = new Map(checklist.sections.map((s) => [s.id, s]));
  const top = checklist.sections.length ? Math.min(...checklist.sections.map((s) => s.depth)) : 1;
  const groups = new Map<string, { sectionId: string; label: string; itemIds: string[] }>();
  for (const item of checklist.items) {
    let sec = byId.get(item.sectionId);
    while (sec && sec.depth > top + 2 && sec.parentId && byId.has(sec.parentId)) sec = byId.get(sec.parentId);
    const key = sec?.id ?? item.sectionId;
    let g = groups.get(key);
    if (!g) {
      g = { sectionId: key, label: sec ? sectionLabel(checklist, sec) : key, itemIds: [] };
      groups.set(key, g);
    }
    g.itemIds.push(item.id);
  }
  const sections = [...groups.values()].map(({ sectionId, label, itemIds }) => ({ sectionId, label, counts: countStates(session, itemIds) }));
  const total = countStates(session, checklist.items.map((i) => i.id));
  return { sections, total, progress: progressFromCounts(total) };
}

export interface AttentionEntry {
  itemId: string;
  text: string;
  section: string;
  state: ItemState;
  /** Why it is listed: failed item, failed probe, operator override. */
  why: string[];
  note?: string;
}

/** Who set an item's state and when (older files: who touched it last, and when). */
export function settledBy(rec: ItemRecord): { by: string; at: string } {
  return rec.stateSet ? { by: rec.stateSet.by, at: rec.stateSet.at } : { by: rec.updatedBy, at: rec.updatedAt };
}

/** How an item got its state, in the words of the report's Items table. */
const HOW_LABEL: Record<Settlement, string> = {
  pending: '',
  proved: 'probe-verified',
  partly: 'partly proved (partial probes)',
  hand: 'by hand',
  override: 'override',
  skipped: 'skipped',
  na: 'by hand',
  'failed-probe': 'by probe',
  'failed-hand': 'by hand',
};

/** The Items table's "how": the settlement, with the reason typed for it (a skip, an override, a failed item marked otherwise). */
export function howText(rec: ItemRecord | undefined): string {
  const how = settlementOf(rec);
  const label = HOW_LABEL[how];
  return rec?.reason && how !== 'pending' ? `${label}: ${rec.reason}` : label;
}

/** Failed items, failing probes and operator overrides, each with who, when and the reason typed: what a reviewer reads first. */
export function needsAttention(session: Session, checklist: Checklist, time: (iso: string) => string = (iso) => iso): AttentionEntry[] {
  const secs = new Map(checklist.sections.map((s) => [s.id, s]));
  const out: AttentionEntry[] = [];
  for (const item of checklist.items) {
    const rec = session.items[item.id];
    if (!rec) continue;
    const why: string[] = [];
    const { by, at } = settledBy(rec);
    const because = rec.reason ? `: ${rec.reason}` : '';
    if (rec.state === 'failed') why.push(settlementOf(rec) === 'failed-probe' ? `item failed by its probes (${by}, ${time(at)})` : `item failed by hand by ${by} at ${time(at)}${because}`);
    for (const p of rec.probes) if (isFailing(p.status)) why.push(`${p.kind} probe ${p.status}: ${p.summary}`);
    if (rec.override) why.push(`operator override by ${by} at ${time(at)}: marked ${rec.state} over the probes${because || ' (no reason recorded)'}`);
    // A failed item marked done or n/a (asked for a reason) is a judgement over the record too.
    else if (rec.reason && rec.state !== 'skipped' && rec.state !== 'failed') why.push(`marked ${rec.state} by ${by} at ${time(at)}${because}`);
    if (!why.length) continue;
    const sec = secs.get(item.sectionId);
    out.push({ itemId: item.id, text: item.text, section: sec ? sectionLabel(checklist, sec) : item.sectionId, state: rec.state, why, note: rec.note });
  }
  return out;
}

export interface ResponseTime {
  itemId: string;
  label: string;
  /** p50 (baseline probe) or latency (http probe) in ms, this session. */
  currentMs?: number;
  /** The same measure in the previous session of this environment. */
  previousMs?: number;
  /** The probe's own stored baseline, when it had one. */
  baselineMs?: number;
  /** % change against the stored baseline the probe judged with, else against the previous session (the verdict core's responseChange). */
  increasePct?: number;
}


function latestTimes(session: Session): Map<string, { ms: number; result: ProbeResult }> {
  const out = new Map<string, { ms: number; result: ProbeResult }>();
  for (const [itemId, rec] of Object.entries(session.items)) {
    // Prefer a baseline probe (p50) over a single http latency.
    const probes = [...rec.probes].sort((a, b) => Number(a.kind === 'baseline') - Number(b.kind === 'baseline'));
    for (const p of probes) {
      const ms = responseMs(p as ProbeResult);
      if (ms === undefined) continue;
      out.set(itemId, { ms, result: p as ProbeResult });
    }
  }
  return out;
}

/**
 * Response times per item, this session against the previous one (and the
 * stored baseline). The increase is the verdict core's responseChange: the
 * same reference and the same figure as the rollback criterion's row.
 */
export function responseTimes(session: Session, checklist: Checklist, previous?: Session): ResponseTime[] {
  const now = latestTimes(session);
  const before = previous ? latestTimes(previous) : new Map<string, { ms: number; result: ProbeResult }>();
  const text = new Map(checklist.items.map((i) => [i.id, i.text]));
  const ids = [...new Set([...checklist.items.map((i) => i.id), ...now.keys(), ...before.keys()])].filter((id) => now.has(id) || before.has(id));
  return ids.map((itemId) => {
    const cur = now.get(itemId);
    const prev = before.get(itemId);
    const change = cur ? responseChange(cur.result, prev?.ms) : undefined;
    const baselineMs = cur?.result.metrics?.baseline_ms;
    return { itemId, label: text.get(itemId) ?? itemId, currentMs: cur?.ms, previousMs: prev?.ms, baselineMs, increasePct: change?.increasePct };
  });
}

/** The reference document's Rollback Decision Criteria, as the one evaluateRollback decides them (the wizard's banner and `check` ask the same core). */
export { evaluateRollback } from '../watch/saved.js';
