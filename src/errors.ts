/**
 * An error a person can act on: one line saying what, where and what to do.
 * The CLI prints `message` alone (no stack) and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** 2 for bad usage/config/input (the default), 1 for checks failed. */
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Where a JSON.parse error is, as "syntax error at line L, column C", never
 * what the parser saw: V8's messages quote the text around the error, which
 * may be a password in a config or session file.
 */
export function jsonErrorWhere(text: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  let pos: number | undefined;
  const at = /at position (\d+)/.exec(msg);
  if (at) pos = Number(at[1]);
  else {
    const snippet = /Unexpected token '(.)', (?:\.\.\.)?"(.*)"(?:\.\.\.)? is not valid JSON/s.exec(msg);
    const i = snippet ? text.indexOf(snippet[2]) : -1;
    if (snippet && i >= 0) pos = i + Math.max(0, snippet[2].indexOf(snippet[1]));
  }
  if (pos === undefined) return 'syntax error';
  const before = text.slice(0, pos).split('\n');
  return `syntax error at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
