/**
 * A command block run as steps: one bash, errexit + pipefail, each top-level
 * command recorded (its text with variables resolved, exit status, duration,
 * output), the run stopping at the first failing one.
 *
 * How a block is split into commands: by bash's own parser, never a regex.
 * Lines are taken one at a time into the current command until `bash -n`
 * accepts it without a word (a here-document still open is only a warning,
 * so any message counts as "not complete") and its last line does not end
 * in a continuation backslash. So a `\` continuation, a multi-line quote, a
 * heredoc with its body, `if … fi` and `for … done` are one command each;
 * comment and blank lines are no command.
 *
 * How it runs: the block is one bash script (`set -Eeo pipefail`), each
 * command's first line prefixed with a call that writes a marker (step
 * number, `$?` of the previous command, the time, the values of the
 * variables the command names) to a copy of the output pipe taken before the
 * script starts, and an EXIT trap writing the last status. Markers travel in
 * the output stream itself, so each byte of output is attributed to the
 * command that printed it, in order; they start with a NUL and a random nonce,
 * which no text output contains. Prefixing the line (rather than inserting
 * one) keeps bash's own line numbers in its error messages right. A DEBUG
 * trap was not used: it fires per simple command (every part of a pipeline,
 * every command of an `if`), not per command the operator wrote.
 */
import { randomBytes } from 'node:crypto';
import { isSecretName, MASK } from '../secrets/redactor.js';
import { runTree } from './process-tree.js';
import type { BlockRun, BlockStep } from './types.js';

/** Characters of output kept per block (shared by its commands); the rest is cut in the middle, marked. */
const BLOCK_OUTPUT_LIMIT = 16_000;

/** A command of the block: its text and the line (0-based) it starts on. */
export interface StepSource {
  text: string;
  line: number;
  /** A tail bash never accepted (a syntax error). */
  broken?: true;
}

const isNoCommand = (text: string) => text.split('\n').every((l) => !l.trim() || l.trim().startsWith('#'));
const endsInContinuation = (line: string) => /(?:^|[^\\])(?:\\\\)*\\$/.test(line);

/**
 * Split a script into its top-level commands; `complete(text)` is bash's
 * answer (see bashComplete). A tail bash never accepts (a syntax error) is
 * one last command: running it makes bash say what is wrong.
 */
export async function splitSteps(script: string, complete: (text: string) => Promise<boolean>): Promise<StepSource[]> {
  const lines = script.replace(/\n+$/, '').split('\n');
  const out: StepSource[] = [];
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines.slice(start, i + 1).join('\n');
    const single = i === start && isNoCommand(text);
    if (single || (!endsInContinuation(lines[i]) && (await complete(text)))) {
      if (!isNoCommand(text)) out.push({ text, line: start });
      start = i + 1;
    }
  }
  if (start < lines.length) {
    const text = lines.slice(start).join('\n');
    if (!isNoCommand(text)) out.push({ text, line: start, broken: true });
  }
  return out;
}

/**
 * The same split with every `bash -n` asked from one helper bash (a fork per
 * question inside it, one process started from here): the lines arrive as
 * its arguments, it answers `start end` per command and `tail start` for a
 * piece it never accepted.
 */
const SPLITTER = `lines=("$@"); n=$#; start=0; i=0
while (( i < n )); do
  l=\${lines[i]}; t=\${l#"\${l%%[![:space:]]*}"}
  if (( i == start )) && [[ -z $t || $t == '#'* ]]; then echo "$start $i"; start=$((i + 1))
  else
    s=$l; k=0; while [[ $s == *'\\' ]]; do s=\${s%?}; k=$((k + 1)); done
    if (( k % 2 == 0 )); then
      piece=$(printf '%s\\n' "\${lines[@]:start:i-start+1}")
      if err=$(bash -n -c "$piece" 2>&1) && [[ -z $err ]]; then echo "$start $i"; start=$((i + 1)); fi
    fi
  fi
  i=$((i + 1))
done
if (( start < n )); then echo "tail $start"; fi`;

