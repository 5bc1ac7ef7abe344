/**
 * The fast path the build puts in front of Ink's ANSI tokenizer
 * (scripts/fast-ansi-tokenize.mjs) gives exactly the tokens tokenize gives:
 * every character it takes, alone and between SGR codes, and random lines
 * mixing what it takes with what it must leave to tokenize (emoji sequences,
 * marks, wide characters, lone or malformed escapes), with and without endChar.
 */
import { tokenize } from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import isFullwidthCodePoint from 'is-fullwidth-code-point';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_PATH_MARK, fastTokenize } from '../../scripts/fast-ansi-tokenize.mjs';
import { isSimpleText } from '../../scripts/fast-string-width.mjs';

const fast = fastTokenize(tokenize, isFullwidthCodePoint);

function simpleChars(): string[] {
  const out: string[] = [];
  for (const [from, to] of [[0x20, 0x7e], [0xa0, 0x2ff], [0x2000, 0x2bff]]) {
    for (let c = from; c <= to; c++) if (isSimpleText(String.fromCharCode(c))) out.push(String.fromCharCode(c));
  }
  return out;
}

/** The lines the real tokenize was asked for while the fast one answered `line`. */
function realCalls(line: string, endChar?: number): string[] {
  const calls: string[] = [];
  const spied = fastTokenize((str: string, end?: number) => {
    calls.push(str);
    return tokenize(str, end);
  }, isFullwidthCodePoint);
  expect(spied(line, endChar)).toEqual(tokenize(line, endChar));
  return calls;
}

const SGR = ['\x1b[31m', '\x1b[39m', '\x1b[1m', '\x1b[22m', '\x1b[0m', '\x1b[m', '\x1b[1;31m', '\x1b[1;3;4;7m', '\x1b[38;5;208m', '\x1b[48;5;17m', '\x1b[38;2;12;200;255m', '\x1b[48;2;0;0;0;1m', '\x1b[38;5m', '\x1b[38;2;1;2m', '\x1b[2;38;2;1;2;3;49m'];

describe('fast ANSI tokenize', () => {
  it('gives every character it takes the tokens tokenize gives, alone and between SGR codes', () => {
    const chars = simpleChars();
    expect(chars.length).toBeGreaterThan(3000);
    const differ = chars.filter((c) => {
      const lines = [c, `\x1b[1;31m${c}\x1b[39m`, `${c}\x1b[38;2;1;2;3m${c}${c}\x1b[0m`];
      return lines.some((line) => JSON.stringify(fast(line)) !== JSON.stringify(tokenize(line)) || JSON.stringify(fast(line, 1)) !== JSON.stringify(tokenize(line, 1)));
    });
    expect(differ.map((c) => `U+${c.charCodeAt(0).toString(16)}`)).toEqual([]);
    // Not all narrow: wide characters are among them.
    expect(new Set(chars.map((c) => (fast(c)[0] as { fullWidth: boolean }).fullWidth))).toEqual(new Set([false, true]));
  });

  it('answers simple lines with SGR codes and links itself, asking tokenize only about each sequence', () => {
    const line = '\x1b[1;31m▶\x1b[39m● Infrastructure ··· \x1b]8;;https://example.test/a?b=1\x07link\x1b]8;;\x07 — 0/9 ⌚\x1b[0m';
    const calls = realCalls(line);
    expect(calls).not.toContain(line);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatch(/^\x1b(\[[0-9;]*m|\]8;[^;]*;[^\x07]*\x07)$/);
  });

  it('leaves lines with joining characters or other escapes to tokenize, whole', () => {
    for (const line of ['e\u0301', 'a👍🏽', '❤\uFE0F', 'a\u200Db', '한국', '日本', 'tab\there', 'lone \x1b', 'erase\x1b[2K', 'csi\x9b31m', 'osc\x1b]0;title\x07', 'open link\x1b]8;;https://x', 'cr\r\n']) {
      expect(realCalls(line)).toEqual([line]);
    }
  });

  it('stops at endChar as tokenize does, and still leaves a line whose rest could join to tokenize', () => {
    expect(fast('abcdef', 3)).toEqual(tokenize('abcdef', 3));
    expect(fast('\x1b[31mab\x1b[39mcd', 2)).toEqual(tokenize('\x1b[31mab\x1b[39mcd', 2));
    // 'b' and the combining acute are one grapheme: the fast path must not cut them.
    expect(realCalls('ab\u0301c', 2)).toEqual(['ab\u0301c']);
    expect(fast('ab\u0301c', 2)).toEqual([{ type: 'char', value: 'a', fullWidth: false }, { type: 'char', value: 'b\u0301', fullWidth: false }]);
  });

  it('gives the tokens tokenize gives on random lines, with and without endChar', () => {
    const pieces = [
      ...'abc XYZ 019 -_/|;[]m8',
      ...'·—›▶●✓✗⚡█░…•→←↑↓±×÷©®™€£¥§¶°',
      ...'⌚⌛⏩⭐⭕☀☁♥♻⚠〈〉', // emoji by default, text symbols that can be emoji, wide brackets
      ...SGR,
      '\x1b]8;;https://example.test/x\x07', '\x1b]8;id=1;https://example.test/y?q=a;b\x07', '\x1b]8;;\x07', // links
      '\x1b]8;;https://example.test/é\u0301👍\x07', // link with joining characters in its URL
      '\u0301', '\u200D', '\uFE0F', '\u200B', '\u00AD', '\u0300', // marks, joiners, selectors, format
      '👍', '🏽', '🇩🇪', '👨‍👩‍👧', '1\uFE0F\u20E3', // astral and sequences
      '日本', '한', '\u1100', '\u1161', 'ｱﾞ', // wide, Hangul, halfwidth
      '\x1b', '\x1b[', '\x1b[31', '\x1b[3x1m', '\x1b[?25l', '\x1b[2K', '\x1b]', '\x1b]8', '\x1b]8;', '\x1b]8;;no-bell', '\x1b]0;title\x07', '\x9b31m', '\x9b[31m', // lone, malformed, other escapes
      '\t', '\n', '\r', '\x07', '\x7f', '\x85',
    ];
    const endChar = fc.option(fc.integer({ min: -1, max: 30 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), endChar, (parts, end) => {
        const line = parts.join('');
        expect(fast(line, end)).toEqual(tokenize(line, end));
      }),
      { numRuns: 5000 },
    );
    // Lines of what the fast path takes only, so most of them do not fall back.
    const taken = [...'abc XYZ 019 -_/|;[]m8', ...'·—›▶●✓✗⚡█░…•→←⌚⭐⚠〈〉', ...SGR, pieces.find((p) => p.startsWith('\x1b]8;id'))!, '\x1b]8;;\x07'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...taken), { maxLength: 40 }), endChar, (parts, end) => {
        const line = parts.join('');
        expect(fast(line, end)).toEqual(tokenize(line, end));
      }),
      { numRuns: 3000 },
    );
  });

  it('is in the built CLI, in front of the tokenizer Ink bundles', () => {
    const script = readFileSync(join(import.meta.dirname, '..', '..', 'dist', 'cli.js'), 'latin1');
    expect(script).toContain(FAST_PATH_MARK);
  });
});
