import { describe, expect, it } from 'vitest';
import { joinLines, safeDecode } from '../../src/text/lines.js';

describe('safeDecode', () => {
  it('decodes percent-encoding of a URL part', () => {
    expect(safeDecode('p%40ss%2Fw%C3%B6rd')).toBe('p@ss/wörd');
  });
  it('gives the text as it is when it is not valid percent-encoding (never throws)', () => {
    expect(safeDecode('100%')).toBe('100%');
    expect(safeDecode('%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('joinLines', () => {
  it('puts every line on one, one space where each break was, blanks around it folded', () => {
    expect(joinLines('  first line  \r\n   second\n\nthird  ')).toBe('first line second third');
  });
  it('leaves a one-line text as it is but trimmed, and an absent text empty', () => {
    expect(joinLines(' a  b ')).toBe('a  b');
    expect(joinLines(undefined as unknown as string)).toBe('');
  });
});
