/**
 * The one place user text (notes, names, reasons, evidence) is made safe for
 * the report. Every function takes already-redacted text and returns text
 * that cannot close a table cell, a code span, a <details> block or a Mermaid
 * label, nor inject HTML or Markdown links/images/headings.
 */

/** C0/C1 controls (except tab/newline) and bidi overrides that can disguise text. */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const NEWLINES = /\r\n|\r|\n|\u2028|\u2029/g;

/** Remove invisible and bidi-control characters; tabs become spaces. */
export function stripControls(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\t/g, '  ');
}

/** For HTML context (e.g. <summary>): entities for & < > " '. Newlines become spaces. */
export function escapeHtml(text: string): string {
  return stripControls(text)
    .replace(NEWLINES, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Markdown punctuation that can start markup anywhere in a line: code spans,
 * emphasis, strikethrough, links/images, table pipes, math, backslashes.
 */
const INLINE_MARKUP = /[\\`*_[\]|~$]/g;

function escapeLine(line: string): string {
  return line
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(INLINE_MARKUP, (c) => `\\${c}`);
}

/**
 * One-line Markdown text, safe in a table cell or a list item: HTML is shown
 * as text, markup characters are escaped and newlines become `<br>` so a note
 * can never end its row.
 */
export function escapeInline(text: string): string {
  return stripControls(text)
    .split(NEWLINES)
    .map((l) => escapeLine(l.trim()))
    .join('<br>');
}

/**
 * Multi-line Markdown text (Notes, Next Steps): one output line per input line
 * ending in a hard break, and each line's start escaped so it cannot become a
 * heading, list, quote, setext underline, thematic break or code block.
 */
export function escapeBlock(text: string): string {
  const lines = stripControls(text)
    .split(NEWLINES)
    .map((l) => l.trim());
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  while (lines.length && !lines[0]) lines.shift();
  return lines
    .map((l) => {
      if (!l) return '<br>';
      let out = escapeLine(l);
      // Block starters only matter at the start of a line.
      out = out.replace(/^[#+\-=]/, '\\$&');
      out = out.replace(/^(\d+)([.)])/, '$1\\$2');
      return out;
    })
    .join('<br>\n');
}

/** A fenced code block whose fence is longer than any backtick run inside, so evidence cannot close it. */
export function codeBlock(text: string, lang = 'text'): string {
  const body = stripControls(text).replace(/\r\n|\r|\u2028|\u2029/g, '\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body.replace(/\n+$/, '')}\n${fence}`;
}

/**
 * A Mermaid label: only letters, digits, spaces and harmless punctuation
 * survive. Quotes, brackets (`]]`), semicolons, backticks and `%%` would end
 * a label or start a directive, so they become spaces.
 */
export function mermaidLabel(text: string, max = 40): string {
  const safe = stripControls(text)
    .replace(NEWLINES, ' ')
    .replace(/[^\p{L}\p{N} .,:/+()%-]/gu, ' ')
    .replace(/%{2,}/g, '%')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = safe.length > max ? `${safe.slice(0, max - 1).trimEnd()}…` : safe;
  return cut || '-';
}
