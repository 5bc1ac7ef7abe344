/**
 * One-line summaries of a parsed checklist, for `validate` and other commands.
 */
import type { Checklist, Problem } from './types.js';
import { byCodeUnit } from '../order.js';

/** Probe counts per kind, most used first (ties by name). */
function probeCounts(checklist: Checklist): Array<[kind: string, count: number]> {
  const counts = new Map<string, number>();
  for (const item of checklist.items) for (const p of item.probes) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0]));
}

/** How many items a machine settles (the counts come from verdict/items.ts evidenceStrength, which the caller asks). */
export interface EvidenceCounts {
  proved: number;
  partly: number;
  byHand: number;
  /** Items left by hand or partly whose checklist says why (`<!-- manual: … -->`). */
  withReason: number;
}

/** `100 proved by a probe, 5 partly, 70 by hand, 20 of them with a reason`. */
function evidenceText(c: EvidenceCounts): string {
  return `${c.proved} proved by a probe, ${c.partly} partly, ${c.byHand} by hand${c.withReason ? `, ${c.withReason} of them with a reason` : ''}`;
}

/**
 * `FILE: ok — 175 items in 62 sections, 105 with a probe (100 proved by a probe, 5 partly, 70 by hand, 20 of them with a reason), 120 probes (http 11, …), 3 rollback criteria (watch), sign-off: 4 roles`:
 * how many items carry a probe, and how many a machine settles, says how much of the checklist is more than paper.
 */
export function summaryLine(file: string, checklist: Checklist, evidence?: EvidenceCounts): string {
  const counts = probeCounts(checklist);
  const total = counts.reduce((n, [, c]) => n + c, 0);
  const kinds = counts.length ? ` (${counts.map(([k, c]) => `${k} ${c}`).join(', ')})` : '';
  const probed = checklist.items.filter((i) => i.probes.length > 0).length;
  const roles = checklist.signoff.roles.length;
  const signoff = roles ? `sign-off: ${roles} role${roles === 1 ? '' : 's'}` : 'sign-off: no roles table';
  const criteria = checklist.criteria?.length ? `, ${checklist.criteria.length} rollback criteri${checklist.criteria.length === 1 ? 'on' : 'a'} (watch)` : '';
  const strength = evidence ? ` (${evidenceText(evidence)})` : '';
  return `${file}: ok — ${plural(checklist.items.length, 'item')} in ${plural(checklist.sections.length, 'section')}, ${probed} with a probe${strength}, ${plural(total, 'probe')}${kinds}${criteria}, ${signoff}`;
}

/** The `FILE:LINE: message` form every problem is printed in. */
export function problemLine(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
