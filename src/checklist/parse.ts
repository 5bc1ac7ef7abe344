/**
 * Checklist parser: Markdown text → Checklist model + problems. Pure (no I/O),
 * built on markdown-it's token stream and its line maps.
 *
 * - Headings at the top level make the section tree.
 * - `- [ ]` / `- [x]` list items are items. Content nested under an item
 *   (plain bullets, paragraphs, code) becomes that item's guidance; nested
 *   checkbox items are items of their own in the same section.
 * - Other lists, paragraphs and tables are section guidance; fenced or
 *   indented code is guidance of kind `command`.
 * - The table under a "Sign-off" heading gives the sign-off roles; a
 *   `**Deployment Status**: [ ] A [ ] B` line gives the statuses and bold
 *   labels after it (`**Notes**:`) the sign-off fields. These are consumed by
 *   the sign-off and not repeated as guidance.
 * - `<!-- probe: ... -->` / `<!-- id: ... -->` comments inside an item attach
 *   to it; anywhere else they are a problem.
 * - `<!-- watch: ... -->` makes a rollback criterion of the plain list item (or
 *   checklist item) it sits in: a probe judged over a window (src/watch/).
 */
import { createHash } from 'node:crypto';
import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';
import { findComments, isAnnotationBody, parseAnnotation, checkId } from './annotations.js';
import { itemBaseId, itemIdPrefix, sectionBaseId, slugify, uniqueIds } from './ids.js';
import type { Checklist, Criterion, Guidance, Item, ParseResult, Problem, ProbeSpec, ProbeValidator, Section, SignoffSpec, WindowSpec } from './types.js';
import { splitWindow } from './window.js';
import { CHECKBOX, closeOf, hasCheckbox, lineOf, newlines, withoutCommentLines, stripComments, inlineAnnotations, blockAnnotations, type FoundAnnotation } from './tokens.js';
import { probeSpec } from './probe-spec.js';
import { readSignoffPolicy } from './signoff-policy.js';

interface SectionDraft {
  title: string;
  depth: number;
  path: string[];
  /** Path segments used for ids (the document title left out). */
  segs: string[];
  parent?: SectionDraft;
  line: number;
  guidance: Guidance[];
  items: ItemDraft[];
  children: SectionDraft[];
  signoff: boolean;
  /** Set once the "Deployment Status" line was seen in this section. */
  afterStatus: boolean;
}

interface ItemDraft {
  text: string;
  line: number;
  checked: boolean;
  section: SectionDraft;
  probes: ProbeSpec[];
  guidance: Guidance[];
  explicitId?: { id: string; line: number };
  manual?: string;
}

interface CriterionDraft {
  text: string;
  line: number;
  section: SectionDraft;
  probe: ProbeSpec;
  window: WindowSpec;
  item?: ItemDraft;
  explicitId?: string;
}

const SIGNOFF_TITLE = /^sign[\s-]?off:?$/i;
const BOLD_LABEL = /^\*\*([^*\n]+?):?\*\*\s*:?/;
const NOT_ATTACHED = "annotation not attached to a checklist item: put it on the item's line or indent it under the item";

/** Lists nested deeper than this are not parsed; the lines markdown-it skips are reported, never dropped silently. */
export const MAX_LIST_DEPTH = 100;
/** The longest line read (the shipped checklist's longest is under 500 characters). */
export const MAX_LINE_CHARS = 16_384;
/** markdown-it's nesting levels: a list and its item are one each, so a list level costs two (a quote one). */
const MAX_NESTING = 2 * MAX_LIST_DEPTH + 2;

/** What markdown-it tells the parser through its `env`: the 0-based line ranges it skipped as nested too deep. */
type MarkdownEnv = {
  tooDeep: Array<[from: number, to: number]>;
};