/** Split a script into its top-level commands by bash's own parser, asked in one helper process. */
export async function splitStepsByBash(script: string, signal?: AbortSignal): Promise<StepSource[]> {
  const lines = script.replace(/\n+$/, '').split('\n');
  const r = await runTree('bash', ['-c', SPLITTER, 'split', ...lines], { signal, timeoutMs: 60_000 });
  if (r.exitCode !== 0) return splitSteps(script, bashComplete);
  const out: StepSource[] = [];
  for (const row of r.stdout.split('\n').filter(Boolean)) {
    const [a, b] = row.split(' ');
    const tail = a === 'tail';
    const from = Number(tail ? b : a);
    const text = lines.slice(from, tail ? undefined : Number(b) + 1).join('\n');
    if (!isNoCommand(text)) out.push(tail ? { text, line: from, broken: true } : { text, line: from });
  }
  return out;
}

/** Whether bash parses `text` as complete commands, without a word on stderr (an open heredoc is only a warning). */
export async function bashComplete(text: string): Promise<boolean> {
  const r = await runTree('bash', ['-n', '-c', text], { timeoutMs: 10_000 });
  return r.exitCode === 0 && !r.all.trim();
}

/** Names a command refers to as `$NAME` or `${NAME…}` (candidates: their values are asked of bash). */
function referencedNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}

/**
 * The command with `$NAME`, `${NAME}`, `${NAME:-x}` / `${NAME-x}` replaced by
 * the values bash had when it started (unset ones, other `${…}` forms and
 * anything in single quotes or a quoted heredoc stay as written). A variable
 * with a secret's name shows as the mask.
 */
