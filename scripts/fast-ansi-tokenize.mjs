// A fast path in front of @alcalzone/ansi-tokenize 0.2's tokenize (Ink's), bundled
// in place of it (scripts/build.mjs).
//
// Ink tokenizes every line of every text write of a frame. tokenize walks the
// line with Intl.Segmenter, one grapheme object per character, even for plain
// text: the largest single cost of the wizard's first frame after Ink and React
// themselves (~5 ms, more on later frames).
//
// Same tokens, by construction: a line whose characters outside escape
// sequences all pass isSimpleText (scripts/fast-string-width.mjs: none of them
// can join into a grapheme cluster) has one grapheme per character, and such a
// character is full-width exactly when is-fullwidth-code-point says so (the
// tokenizer's other two reasons, U+FE0F and regional indicators, lie outside
// the simple ranges). Every escape in the line must start a whole SGR sequence
// (ESC [ digits and semicolons m) or OSC 8 link (ESC ] 8 ; params ; url BEL), found
// the way the tokenizer finds them; the tokenizer itself gives that sequence's
// tokens (compound codes split, 256 and 24-bit colours kept together). An ESC
// and BEL are control characters, so no grapheme crosses a sequence's edges.
// Anything else goes to the real tokenize, whole line.
// test/startup/fast-ansi-tokenize.test.ts compares both on every simple
// character and on random lines.
import { isSimpleText } from './fast-string-width.mjs';

const ESC = 0x1b;
const LINK_PREFIX = '\x1b]8;';
const BEL = '\x07';
const NOT_SIMPLE = 0;
const NARROW = 1;
const WIDE = 2;
// Distinct sequences the cache keeps (Ink's are a few dozen colours and styles; links vary).
const MAX_SEQUENCES = 512;
/** Carried by the fast tokenize, so a test can tell that dist/cli.js holds it. */
export const FAST_PATH_MARK = 'fast-ansi-tokenize (scripts/fast-ansi-tokenize.mjs)';

/** Where the SGR sequence or OSC 8 link starting at `start` (an ESC) ends, or -1 for any other escape. */
function sequenceEnd(line, start) {
  const kind = line[start + 1];
  if (kind === '[') {
    for (let i = start + 2; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 0x6d) return i + 1; // m
      if (c !== 0x3b && (c < 0x30 || c > 0x39)) return -1; // ; and digits only
    }
    return -1;
  }
  if (kind === ']' && line.startsWith(LINK_PREFIX, start)) {
    const params = line.indexOf(';', start + LINK_PREFIX.length);
    if (params === -1) return -1;
    const bel = line.indexOf(BEL, params + 1);
    return bel === -1 ? -1 : bel + 1;
  }
  return -1;
}

/** tokenize's signature and tokens, answered by `realTokenize` except on the fast path. */
export function fastTokenize(realTokenize, isFullwidthCodePoint) {
  const chars = new Map(); // char code → NOT_SIMPLE | NARROW | WIDE
  const sequences = new Map(); // sequence text → its ansi tokens, or null if the tokenizer made chars of it

  function charKind(code) {
    let kind = chars.get(code);
    if (kind === undefined) {
      const char = String.fromCharCode(code);
      kind = !isSimpleText(char) ? NOT_SIMPLE : isFullwidthCodePoint(code) ? WIDE : NARROW;
      chars.set(code, kind);
    }
    return kind;
  }

  function sequenceTokens(text) {
    let tokens = sequences.get(text);
    if (tokens === undefined) {
      tokens = realTokenize(text);
      if (tokens.some((t) => t.type !== 'ansi')) tokens = null;
      if (sequences.size >= MAX_SEQUENCES) sequences.clear();
      sequences.set(text, tokens);
    }
    return tokens;
  }

  /** The tokens of `line`, or undefined if the fast path does not answer for it. */
  function fastTokens(line, endChar) {
    const ret = [];
    let visible = 0;
    // Past endChar no token is added, but the rest of the line must still qualify:
    // a character after the stop could join the last one taken.
    let full = false;
    let i = 0;
    while (i < line.length) {
      const code = line.charCodeAt(i);
      if (code === ESC) {
        const end = sequenceEnd(line, i);
        if (end === -1) return undefined;
        const tokens = sequenceTokens(line.slice(i, end));
        if (tokens === null) return undefined;
        if (!full) for (const t of tokens) ret.push({ type: 'ansi', code: t.code, endCode: t.endCode });
        i = end;
        continue;
      }
      let fullWidth = false;
      if (code < 0x20 || code > 0x7e) {
        const kind = charKind(code);
        if (kind === NOT_SIMPLE) return undefined;
        fullWidth = kind === WIDE;
      }
      if (!full) {
        ret.push({ type: 'char', value: line[i], fullWidth });
        visible += fullWidth ? 2 : 1;
        full = visible >= endChar;
      }
      i++;
    }
    return ret;
  }

  function tokenize(str, endChar = Number.POSITIVE_INFINITY) {
    return (typeof str === 'string' && fastTokens(str, endChar)) || realTokenize(str, endChar);
  }
  tokenize.fastPath = FAST_PATH_MARK;
  return tokenize;
}
