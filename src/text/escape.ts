/**
 * The one place user text (notes, names, reasons, evidence) is made safe for
 * where it is shown: a terminal (`forTerminal`, `markControls`), the report's
 * Markdown and HTML, a Mermaid label, XML (JUnit). Every function takes
 * already-redacted text and returns text that cannot close a table cell, a
 * code span, a <details> block or a Mermaid label, nor inject HTML, Markdown
 * links/images/headings or terminal escape sequences. A leaf: it imports
 * nothing of the app, so every layer may use it.
 */

/**
 * C0/C1 controls (except tab/newline) and every format control (Unicode Cf:
 * bidi marks, embeddings, overrides and isolates such as U+061C, U+200E,
 * U+202E, U+2066; zero-width spaces; tag characters) that can disguise text.
 * The zero-width joiner is kept: emoji sequences need it and it reorders nothing.
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|(?!\u200d)\p{Cf}/gu;
const NEWLINES = /\r\n|\r|\n|\u2028|\u2029/g;

/** Remove invisible and bidi-control characters; tabs become spaces. */
function stripControls(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\t/g, '  ');
}

/**
 * Terminal control sequences as whole units, so no tail ("[31m", "]0;title")
 * is left behind: CSI (ESC [ or 8-bit 0x9b) with its parameters; OSC, DCS,
 * SOS, PM and APC strings up to BEL or ST (or the end of the text when never
 * closed); any other ESC sequence (charset, keypad, reset: ESC c).
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_SEQUENCE = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;

/**
 * Text from a checklist, a probe, a command or a session file made safe to
 * print on a terminal: escape sequences (colour, cursor moves, OSC window
 * titles and hyperlinks) removed whole, CR (which could overwrite a line)
 * read as a line break, other controls and bidi overrides removed. The one
 * terminal sanitiser: `check` output and the wizard both use it.
 */
export function forTerminal(text: string): string {
  return stripControls(String(text).replace(TERMINAL_SEQUENCE, '').replace(/\r\n?/g, '\n'));
}

/**
 * Text quoted in a one-line message (a kind, a key): like forTerminal, but
 * every escape sequence and invisible character shows as `mark`, so a hidden
 * character cannot make "ht\u200btp" read as "http".
 */
function markControls(text: string, mark = '?'): string {
  return String(text).replace(TERMINAL_SEQUENCE, mark).replace(INVISIBLE, mark);
}

/**
 * Keep messages one line, short and printable whatever a fuzzed annotation
 * holds (a kind or key may be a megabyte long or carry terminal escapes): the
 * one terminal sanitiser, marking what it takes out, so a message shows what
 * it quotes and is not rearranged by it.
 */
export function clip(text: string): string {
  // Bound the text first: a megabyte of unterminated escapes must cost no more than 40 characters do.
  const flat = markControls(text.slice(0, 200).replace(/\s+/g, ' '));
  return flat.length > 40 ? flat.slice(0, 37) + '...' : flat;
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
