/**
 * The fast path the build puts in front of Ink's string-width
 * (scripts/fast-string-width.mjs) answers exactly what string-width answers:
 * every character it takes, one by one, and random texts mixing what it takes
 * with what it must leave to string-width (marks, joiners, emoji sequences,
 * Hangul, wide characters, ANSI codes, controls).
 */
import fc from 'fast-check';
import { eastAsianWidth } from 'get-east-asian-width';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { fastStringWidth, isSimpleText, simpleCharWidth } from '../../scripts/fast-string-width.mjs';

const fast = fastStringWidth(stringWidth, stripAnsi, eastAsianWidth);

function simpleChars(): string[] {
  const out: string[] = [];
  for (const [from, to] of [[0x20, 0x7e], [0xa0, 0x2ff], [0x2000, 0x2bff]]) {
    for (let c = from; c <= to; c++) if (isSimpleText(String.fromCharCode(c))) out.push(String.fromCharCode(c));
  }
  return out;
}

describe('fast string width', () => {
  it('gives every character it takes the width string-width gives it', () => {
    const chars = simpleChars();
    expect(chars.length).toBeGreaterThan(3000);
    const differ = chars.filter((c) => simpleCharWidth(c, eastAsianWidth) !== stringWidth(c)).map((c) => `U+${c.charCodeAt(0).toString(16)}`);
    expect(differ).toEqual([]);
    // Not all 1: wide, emoji and ignorable characters are among them.
    expect(new Set(chars.map((c) => stringWidth(c)))).toEqual(new Set([0, 1, 2]));
  });

  it('leaves texts whose characters can join to string-width', () => {
    for (const t of ['e\u0301', '👍🏽', '❤\uFE0F', 'a\u200Db', '한국', '\u1100\u1161', '\t', '\u0D4E', 'x\u0E33']) expect(isSimpleText(t)).toBe(false);
    for (const t of ['▶● Infrastructure ··········  0/9', 'Deployment — b — 0/175 done', '✓ PASS ✗ ⚡1 █░']) expect(isSimpleText(t)).toBe(true);
  });

  it('answers like string-width on random texts, with and without ANSI codes and options', () => {
    const pieces = [
      ...'abc XYZ 019 -_/|',
      ...'·—›▶●✓✗⚡█░…•→←↑↓±×÷©®™€£¥§¶°',
      ...'⌚⌛⏩⭐⭕☀☁♥♻⚠', // emoji by default, and text symbols that can be emoji
      '\u0301', '\u200D', '\uFE0F', '\u200B', '\u00AD', // marks, joiners, selectors, format
      '👍', '🏽', '🇩🇪', '👨‍👩‍👧', '1\uFE0F\u20E3', // astral and sequences
      '日本', '한', '\u1100', '\u1161', 'ｱﾞ', // wide, Hangul, halfwidth
      '\u001B[31m', '\u001B[39m', '\u001B[1m', '\u009B2m', '\t', '\n', '\u007F', '\u0085',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), fc.boolean(), fc.boolean(), (parts, narrow, countAnsi) => {
        const text = parts.join('');
        expect(fast(text)).toBe(stringWidth(text));
        const options = { ambiguousIsNarrow: narrow, countAnsiEscapeCodes: countAnsi };
        expect(fast(text, options)).toBe(stringWidth(text, options));
      }),
      { numRuns: 3000 },
    );
  });
});
