// A fast path in front of string-width 8 (Ink's), bundled in place of it (scripts/build.mjs).
//
// Ink measures every text node of a frame with string-width. Any text beyond
// printable ASCII goes through Intl.Segmenter and a /^\p{RGI_Emoji}$/v test per
// grapheme cluster, and V8 builds that expression on its first use: 13 ms on
// Node 22, 1.3 ms on Node 20, paid before the wizard's first frame (its rows hold
// `·`, `▶`, `●`, `—`) and never by Ink's ASCII hello-world (README, Performance).
//
// Same answers, by construction: a text whose every character is printable ASCII
// or a BMP character from Latin-1 to the symbol blocks that is not a mark,
// format character or separator has one grapheme cluster per character (none of
// the Extend, ZWJ, SpacingMark, Prepend, Hangul or regional-indicator characters
// the Unicode rules join clusters with lie in those ranges), so its width is the
// sum of its characters' widths, and string-width gives a lone such character:
// 0 if it is default-ignorable, 2 if it is an emoji by default
// (Emoji_Presentation: the RGI emoji of one code point), else its East Asian
// Width with ambiguous as narrow. test/startup/fast-string-width.test.ts checks
// every such character against string-width, and random texts.

const SIMPLE = /^[\x20-\x7e\xa0-\u02ff\u2000-\u2bff]*$/;
const JOINS = /[\p{M}\p{Cf}\p{Zl}\p{Zp}]/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const EMOJI = /\p{Emoji_Presentation}/u;

/** The width string-width 8 gives `char` alone, for a character the fast path takes. */
export function simpleCharWidth(char, eastAsianWidth) {
  if (IGNORABLE.test(char)) return 0;
  if (EMOJI.test(char)) return 2;
  return eastAsianWidth(char.charCodeAt(0), { ambiguousAsWide: false });
}

/** Whether the fast path answers for `text` (ANSI codes already stripped). */
export function isSimpleText(text) {
  return SIMPLE.test(text) && !JOINS.test(text);
}

/** Carried by the fast string-width, so a test can tell that dist/cli.js holds it. */
export const FAST_PATH_MARK = 'fast-string-width (scripts/fast-string-width.mjs)';

/** string-width's signature, answered by `real` except on the fast path. */
export function fastStringWidth(real, stripAnsi, eastAsianWidth) {
  const widths = new Map();
  function stringWidth(input, options = {}) {
    if (typeof input !== 'string' || options.ambiguousIsNarrow === false || options.countAnsiEscapeCodes) return real(input, options);
    const text = input.includes('\u001B') || input.includes('\u009B') ? stripAnsi(input) : input;
    if (!isSimpleText(text)) return real(input, options);
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x7f) {
        width++;
        continue;
      }
      let w = widths.get(code);
      if (w === undefined) {
        w = simpleCharWidth(text[i], eastAsianWidth);
        widths.set(code, w);
      }
      width += w;
    }
    return width;
  }
  stringWidth.fastPath = FAST_PATH_MARK;
  return stringWidth;
}
