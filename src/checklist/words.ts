/**
 * The one quote-aware word splitter, for probe annotations
 * (`key="two words"`) and for a `command` probe's `cmd` (argv without a
 * shell). Words are kept as parts so a caller knows what was quoted how:
 * `cmd` substitutes `${VAR}` inside each word after splitting, never inside
 * single quotes, so a value can never become a new word or shell syntax.
 */

/** How a part was written: bare, in '…', in "…", or escaped with a backslash. */
type Quoting = 'bare' | 'single' | 'double' | 'escaped';

interface WordPart {
  text: string;
  quoting: Quoting;
  /** A `${NAME}` or `${NAME:-default}` reference (only with `refs`), `text` as written. */
  ref?: true;
}

export type Word = WordPart[];

export interface Dialect {
  /**
   * `posix` (cmd): a backslash outside quotes escapes any character (and
   * `\<newline>` joins lines); inside double quotes it escapes only " \ $ `
   * and newline. `annotation`: only `\"` and `\\` inside double quotes, other
   * backslashes stay, so a regular expression like `"\d+"` survives.
   */
  backslash: 'posix' | 'annotation';
  /** Keep each `${NAME}` / `${NAME:-default}` outside single quotes as one part, spaces in its default included. */
  refs?: boolean;
}

export type Split = { ok: true; words: Word[] } | { ok: false; problem: 'single quote' | 'double quote' | 'lone backslash' };

/** `${NAME}` or `${NAME:-default}` starting at lastIndex (sticky). */
const REF_AT = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/y;

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || /\s/.test(c);

/** Split `text` into words the way a shell would for quoting only: no expansion, no operators. */
export function splitWords(text: string, dialect: Dialect): Split {
  const posix = dialect.backslash === 'posix';
  const words: Word[] = [];
  let word: Word | undefined;
  const add = (part: string, quoting: Quoting, ref?: true) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && !ref && !last.ref && last.quoting === quoting) last.text += part;
    else word.push(ref ? { text: part, quoting, ref } : { text: part, quoting });
  };
  /** A ${…} reference at `i`, when recognised: its text. */
  const refAt = (i: number): string | undefined => {
    if (!dialect.refs || text[i] !== '$' || text[i + 1] !== '{') return undefined;
    REF_AT.lastIndex = i;
    return REF_AT.exec(text)?.[0];
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (isSpace(c)) {
      if (word) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { ok: false, problem: 'single quote' };
      add(text.slice(i + 1, end), 'single');
      i = end + 1;
    } else if (c === '"') {
      add('', 'double');
      i++;
      for (;;) {
        if (i >= n) return { ok: false, problem: 'double quote' };
        const d = text[i];
        if (d === '"') {
          i++;
          break;
        }
        const ref = refAt(i);
        if (ref) {
          add(ref, 'double', true);
          i += ref.length;
        } else if (d === '\\' && i + 1 < n && (posix ? '"\\$`\n' : '"\\').includes(text[i + 1])) {
          if (text[i + 1] !== '\n') add(text[i + 1], 'double');
          i += 2;
        } else {
          add(d, 'double');
          i++;
        }
      }
    } else if (c === '\\' && posix) {
      if (i + 1 >= n) return { ok: false, problem: 'lone backslash' };
      if (text[i + 1] !== '\n') add(text[i + 1], 'escaped');
      i += 2;
    } else {
      const ref = refAt(i);
      if (ref) {
        add(ref, 'bare', true);
        i += ref.length;
      } else {
        add(c, 'bare');
        i++;
      }
    }
  }
  if (word) words.push(word);
  return { ok: true, words };
}

/** A word's text as written, quotes removed (references left as `${…}`). */
export function wordText(word: Word): string {
  return word.map((p) => p.text).join('');
}
