/**
 * What the detail view shows for one item, as plain lines (pure: no Ink, no
 * I/O): guidance, every probe result with its full summary and evidence, the
 * note in full, and the item's history from the event log. The view wraps and
 * scrolls these lines.
 */
import type { Checklist, Item } from '../checklist/types.js';
import type { Session } from '../session/schema.js';
import { itemState } from '../store/progress.js';
import { forTerminal } from '../text/escape.js';
import { guidanceLines } from './section-view.js';
import { shortTime } from './time-text.js';

export type DetailTone = 'title' | 'heading' | 'pass' | 'bad' | 'other' | 'dim' | 'plain' | 'command';

export interface DetailLine {
  text: string;
  tone: DetailTone;
  /** Continuation lines of a wrapped line are indented this much. */
  indent?: number;
}

const TONE: Record<string, DetailTone> = { pass: 'pass', fail: 'bad', error: 'bad', warn: 'other', skipped: 'dim', inconclusive: 'other' };


/** Every line of the detail view for `item` in `session`, unwrapped. */
export function detailLines(checklist: Checklist, session: Session, item: Item): DetailLine[] {
  const rec = session.items[item.id];
  const section = checklist.sections.find((s) => s.id === item.sectionId);
  const out: DetailLine[] = [];
  const push = (text: string, tone: DetailTone = 'plain', indent = 0) => out.push({ text: forTerminal(text), tone, indent });
  push(item.text, 'title');
  if (section) push(section.path.join(' › '), 'dim');
  const st = itemState(session, item.id);
  const who = rec ? ` — by ${rec.updatedBy} at ${shortTime(rec.updatedAt)}` : '';
  push(`state: ${st}${rec?.override ? ' (override of the probes)' : ''}${rec?.reason ? ` — reason: ${rec.reason}` : ''}${who}`);

  const guide = guidanceLines(item.guidance ?? []);
  if (guide.length) {
    push('Guidance', 'heading');
    for (const g of guide) push(g.text, g.command ? 'command' : 'plain', 2);
  }
  // The section's own guidance (text and command blocks) is the item's context too.
  const around = guidanceLines(section?.guidance ?? []);
  if (around.length) {
    push(`Section guidance (${section!.title})`, 'heading');
    for (const g of around) push(g.text, g.command ? 'command' : 'dim', 2);
  }

  push(`Probes (${item.probes.length} defined, ${rec?.probes.length ?? 0} with a result)`, 'heading');
  if (item.probes.length === 0) push(`no probes: this item is checked by hand${item.manual ? ` (${item.manual})` : ''}`, 'dim');
  else if (!item.probes.some((p) => !p.partial)) push(`partial evidence only: the probes cannot settle this item, a person does${item.manual ? ` (${item.manual})` : ''}`, 'other');
  for (const spec of item.probes) {
    const r = rec?.probes.find((p) => p.spec === spec.raw);
    if (!r) {
      push(`· not run   ${spec.kind}  ${spec.raw}`, 'dim', 4);
      continue;
    }
    push(`${r.status.toUpperCase()} ${r.kind}${r.partial ? ' (partial evidence)' : ''}: ${r.summary}`, TONE[r.status] ?? 'plain', 4);
    push(`  probe: ${r.spec}`, 'dim', 4);
    push(`  at ${shortTime(r.at)}, ${Math.round(r.durationMs)} ms${r.reason ? `, reason: ${r.reason}` : ''}`, 'dim', 4);
    if (r.evidence.length === 0) push('  (no evidence lines)', 'dim', 4);
    for (const e of r.evidence) for (const l of e.split('\n')) push(`  │ ${l}`, 'plain', 4);
  }
  // Results of probes no longer in the checklist (it changed since they ran).
  for (const r of rec?.probes ?? []) {
    if (item.probes.some((s) => s.raw === r.spec)) continue;
    push(`${r.status.toUpperCase()} ${r.kind}: ${r.summary} (probe no longer in the checklist)`, TONE[r.status] ?? 'plain', 4);
    for (const e of r.evidence) for (const l of e.split('\n')) push(`  │ ${l}`, 'plain', 4);
  }

  push('Note', 'heading');
  if (rec?.note) for (const l of rec.note.split('\n')) push(l, 'plain', 2);
  else push('no note (e adds one)', 'dim');

  const history = session.events.filter((e) => e.itemId === item.id);
  push(`History (${history.length} event${history.length === 1 ? '' : 's'})`, 'heading');
  if (history.length === 0) push('nothing has happened to this item yet', 'dim');
  for (const e of history) {
    const [first, ...rest] = (e.detail ?? '').split('\n');
    push(`${shortTime(e.at)} ${e.who}  ${e.what} ${first}`.trimEnd(), 'plain', 4);
    for (const l of rest) push(`  ${l}`, 'dim', 4);
  }
  return out;
}

/** Wrap one line to `width` columns (hard breaks inside long words); continuation rows get the line's indent. */
export function wrapLine(line: DetailLine, width: number): DetailLine[] {
  const w = Math.max(10, width);
  const pad = ' '.repeat(Math.min(line.indent ?? 0, w - 5));
  const rows: DetailLine[] = [];
  let rest = line.text;
  let first = true;
  while (true) {
    const room = first ? w : w - pad.length;
    if ([...rest].length <= room) {
      rows.push({ text: first ? rest : pad + rest, tone: line.tone });
      break;
    }
    const chars = [...rest];
    let cut = chars.slice(0, room).join('').lastIndexOf(' ');
    if (cut < room / 2) cut = room;
    const head = chars.slice(0, cut).join('');
    rows.push({ text: first ? head : pad + head, tone: line.tone });
    rest = chars.slice(cut).join('').replace(/^ /, '');
    first = false;
  }
  return rows;
}

/** All rows of the detail view at a width. */
export function detailRows(lines: DetailLine[], width: number): DetailLine[] {
  return lines.flatMap((l) => wrapLine(l, width));
}
