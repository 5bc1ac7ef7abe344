// Types of scripts/fast-ansi-tokenize.mjs (for its test).
type Token = { type: 'ansi'; code: string; endCode: string } | { type: 'char'; value: string; fullWidth: boolean };
type Tokenize = (str: string, endChar?: number) => Token[];
export const FAST_PATH_MARK: string;
export function fastTokenize(realTokenize: Tokenize, isFullwidthCodePoint: (codePoint: number) => boolean): Tokenize & { fastPath: string };
