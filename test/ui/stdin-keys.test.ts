import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../src/ui/stdin-keys.js';

describe('splitKeys', () => {
  it('one key per character; escape sequences, Alt+key and astral characters stay whole', () => {
    expect(splitKeys('\rj')).toEqual(['\r', 'j']);
    expect(splitKeys('ok\rd')).toEqual(['o', 'k', '\r', 'd']);
    expect(splitKeys('\u001B[Ad\u001B[1;5C\u001BOPx')).toEqual(['\u001B[A', 'd', '\u001B[1;5C', '\u001BOP', 'x']);
    expect(splitKeys('\u001B[[A\u001Bj\u001B\u001B[B')).toEqual(['\u001B[[A', '\u001Bj', '\u001B\u001B[B']);
    expect(splitKeys('😀a\u001B')).toEqual(['😀', 'a', '\u001B']);
  });
});
