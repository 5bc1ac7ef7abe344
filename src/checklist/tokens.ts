/**
 * Reading markdown-it's token stream for the checklist parser: where a block
 * closes, whether a list item has a checkbox, line numbers from line maps and
 * offsets, and the HTML comments (annotations) inside inline text and HTML
 * blocks. Pure.
 */
import type { Token } from 'markdown-it';
import { findComments, isAnnotationBody } from './annotations.js';

/** `[ ]` / `[x]` opening a list item's text: a checklist item. */
export const CHECKBOX = /^\[([ xX])\](?:[ \t]+|$)/;

/** An HTML comment found in the text, with its line. */
export interface FoundAnnotation {
  line: number;
  body: string;
  terminated: boolean;
}

/** Index just past the token that closes the one at `i` (or `i + 1` for self-contained tokens). */
export function closeOf(tokens: Token[], i: number, limit: number): number {
  const t = tokens[i];
  if (t.nesting !== 1) return i + 1;
  let depth = 0;
  for (let k = i; k < limit; k++) {
    depth += tokens[k].nesting;
    if (depth === 0) return k + 1;
  }
  return limit;
}

export function hasCheckbox(tokens: Token[], from: number, to: number): boolean {
  for (let k = from; k + 1 < to; k++) {
    if (tokens[k].type === 'list_item_open' && tokens[k + 1].type === 'paragraph_open' && CHECKBOX.test(tokens[k + 2]?.content ?? '')) return true;
  }
  return false;
}

/** 1-based first line of a block token. */
export function lineOf(t: Token | undefined): number {
  return (t?.map?.[0] ?? 0) + 1;
}

export function newlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Line numbers of increasing offsets in one text, each line break looked up
 * once: a line or block with thousands of comments must not be rescanned
 * from its start (or to its end) for each.
 */
function lineCounter(text: string, firstLine: number): (offset: number) => number {
  let line = firstLine;
  let next = text.indexOf('\n');
  return (offset) => {
    while (next >= 0 && next < offset) {
      line++;
      next = text.indexOf('\n', next + 1);
    }
    return line;
  };
}

/** Source text without its HTML comments, lines left empty by them dropped. */
export function withoutCommentLines(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, '\u0000')
    .split('\n')
    .filter((l) => !l.includes('\u0000') || l.replace(/\u0000/g, '').trim())
    .map((l) => l.replace(/\u0000/g, '').trimEnd())
    .join('\n');
}

/** Remove HTML comments (annotations) and fold whitespace: what the item or title says. */
export function stripComments(text: string): string {
  let out = '';
  let from = 0;
  for (const c of findComments(text)) {
    out += text.slice(from, c.offset);
    from = c.terminated ? c.offset + 4 + c.body.length + 3 : text.length;
  }
  out += text.slice(from);
  return out.replace(/\s+/g, ' ').trim();
}

/** Annotations in an inline token: comments markdown-it saw as HTML, and unterminated ones left as text. */
export function inlineAnnotations(inline: Token | undefined): FoundAnnotation[] {
  if (!inline || inline.type !== 'inline' || !inline.content.includes('<!--')) return [];
  const out: FoundAnnotation[] = [];
  const src = inline.content;
  const lineAt = lineCounter(src, lineOf(inline));
  let cursor = 0;
  const at = (needle: string) => {
    const idx = src.indexOf(needle, cursor);
    const pos = idx >= 0 ? idx : cursor;
    cursor = idx >= 0 ? idx + needle.length : cursor;
    return lineAt(pos);
  };
  for (const child of inline.children ?? []) {
    if (child.type === 'html_inline') {
      const line = at(child.content);
      for (const c of findComments(child.content)) if (isAnnotationBody(c.body)) out.push({ line, body: c.body, terminated: c.terminated });
    } else if (child.type === 'text' && child.content.includes('<!--')) {
      for (const c of findComments(child.content)) {
        if (!isAnnotationBody(c.body)) continue;
        const line = at('<!--');
        out.push({ line, body: c.body, terminated: c.terminated });
      }
    }
  }
  return out;
}

/** Annotations in an HTML block (one or more comment lines). */
export function blockAnnotations(t: Token): FoundAnnotation[] {
  const lineAt = lineCounter(t.content, lineOf(t));
  return findComments(t.content)
    .filter((c) => isAnnotationBody(c.body))
    .map((c) => ({ line: lineAt(c.offset), body: c.body, terminated: c.terminated }));
}
