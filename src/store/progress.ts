/** Pure views over the checklist + session: walk order, progress, command blocks. */
import type { Checklist, Guidance, Section } from '../checklist/types.js';
import type { ItemState, Session } from '../session/schema.js';
import { progressOf, type Progress } from '../verdict/items.js';

// Counts and item verdicts are the verdict core's; re-exported for the views.
export { itemState, probeVerdict, progressBreakdown, progressOf, progressText, type Progress } from '../verdict/items.js';

/** Sections the operator walks through: those with items or guidance to show. */
export function walkSections(checklist: Checklist): Section[] {
  return checklist.sections.filter((s) => s.itemIds.length > 0 || s.guidance.length > 0);
}

/** Item ids of a section and all its descendants. */
function subtreeItemIds(checklist: Checklist, sectionId: string): string[] {
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

/** A state glyph per item state (plain characters so NO_COLOR and 80 columns stay readable). */
export const GLYPH: Record<ItemState, string> = {
  pending: '[ ]',
  done: '[x]',
  verified: '[✓]',
  failed: '[✗]',
  skipped: '[-]',
  na: '[/]',
};
