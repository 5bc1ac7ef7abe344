/**
 * What a report says, computed once from a session and its checklist, so the
 * Markdown and JSON renderers agree: per-section counts, items needing
 * attention, rollback criteria, response times against a previous session.
 */
import type { Checklist, Section } from '../checklist/types.js';
import type { ItemState, Session } from '../session/schema.js';
import type { ProbeResult } from '../probes/types.js';
import { countStates, itemState, progressFromCounts, type Progress, type StateCounts } from '../verdict/items.js';
import { isFailing } from '../verdict/probe.js';
import { responseChange, responseMs, type CriterionVerdict } from '../verdict/rollback.js';

export { STATES, type StateCounts } from '../verdict/items.js';
export type { CriterionVerdict } from '../verdict/rollback.js';

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

/** Failed items, failing probes and operator overrides: what a reviewer reads first. */
export function needsAttention(session: Session, checklist: Checklist): AttentionEntry[] {
  const secs = new Map(checklist.sections.map((s) => [s.id, s]));
  const out: AttentionEntry[] = [];
  for (const item of checklist.items) {
    const rec = session.items[item.id];
    if (!rec) continue;
    const why: string[] = [];
    if (rec.state === 'failed') why.push('item failed');
    for (const p of rec.probes) if (isFailing(p.status)) why.push(`${p.kind} probe ${p.status}: ${p.summary}`);
    if (rec.override) why.push(`operator override: marked ${rec.state} over the probes`);
    if (!why.length) continue;
    const sec = secs.get(item.sectionId);
    out.push({ itemId: item.id, text: item.text, section: sec ? sectionLabel(checklist, sec) : item.sectionId, state: rec.state, why, note: rec.note });
  }
  return out;
}

/** Every probe result of a session with the item it belongs to, in checklist order. */
export function probeResults(session: Session, checklist?: Checklist): Array<{ itemId: string; result: ProbeResult }> {
  const order = checklist?.items.map((i) => i.id) ?? [];
  const ids = [...order.filter((id) => session.items[id]), ...Object.keys(session.items).filter((id) => !order.includes(id))];
  return ids.flatMap((itemId) => session.items[itemId].probes.map((result) => ({ itemId, result: result as ProbeResult })));
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
