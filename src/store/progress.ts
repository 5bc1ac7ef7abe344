/** Pure views over the checklist + session: walk order, progress, command blocks. */
import type { Checklist, Guidance, Item, Section } from '../checklist/types.js';
import type { ItemState, Session } from '../session/schema.js';
import type { ProbeResult } from '../probes/types.js';
import { isFailing } from '../probes/verdict.js';

/** Sections the operator walks through: those with items or guidance to show. */
export function walkSections(checklist: Checklist): Section[] {
  return checklist.sections.filter((s) => s.itemIds.length > 0 || s.guidance.length > 0);
}

export function itemState(session: Session, itemId: string): ItemState {
  return session.items[itemId]?.state ?? 'pending';
}

export interface Progress {
  /** Items not pending and not failed. */
  done: number;
  failed: number;
  total: number;
}

/** Item ids of a section and all its descendants. */
export function subtreeItemIds(checklist: Checklist, sectionId: string): string[] {
  const byId = new Map(checklist.sections.map((s) => [s.id, s]));
  const out: string[] = [];
  const visit = (id: string) => {
    const s = byId.get(id);
    if (!s) return;
    out.push(...s.itemIds);
    s.childIds.forEach(visit);
  };
  visit(sectionId);
  return out;
}

export function progressOf(session: Session, itemIds: readonly string[]): Progress {
  let done = 0;
  let failed = 0;
  for (const id of itemIds) {
    const st = itemState(session, id);
    if (st === 'failed') failed++;
    else if (st !== 'pending') done++;
  }
  return { done, failed, total: itemIds.length };
}

export function sectionProgress(checklist: Checklist, session: Session, sectionId: string): Progress {
  return progressOf(session, subtreeItemIds(checklist, sectionId));
}

/** The fenced shell blocks of a section (what `r` may run). */
export function commandBlocks(section: Section | undefined): Guidance[] {
  return (section?.guidance ?? []).filter((g) => g.kind === 'command' && (!g.lang || /^(ba|z)?sh|shell|console$/i.test(g.lang)) && firstWord(g.text) !== '');
}

/** The first word of the first non-comment line: what the operator types to confirm. */
export function firstWord(script: string): string {
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    return line.split(/\s+/)[0];
  }
  return '';
}

/**
 * Probe verdict for an item from the results of one run: verified when every
 * one of its probes passed, failed when any failed or errored, else undefined
 * (warn, skipped and inconclusive leave the state to the operator: an
 * inconclusive probe never verifies an item and never fails it).
 */
export function probeVerdict(item: Item, results: readonly ProbeResult[]): 'verified' | 'failed' | undefined {
  if (item.probes.length === 0 || results.length === 0) return undefined;
  if (results.some((r) => isFailing(r.status))) return 'failed';
  if (results.length >= item.probes.length && results.every((r) => r.status === 'pass')) return 'verified';
  return undefined;
}

/** A state glyph per item state (plain characters so NO_COLOR and 80 columns stay readable). */
export const GLYPH: Record<ItemState, string> = {
  pending: '[ ]',
  done: '[x]',
  verified: '[✓]',
  failed: '[✗]',
  skipped: '[-]',
  na: '[/]',
};