let markdown: MarkdownIt | undefined;
/** One shared parser: html on (annotations are HTML comments), tables on, nothing that rewrites text. */
function md(): MarkdownIt {
  if (markdown) return markdown;
  const m = markdownIt('default', { html: true, linkify: false, typographer: false, maxNesting: MAX_NESTING });
  // At maxNesting markdown-it skips to the end of the enclosing range without a word (parser_block's
  // tokenize), which for a list is the rest of the document. Skip only the lines of the block too deep
  // (those indented at least as far as it), and note them.
  const tokenize = m.block.tokenize.bind(m.block);
  m.block.tokenize = (state, startLine, endLine) => {
    if (state.level < MAX_NESTING) return tokenize(state, startLine, endLine);
    let line = state.skipEmptyLines(startLine);
    const from = line;
    let to = line;
    for (; line < endLine && (state.isEmpty(line) || state.sCount[line] >= state.blkIndent); line++) if (!state.isEmpty(line)) to = line + 1;
    state.line = line;
    const skipped = (state.env as Partial<MarkdownEnv>).tooDeep;
    if (!skipped || to === from) return;
    // The items of one list too deep arrive one by one: one problem for the whole run of lines.
    const last = skipped[skipped.length - 1];
    let gap = last ? last[1] : from;
    while (gap < from && state.isEmpty(gap)) gap++;
    if (last && gap >= from) last[1] = Math.max(last[1], to);
    else skipped.push([from, to]);
  };
  return (markdown = m);
}

/**
 * Parse checklist Markdown. Never throws on any input text: problems are
 * returned. `validateProbe` checks each probe annotation (the registry's).
 */
export function parseChecklist(text: string, file: string, validateProbe: ProbeValidator): ParseResult {
  const parser = new ChecklistParser(text, file, validateProbe);
  return parser.run();
}