export function expandRefs(text: string, values: Record<string, string>): string {
  const value = (name: string) => (Object.hasOwn(values, name) ? (isSecretName(name) && values[name] ? MASK : values[name]) : undefined);
  let out = '';
  let i = 0;
  let dq = false;
  /** Delimiters of heredocs opened on the current line, and whether each expands. */
  let pending: { delim: string; expands: boolean }[] = [];
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      out += c;
      i++;
      // Heredoc bodies follow the line that opened them.
      for (const h of pending) {
        let end = i;
        for (;;) {
          const nl = text.indexOf('\n', end);
          const line = text.slice(end, nl < 0 ? n : nl);
          const isEnd = line.replace(/^\t+/, '') === h.delim;
          const piece = text.slice(end, nl < 0 ? n : nl + 1);
          out += h.expands && !isEnd ? expandRefs(piece.replace(/\n$/, ''), values) + (piece.endsWith('\n') ? '\n' : '') : piece;
          end = nl < 0 ? n : nl + 1;
          if (isEnd || nl < 0) break;
        }
        i = end;
      }
      pending = [];
      continue;
    }
    if (c === '\\' && i + 1 < n) {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (!dq && c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? n : end + 1;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '"') {
      dq = !dq;
      out += c;
      i++;
      continue;
    }
    if (!dq && c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      const stop = nl < 0 ? n : nl;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (!dq && c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = /^<<(-?)\s*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_]+))/.exec(text.slice(i));
      if (m) {
        pending.push({ delim: m[2] ?? m[3] ?? m[4], expands: m[2] === undefined && m[3] === undefined && !m[0].includes('\\') });
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
      if (m) {
        const name = m[1] ?? m[4];
        const v = value(name);
        const useDefault = m[2] !== undefined && (v === undefined || (m[2] === ':-' && v === ''));
        if (useDefault) out += m[3];
        else if (v !== undefined) out += v;
        else out += m[0];
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** The instrumented script: the block's own lines, each command's first line prefixed with its marker call. */
function stepScript(script: string, steps: StepSource[], nonce: string): string {
  const lines = script.replace(/\n+$/, '').split('\n');
  const at = new Map(steps.map((s, k) => [s.line, k]));
  const preamble =
    `exec {__dw_fd}>&1 2>&1; set -Eeo pipefail; ` +
    `__dw_step() { local __dw_rc=$? __dw_i=$1 __dw_v; shift; printf '\\0%s S %s %s %s' ${nonce} "$__dw_i" "$__dw_rc" "$EPOCHREALTIME" >&"$__dw_fd"; ` +
    `for __dw_v in "$@"; do if [[ -v $__dw_v ]]; then printf '\\0%s\\0%s' "$__dw_v" "\${!__dw_v}" >&"$__dw_fd"; fi; done; printf '\\0%s.\\n' ${nonce} >&"$__dw_fd"; }; ` +
    `trap 'printf "\\0%s E %s %s\\0%s.\\n" ${nonce} "$?" "$EPOCHREALTIME" ${nonce} >&"$__dw_fd"' EXIT; `;
  return lines
    .map((l, i) => {
      const k = at.get(i);
      const call = k === undefined ? '' : `__dw_step ${k}${referencedNames(steps[k].text).map((n) => ` ${n}`).join('')}`;
      // bash parses a whole command before running any of its line, so a tail it cannot parse gets its marker on a line of its own.
      if (call && steps[k!].broken) return `${i === 0 ? preamble : ''}${call}\n${l}`;
      return (i === 0 ? preamble : '') + (call ? `${call}; ` : '') + l;
    })
    .join('\n');
}

type Marker = { kind: 'S'; step: number; prevStatus: number; at?: number; values: Record<string, string> } | { kind: 'E'; status: number; at?: number };

/** Seconds from $EPOCHREALTIME (a comma under some locales) → ms. */
const ms = (t: string | undefined): number | undefined => {
  const v = Number((t ?? '').replace(',', '.'));
  return Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
};

/**
 * Splits the output stream into text and markers, across chunk boundaries.
 * `onText` gets output, `onMarker` each marker, in stream order.
 */
export function markerReader(nonce: string, onText: (text: string) => void, onMarker: (m: Marker) => void): { push(chunk: string): void; end(): void } {
  const head = `\0${nonce} `;
  const tail = `\0${nonce}.\n`;
  let buf = '';
  const drain = (final: boolean) => {
    for (;;) {
      const at = buf.indexOf(head);
      if (at < 0) {
        // Hold back what could be the start of a marker split across chunks.
        let keep = 0;
        if (!final) for (let k = Math.min(head.length - 1, buf.length); k > 0; k--) if (head.startsWith(buf.slice(buf.length - k))) { keep = k; break; }
        if (buf.length > keep) onText(buf.slice(0, buf.length - keep));
        buf = buf.slice(buf.length - keep);
        return;
      }
      if (at > 0) onText(buf.slice(0, at));
      buf = buf.slice(at);
      const end = buf.indexOf(tail);
      if (end < 0) {
        if (final) {
          onText(buf);
          buf = '';
        }
        return;
      }
      const [first, ...rest] = buf.slice(head.length, end).split('\0');
      buf = buf.slice(end + tail.length);
      const f = first.split(' ');
      if (f[0] === 'S') {
        const values: Record<string, string> = {};
        for (let k = 0; k + 1 < rest.length; k += 2) values[rest[k]] = rest[k + 1];
        onMarker({ kind: 'S', step: Number(f[1]), prevStatus: Number(f[2]), at: ms(f[3]), values });
      } else onMarker({ kind: 'E', status: Number(f[1]), at: ms(f[2]) });
    }
  };
  return {
    push(chunk) {
      buf += chunk;
      drain(false);
    },
    end() {
      drain(true);
    },
  };
}

/** One command's output, kept within `limit` characters: its start and its end, the middle left out and counted. */
class BoundedText {
  private head = '';
  private tailText = '';
  private dropped = 0;
  constructor(private readonly limit: number) {}
  add(text: string): void {
    const half = Math.floor(this.limit / 2);
    if (this.head.length < half) {
      const take = text.slice(0, half - this.head.length);
      this.head += take;
      text = text.slice(take.length);
    }
    if (!text) return;
    this.tailText += text;
    if (this.tailText.length > this.limit - half) {
      const cut = this.tailText.length - (this.limit - half);
      this.dropped += cut;
      this.tailText = this.tailText.slice(cut);
    }
  }
  get truncated(): boolean {
    return this.dropped > 0;
  }
  text(): string {
    if (!this.dropped) return this.head + this.tailText;
    const nl = this.head.endsWith('\n') || !this.head ? '' : '\n';
    return `${this.head}${nl}… ${this.dropped} characters of output left out …\n${this.tailText}`;
  }
}

export interface BlockOptions {
  env?: Record<string, string | undefined>;
  signal: AbortSignal;
  /** The steps so far, each time one starts, ends or prints. */
  onUpdate?: (steps: BlockStep[]) => void;
  /** After a cancel, how long the block has after SIGTERM before its whole tree is killed. */
  graceMs?: number;
  /** Characters of output kept for the whole block. */
  limit?: number;
  /** Whether bash accepts a piece of the block as complete commands (tests pass a stub). */
  complete?: (text: string) => Promise<boolean>;
  now?: () => number;
}

/** Run a block as steps (see the top of this file). */
export async function runBlock(script: string, opts: BlockOptions): Promise<BlockRun> {
  const now = opts.now ?? Date.now;
  const sources = opts.complete ? await splitSteps(script, opts.complete) : await splitStepsByBash(script, opts.signal);
  const limit = opts.limit ?? BLOCK_OUTPUT_LIMIT;
  const perStep = Math.max(400, Math.floor(limit / Math.max(1, sources.length)));
  type Live = { source: string; command: string; exitCode: number | null; startedAt: number; endedAt?: number; out: BoundedText };
  const live: Live[] = [];
  let current: Live | undefined;
  let endStatus: number | undefined;
  let endAt: number | undefined;
  let before = '';
  const snapshot = (): BlockStep[] =>
    live.map((s) => ({ source: s.source, command: s.command, exitCode: s.exitCode, durationMs: Math.max(0, Math.round((s.endedAt ?? now()) - s.startedAt)), output: s.out.text(), truncated: s.out.truncated }));
  const update = () => opts.onUpdate?.(snapshot());
  const nonce = randomBytes(12).toString('hex');
  const reader = markerReader(
    nonce,
    (text) => {
      if (current) current.out.add(text);
      else before += text;
      update();
    },
    (m) => {
      const at = m.at ?? now();
      if (current) {
        current.exitCode = m.kind === 'S' ? m.prevStatus : m.status;
        current.endedAt = at;
      }
      if (m.kind === 'S') {
        const src = sources[m.step];
        current = { source: src?.text ?? '', command: expandRefs(src?.text ?? '', m.values), exitCode: null, startedAt: at, out: new BoundedText(perStep) };
        live.push(current);
      } else {
        endStatus = m.status;
        endAt = at;
        current = undefined;
      }
      update();
    },
  );
  // The command under way when a stop came was stopped, whatever status the dying shell reports for it.
  let stoppedAt: Live | undefined;
  const onStop = () => {
    stoppedAt = current;
  };
  opts.signal.addEventListener('abort', onStop, { once: true });
  const r = await runTree('bash', ['-c', stepScript(script, sources, nonce)], { env: opts.env, signal: opts.signal, graceMs: opts.graceMs ?? 500, buffer: false, onOutput: (c) => reader.push(c) });
  reader.end();
  opts.signal.removeEventListener('abort', onStop);
  if (stoppedAt) stoppedAt.exitCode = null;
  const stopped = r.canceled || (r.exitCode === undefined && endStatus === undefined);
  const last = live.at(-1);
  if (last && last.endedAt === undefined) {
    // No end marker (a stop, or the block replaced the EXIT trap): the process tells how it ended.
    last.exitCode = stopped ? null : (r.exitCode ?? null);
    last.endedAt = endAt ?? now();
  }
  if (r.errorCode) before += `${r.message ?? r.errorCode}\n`;
  if (before.trim() && !live.length) {
    // bash said something before the first command (it could not start, or the block has none).
    live.push({ source: '', command: 'bash', exitCode: r.exitCode ?? null, startedAt: now(), endedAt: now(), out: Object.assign(new BoundedText(perStep), {}) });
    live[0].out.add(before);
  }
  const steps = snapshot();
  const failed = steps.find((s) => s.exitCode !== 0);
  const exitCode = stopped ? null : failed ? failed.exitCode : (endStatus ?? r.exitCode ?? null);
  // Commands that never ran are shown with the block's variables resolved (as they would have run), never as `${DOMAIN}`.
  const given = Object.fromEntries(Object.entries(opts.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  return { exitCode, steps, notRun: sources.slice(live.length).map((s) => expandRefs(s.text, given)) };
}
