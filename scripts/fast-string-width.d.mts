// Types of scripts/fast-string-width.mjs (for its test).
type EastAsianWidth = (codePoint: number, options?: { ambiguousAsWide?: boolean }) => number;
type StringWidth = (input: string, options?: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean }) => number;
export const FAST_PATH_MARK: string;
export function simpleCharWidth(char: string, eastAsianWidth: EastAsianWidth): number;
export function isSimpleText(text: string): boolean;
export function fastStringWidth(real: StringWidth, stripAnsi: (text: string) => string, eastAsianWidth: EastAsianWidth): StringWidth & { fastPath: string };