class ChecklistParser {
  private readonly lines: string[];
  private readonly problems: Problem[] = [];
  private readonly sections: SectionDraft[] = [];
  private readonly items: ItemDraft[] = [];
  private readonly criteria: CriterionDraft[] = [];
  private readonly stack: SectionDraft[] = [];
  private current?: SectionDraft;
  private title?: string;
  private firstHeading?: string;
  private readonly signoff: SignoffSpec = { roles: [], statuses: [], fields: [] };
  /** The fields already listed: a file of thousands of bold labels must not cost a scan each. */
  private readonly fieldsSeen = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly validateProbe: ProbeValidator,
  ) {
    this.lines = text.split(/\r\n|\r|\n/);
  }

  run(): ParseResult {
    // A line no checklist needs is not handed to markdown-it, whose inline rules slow down on it
    // (a 1 MB line of "[" takes seconds, more on a loaded machine): its own problem, the rest is read.
    this.lines.forEach((line, i) => {
      if (line.length <= MAX_LINE_CHARS) return;
      this.problem(i + 1, `line is ${line.length} characters long (at most ${MAX_LINE_CHARS}): not read; break it up or link to the text instead`);
      this.lines[i] = '';
    });
    const env: MarkdownEnv = { tooDeep: [] };
    const tokens = md().parse(this.lines.join('\n'), env);
    for (const [from, to] of env.tooDeep) {
      const lines = to - from > 1 ? `lines ${from + 1}-${to} are` : `line ${from + 1} is`;
      this.problem(from + 1, `list nested deeper than ${MAX_LIST_DEPTH} levels (or quotes deeper than ${MAX_NESTING - 1}): ${lines} not read; nest less deeply`);
    }
    this.blocks(tokens, 0, tokens.length, null);
    if (this.items.length === 0) this.problem(1, 'no checklist items (- [ ] ...) found');
    return { checklist: this.finish(), problems: this.sortedProblems() };
  }

  private problem(line: number, message: string): void {
    this.problems.push({ file: this.file, line, message });
  }

  private sortedProblems(): Problem[] {
    return this.problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.line - b.p.line || a.i - b.i).map(({ p }) => p);
  }

  /** The section content goes to; an implicit one when text precedes every heading. */
  private section(): SectionDraft {
    if (!this.current) {
      this.current = this.newSection('Checklist', 0, 1, undefined, false);
    }
    return this.current;
  }

  private newSection(title: string, depth: number, line: number, parent: SectionDraft | undefined, isTitle: boolean): SectionDraft {
    const path = depth === 0 ? [] : parent ? [...parent.path, title] : [title];
    const segs = parent ? [...parent.segs, title] : isTitle || depth === 0 ? [] : [title];
    const s: SectionDraft = { title, depth, path, segs, parent, line, guidance: [], items: [], children: [], signoff: SIGNOFF_TITLE.test(title.trim()), afterStatus: false };
    parent?.children.push(s);
    this.sections.push(s);
    return s;
  }

  /** Walk block tokens in [from, to); `owner` is the item they sit under, if any. */
  private blocks(tokens: Token[], from: number, to: number, owner: ItemDraft | null): void {
    let i = from;
    while (i < to) {
      const t = tokens[i];
      const end = closeOf(tokens, i, to);
      switch (t.type) {
        case 'heading_open':
          this.heading(tokens, i, owner);
          break;
        case 'paragraph_open':
          this.paragraph(tokens[i + 1], t, owner);
          break;
        case 'bullet_list_open':
        case 'ordered_list_open':
          this.list(tokens, i, end, owner);
          break;
        case 'fence':
        case 'code_block':
          this.addGuidance(owner, { kind: 'command', text: t.content.replace(/\n$/, ''), lang: t.type === 'fence' ? t.info.trim().split(/\s+/)[0] ?? '' : '', line: lineOf(t) });
          break;
        case 'table_open':
          this.table(tokens, i, end, owner);
          break;
        case 'html_block':
          this.annotations(blockAnnotations(t), owner);
          if (this.current?.signoff) readSignoffPolicy(t, this.signoff, (l, m) => this.problem(l, m));
          this.hiddenByComment(t);
          break;
        case 'blockquote_open':
          this.blocks(tokens, i + 1, end - 1, owner);
          break;
        default:
          // hr and anything else: nothing to keep, but look for stray annotations.
          this.strayAnnotations(tokens, i, end, owner);
      }
      i = end;
    }
  }

  private heading(tokens: Token[], i: number, owner: ItemDraft | null): void {
    const open = tokens[i];
    const inline = tokens[i + 1];
    this.annotations(inlineAnnotations(inline), null);
    const title = stripComments(inline?.content ?? '');
    const line = lineOf(open);
    if (owner || open.level > 0) {
      // A heading inside a list item or a quote is text, not a section.
      this.addGuidance(owner, { kind: 'text', text: title, line });
      return;
    }
    const depth = Number(open.tag.slice(1)) || 1;
    while (this.stack.length && this.stack[this.stack.length - 1].depth >= depth) this.stack.pop();
    const parent = this.stack[this.stack.length - 1];
    const isTitle = depth === 1 && this.title === undefined && !parent;
    if (isTitle) this.title = title;
    this.firstHeading ??= title;
    const s = this.newSection(title, depth, line, parent, isTitle);
    this.stack.push(s);
    this.current = s;
  }

  private paragraph(inline: Token, open: Token, owner: ItemDraft | null): void {
    this.annotations(inlineAnnotations(inline), owner);
    const line = lineOf(open);
    if (!owner && this.signoffLine(inline.content)) return;
    this.addGuidance(owner, { kind: 'text', text: this.source(open.map), line });
  }

  /** The "Deployment Status" choices and the bold labels after them. */
  private signoffLine(content: string): boolean {
    const m = BOLD_LABEL.exec(content);
    if (!m) return false;
    const label = m[1].trim();
    const s = this.section();
    const rest = content.slice(m[0].length);
    if (/status/i.test(label) && /\[[ xX]\]/.test(rest)) {
      const choices = rest
        .split(/\[[ xX]\]/)
        .slice(1)
        .map((c) => c.replace(/\s+/g, ' ').trim())
        .filter(Boolean);
      if (choices.length && this.signoff.statuses.length === 0) this.signoff.statuses = choices;
      s.afterStatus = true;
      return true;
    }
    if (s.afterStatus || s.signoff) {
      if (!this.fieldsSeen.has(label)) {
        this.fieldsSeen.add(label);
        this.signoff.fields.push(label);
      }
      return true;
    }
    return false;
  }

  private list(tokens: Token[], open: number, end: number, owner: ItemDraft | null): void {
    // Consecutive plain items of one list become one guidance block.
    let run: [number, number] | undefined;
    let runHasCriterion = false;
    const flush = () => {
      // A criterion's watch annotation is for the wizard, not for the operator to read in the guidance.
      if (run) this.addGuidance(owner, { kind: 'list', text: runHasCriterion ? withoutCommentLines(this.source(run)) : this.source(run), line: run[0] + 1 });
      run = undefined;
      runHasCriterion = false;
    };
    let k = open + 1;
    while (k < end - 1) {
      const li = tokens[k];
      const liEnd = closeOf(tokens, k, end - 1);
      if (li.type !== 'list_item_open') {
        k = liEnd;
        continue;
      }
      const first = tokens[k + 1];
      const inline = first?.type === 'paragraph_open' ? tokens[k + 2] : undefined;
      const box = inline ? CHECKBOX.exec(inline.content) : null;
      if (inline && box) {
        flush();
        const item: ItemDraft = {
          text: stripComments(inline.content.slice(box[0].length)),
          line: lineOf(inline),
          checked: box[1] !== ' ',
          section: this.section(),
          probes: [],
          guidance: [],
        };
        this.items.push(item);
        item.section.items.push(item);
        this.annotations(inlineAnnotations(inline), item);
        this.blocks(tokens, k + 4, liEnd - 1, item);
      } else if (hasCheckbox(tokens, k + 1, liEnd - 1)) {
        // A plain item holding checkbox items: keep its own text, then walk inside.
        flush();
        this.blocks(tokens, k + 1, liEnd - 1, owner);
      } else {
        const map = li.map ?? [lineOf(li) - 1, lineOf(li)];
        run = run ? [run[0], Math.max(run[1], map[1])] : [map[0], map[1]];
        if (this.plainCriterion(tokens, k + 1, liEnd - 1, inline, owner)) runHasCriterion = true;
      }
      k = liEnd;
    }
    flush();
  }

  private table(tokens: Token[], open: number, end: number, owner: ItemDraft | null): void {
    this.strayAnnotations(tokens, open + 1, end, owner);
    const s = this.section();
    if (!owner && s.signoff && this.signoff.roles.length === 0) {
      let inBody = false;
      let firstCell = false;
      for (let k = open; k < end; k++) {
        const t = tokens[k];
        if (t.type === 'tbody_open') inBody = true;
        else if (t.type === 'tr_open') firstCell = true;
        else if (inBody && firstCell && t.type === 'inline') {
          firstCell = false;
          const role = stripComments(t.content);
          if (role) this.signoff.roles.push(role);
        }
      }
      return;
    }
    this.addGuidance(owner, { kind: 'table', text: this.source(tokens[open].map), line: lineOf(tokens[open]) });
  }

  /**
   * A plain list item: a `watch:` annotation in it makes it a rollback
   * criterion; any other annotation is stray as before. True when it was one.
   */
  private plainCriterion(tokens: Token[], from: number, to: number, inline: Token | undefined, owner: ItemDraft | null): boolean {
    const found: FoundAnnotation[] = [];
    for (let k = from; k < to; k++) {
      const t = tokens[k];
      if (t.type === 'inline') found.push(...inlineAnnotations(t));
      else if (t.type === 'html_block') found.push(...blockAnnotations(t));
    }
    const isWatch = (a: FoundAnnotation) => a.terminated && /^\s*watch\s*:/i.test(a.body);
    const watch = found.filter(isWatch);
    this.annotations(found.filter((a) => !isWatch(a)), owner);
    const text = stripComments(inline?.content ?? '');
    for (const a of watch) this.criterion(text, inline ? lineOf(inline) : a.line, a, owner ?? undefined);
    return watch.length > 0;
  }

  /** A `watch:` annotation: the criterion's probe (checked like any probe) and its window. */
  private criterion(text: string, line: number, a: FoundAnnotation, item?: ItemDraft): void {
    const parsed = parseAnnotation(a.body);
    if (!parsed) return;
    if (!parsed.ok) return this.problem(a.line, parsed.message);
    const ann = parsed.annotation;
    if (ann.type !== 'watch') return;
    if (!text) return this.problem(a.line, 'watch annotation on a list item without text: say what the criterion is, e.g. "- Error rate exceeds 5% of requests"');
    const { window, params, problems } = splitWindow(ann.params);
    for (const message of problems) this.problem(a.line, message);
    const spec = probeSpec(ann.kind, params, ann.raw, a.line, this.validateProbe, (l, m) => this.problem(l, m));
    let explicitId: string | undefined;
    if (params.id !== undefined) {
      const idCheck = checkId(params.id);
      if (idCheck?.ok) explicitId = params.id;
    }
    if (spec && !problems.length) this.criteria.push({ text, line, section: this.section(), probe: spec, window, item, explicitId });
  }

  /** Annotations inside tokens that are kept only as text: attach to the owner or report. */
  private strayAnnotations(tokens: Token[], from: number, to: number, owner: ItemDraft | null): void {
    for (let k = from; k < to; k++) {
      const t = tokens[k];
      if (t.type === 'inline') this.annotations(inlineAnnotations(t), owner);
      else if (t.type === 'html_block') this.annotations(blockAnnotations(t), owner);
    }
  }

  private annotations(found: FoundAnnotation[], owner: ItemDraft | null): void {
    for (const a of found) {
      if (!a.terminated) {
        this.problem(a.line, 'unterminated annotation: "<!--" without a closing "-->"');
        continue;
      }
      if (!owner) {
        this.problem(a.line, NOT_ATTACHED);
        continue;
      }
      this.attach(owner, a);
    }
  }

  /**
   * A plain comment left open hides everything after it (on GitHub too): say
   * so, or the only symptom would be items silently missing.
   */
  private hiddenByComment(t: Token): void {
    const last = findComments(t.content).pop();
    if (!last || last.terminated || isAnnotationBody(last.body) || !t.map) return;
    const line = lineOf(t) + newlines(t.content, last.offset);
    if (t.map[1] - line > 0) this.problem(line, `unterminated HTML comment: "<!--" without "-->" hides lines ${line + 1}-${t.map[1]}`);
  }

  private attach(item: ItemDraft, a: FoundAnnotation): void {
    const parsed = parseAnnotation(a.body);
    if (!parsed) return;
    if (!parsed.ok) return this.problem(a.line, parsed.message);
    const ann = parsed.annotation;
    if (ann.type === 'id') return this.setId(item, ann.id, a.line);
    if (ann.type === 'manual') {
      if (item.manual !== undefined) return this.problem(a.line, 'item already has a manual reason; give it one');
      item.manual = ann.reason;
      return;
    }
    if (ann.type === 'watch') return this.criterion(item.text, item.line, a, item);
    const spec = probeSpec(ann.kind, ann.params, ann.raw, a.line, this.validateProbe, (l, m) => this.problem(l, m));
    if (!spec) return;
    if (ann.params.id !== undefined) this.setId(item, ann.params.id, a.line);
    item.probes.push(spec);
  }

  private setId(item: ItemDraft, id: string, line: number): void {
    if (item.explicitId && item.explicitId.id !== id) {
      this.problem(line, `item already has id "${item.explicitId.id}" (line ${item.explicitId.line}); give it one id`);
      return;
    }
    item.explicitId ??= { id, line };
  }

  private addGuidance(owner: ItemDraft | null, g: Guidance): void {
    if (!g.text.trim() && g.kind !== 'command') return;
    (owner ? owner.guidance : this.section().guidance).push(g);
  }

  /** Source lines of a line map, dedented, trailing blank lines dropped. */
  private source(map: [number, number] | null | undefined): string {
    if (!map) return '';
    const lines = this.lines.slice(map[0], map[1]);
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    // A loop, not Math.min(...lines): a block of 200k lines would overflow the call stack as arguments.
    let indent = Infinity;
    for (const l of lines) if (l.trim()) indent = Math.min(indent, /^[ \t]*/.exec(l)![0].length);
    return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
  }

  /** Ids, then the plain model. */
  private finish(): Checklist {
    const sectionIds = uniqueIds(this.sections.map((s) => sectionBaseId(s.segs, s.title)));
    const sectionId = new Map(this.sections.map((s, i) => [s, sectionIds[i]]));

    const firstUse = new Map<string, number>();
    const explicit = new Map<ItemDraft, string>();
    for (const item of this.items) {
      const e = item.explicitId;
      if (!e) continue;
      const seen = firstUse.get(e.id);
      if (seen !== undefined) this.problem(e.line, `duplicate id "${e.id}" (already used on line ${seen})`);
      else {
        firstUse.set(e.id, e.line);
        explicit.set(item, e.id);
      }
    }
    const auto = this.items.filter((item) => !explicit.has(item));
    const prefixes = new Map<SectionDraft, string>();
    const prefixOf = (s: SectionDraft) => prefixes.get(s) ?? prefixes.set(s, itemIdPrefix(s.segs)).get(s)!;
    const autoIds = uniqueIds(
      auto.map((item) => itemBaseId(item.section.segs, item.text, prefixOf(item.section))),
      new Set(firstUse.keys()),
    );
    const itemId = new Map<ItemDraft, string>(explicit);
    auto.forEach((item, i) => itemId.set(item, autoIds[i]));

    const items: Item[] = this.items.map((d) => {
      const item: Item = { id: itemId.get(d)!, text: d.text, sectionId: sectionId.get(d.section)!, line: d.line, checked: d.checked, probes: d.probes };
      if (d.guidance.length) item.guidance = d.guidance;
      if (d.manual !== undefined) item.manual = d.manual;
      return item;
    });
    const sections: Section[] = this.sections.map((s) => {
      const out: Section = {
        id: sectionId.get(s)!,
        title: s.title,
        depth: s.depth,
        path: s.path,
        line: s.line,
        guidance: s.guidance,
        itemIds: s.items.map((d) => itemId.get(d)!),
        childIds: s.children.map((c) => sectionId.get(c)!),
      };
      if (s.parent) out.parentId = sectionId.get(s.parent);
      return out;
    });
    const title = this.title ?? this.firstHeading ?? (this.file.split(/[\\/]/).pop() || this.file);
    const explicitCriteria = new Set(this.criteria.flatMap((c) => (c.explicitId ? [c.explicitId] : [])));
    const autoCriteria = uniqueIds(
      this.criteria.filter((c) => !c.explicitId).map((c) => slugify(c.text)),
      explicitCriteria,
    );
    let nextAuto = 0;
    const criteria: Criterion[] = this.criteria.map((c) => {
      const out: Criterion = { id: c.explicitId ?? autoCriteria[nextAuto++], text: c.text, sectionId: sectionId.get(c.section)!, line: c.line, probe: c.probe, window: c.window };
      if (c.item) out.itemId = itemId.get(c.item);
      return out;
    });
    return {
      file: this.file,
      title,
      hash: createHash('sha256').update(this.text).digest('hex'),
      sections,
      items,
      signoff: this.signoff,
      ...(criteria.length ? { criteria } : {}),
    };
  }
}
