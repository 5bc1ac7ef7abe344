/**
 * The `command` probe: run a program without a shell (argv split with
 * shell-like quoting), check its exit code, output and JSON output.
 *
 * The child runs in its own process group (`detached`), and on timeout, on
 * cancel and after it exits the whole tree is killed (src/probes/process-tree.ts:
 * the group and grandchildren that escaped with `setsid`), so a command that
 * spawns grandchildren (`sh -c 'sleep 30 & …'`) leaves nothing behind and
 * cannot hold the run past its deadline. The child sees the resolved variables
 * (env, --env-file, --config) in its environment.
 */
import { existsSync, statSync } from 'node:fs';
import { runTree, type TreeResult } from './process-tree.js';
import { splitWords, wordText } from '../checklist/words.js';
import type { Probe, ProbeContext, ProbeOutcome, Vars } from './types.js';
import { substitute } from '../config/vars.js';
import { cancelled } from './verdict.js';
import { isKubectl, kubectlNotConfigured, noClusterLine } from './kubectl.js';

export interface CommandParams {
  cmd: string;
  exit: number;
  stdout?: string;
  not_stdout?: string;
  stderr?: string;
  cwd?: string;
  /** `json.<path>` → expected value. */
  [jsonKey: `json.${string}`]: string;
}

/** Lines of output kept as evidence. */
const TAIL_LINES = 20;
const SHELL_OPERATORS = new Set(['|', '||', '&&', ';', '&', '>', '>>', '<', '2>', '2>&1', '&>']);

/**
 * Split a command line into argv like a POSIX shell would for quoting only:
 * whitespace separates words, '…' is literal, "…" allows \" \\ \$ \`, and a
 * backslash outside quotes escapes the next character. No expansion, no
 * operators: an unquoted `|`, `&&`, `>`… is refused, since nothing would run
 * them. Throws an Error with a one-line message on bad input.
 *
 * With `vars`, each `${NAME}` / `${NAME:-default}` outside single quotes is
 * replaced by its value inside its own word, after splitting: a value is never
 * split, re-quoted or read as syntax, so `a b`, `"x"`, `$(…)`, `; rm -rf x` or
 * `--flag` arrive as exactly the characters given, in the argument where the
 * reference stood. In single quotes a reference stays as written, for a shell
 * (`sh -c '… "${NAME}" …'`) to expand from the environment, where the command
 * sees every variable. Without `vars`, references stay as written.
 */
export function splitCommand(cmd: string, vars?: Vars): string[] {
  const split = splitWords(cmd, { backslash: 'posix', refs: true });
  if (!split.ok) throw new Error(split.problem === 'lone backslash' ? 'cmd ends with a lone backslash' : `cmd has an unterminated ${split.problem}`);
  if (!split.words.length) throw new Error('cmd is empty');
  return split.words.map((word) => {
    const text = wordText(word);
    if (word.every((p) => p.quoting === 'bare' && !p.ref) && SHELL_OPERATORS.has(text)) {
      throw new Error(`cmd uses shell syntax "${text}"; commands run without a shell (write sh -c '…' to use one)`);
    }
    return vars ? word.map((p) => (p.ref ? substitute(p.text, vars).value : p.text)).join('') : text;
  });
}

/** argv as one line a person (or a shell) reads back unambiguously, for evidence. */
function shown(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./${}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

type PathStep = { key: string } | { index: number } | { all: true };

/** `items[*].status.phase` → steps; `a.b[0]` works too. */
function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[(?:\d+|\*)\])*)$/.exec(part);
    if (!m || (!m[1] && !m[2])) throw new Error(`bad JSON path "${path}" (use a.b, a[0].b or a[*].b)`);
    if (m[1]) steps.push({ key: m[1] });
    for (const idx of m[2].matchAll(/\[(\d+|\*)\]/g)) steps.push(idx[1] === '*' ? { all: true } : { index: Number(idx[1]) });
  }
  return steps;
}

export interface JsonCheck {
  ok: boolean;
  /** What was found, one line: "items[1].status.phase is Pending". */
  detail: string;
}

/**
 * Compare the value(s) at `path` with `expected` (as text). `[*]` means every
 * element must match, and an empty array does not (no pods is not "all
 * running").
 */
export function checkJsonPath(doc: unknown, path: string, expected: string): JsonCheck {
  const steps = parseJsonPath(path);
  const walk = (value: unknown, at: number, where: string): JsonCheck => {
    if (at === steps.length) {
      const text = value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value);
      return text === expected ? { ok: true, detail: `${where}=${text}` } : { ok: false, detail: `${where} is ${value === undefined ? 'missing' : text}, expected ${expected}` };
    }
    const step = steps[at];
    if ('key' in step) {
      const next = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[step.key] : undefined;
      if (next === undefined && at + 1 < steps.length) return { ok: false, detail: `${where ? where + '.' : ''}${step.key} is missing` };
      return walk(next, at + 1, where ? `${where}.${step.key}` : step.key);
    }
    if (!Array.isArray(value)) return { ok: false, detail: `${where || 'output'} is not an array` };
    if ('index' in step) {
      if (step.index >= value.length) return { ok: false, detail: `${where}[${step.index}] is missing (${value.length} elements)` };
      return walk(value[step.index], at + 1, `${where}[${step.index}]`);
    }
    if (!value.length) return { ok: false, detail: `${where} is empty` };
    for (let i = 0; i < value.length; i++) {
      const r = walk(value[i], at + 1, `${where}[${i}]`);
      if (!r.ok) return r;
    }
    return { ok: true, detail: `${path}=${expected} (all ${value.length})` };
  };
  return walk(doc, 0, '');
}

function compile(param: string, value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value, 'm');
  } catch (err) {
    throw new Error(`parameter "${param}": not a valid regular expression (${(err as Error).message})`);
  }
}

function tail(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  const kept = lines.slice(-TAIL_LINES).map((l) => (l.length > 300 ? l.slice(0, 297) + '...' : l));
  return lines.length > TAIL_LINES ? [`… ${lines.length - TAIL_LINES} earlier lines`, ...kept] : kept;
}

/** What one run of a program gave (the one runner's result) and the budget it had. */
export interface ProgramRun {
  /** Set when the run was cancelled before it started. */
  outcome?: ProbeOutcome;
  result: TreeResult;
  /** Milliseconds the program was given. */
  remaining: number;
}

/**
 * Run argv (no shell) within the probe's deadline through the one process
 * runner (process-tree.ts: own group, the whole tree killed at the end), with
 * the resolved variables in its environment. The `command` kind judges the
 * result with its parameters, the `k8s` kind parses kubectl's JSON from it.
 */
export async function runProgram(argv: string[], ctx: Pick<ProbeContext, 'signal' | 'deadline' | 'vars'>, options: { cwd?: string } = {}): Promise<ProgramRun> {
  const [file, ...args] = argv;
  const remaining = Math.max(1, ctx.deadline - Date.now());
  if (ctx.signal.aborted) return { outcome: cancelled(), result: { stdout: '', stderr: '', all: '', timedOut: false, canceled: true }, remaining };
  const result = await runTree(file, args, { signal: ctx.signal, timeoutMs: remaining, cwd: options.cwd, env: { ...ctx.vars } });
  return { result, remaining };
}

/** Run `cmd` and check exit code, stdout/stderr regexes and json.<path>=value. */
export const probe: Probe<CommandParams> = async (params, ctx): Promise<ProbeOutcome> => {
  let argv: string[];
  let patterns: { stdout?: RegExp; not_stdout?: RegExp; stderr?: RegExp };
  const jsonChecks = Object.entries(params).filter(([k]) => k.startsWith('json.')).map(([k, v]) => [k.slice(5), String(v)] as const);
  try {
    argv = splitCommand(params.cmd, ctx.vars);
    patterns = { stdout: compile('stdout', params.stdout), not_stdout: compile('not_stdout', params.not_stdout), stderr: compile('stderr', params.stderr) };
    for (const [path] of jsonChecks) parseJsonPath(path);
  } catch (err) {
    return { status: 'error', summary: (err as Error).message, evidence: [] };
  }
  if (params.cwd && !(existsSync(params.cwd) && statSync(params.cwd).isDirectory())) {
    return { status: 'error', summary: `cwd ${params.cwd} is not a directory`, evidence: [] };
  }
  const [file] = argv;
  const run = await runProgram(argv, ctx, { cwd: params.cwd });
  if (run.outcome) return run.outcome;
  const { result, remaining } = run;

  const name = file;
  if (result.errorCode === 'ENOENT') {
    if (isKubectl(file)) return kubectlNotConfigured(`${file} not found on PATH`, []);
    return { status: 'error', summary: file.includes('/') ? `${file} not found` : `${file} not found on PATH`, evidence: [] };
  }
  if (result.errorCode === 'EACCES') return { status: 'error', summary: `${file} is not executable`, evidence: [] };
  if (result.errorCode === 'E2BIG') {
    // The kernel refused to start it: arguments plus environment over its limit (one variable of 128 KB is enough).
    const bytes = Object.entries({ ...process.env, ...ctx.vars }).reduce((n, [k, v]) => n + k.length + String(v ?? '').length + 2, 0) + argv.reduce((n, a) => n + a.length + 1, 0);
    return { status: 'error', summary: `${file} could not be started: its arguments and environment are too large (E2BIG, ${Math.round(bytes / 1024)} KB): shorten the largest variable`, evidence: [] };
  }
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const evidence = [`$ ${shown(argv)}`, ...tail(result.all || stdout + '\n' + stderr).filter((l) => l !== '')];
  if (result.timedOut) return { status: 'error', summary: `${name}: no answer within ${remaining} ms (process group killed)`, evidence };
  if (result.canceled || ctx.signal.aborted) return cancelled(evidence);
  if (result.exitCode === undefined) {
    return { status: 'error', summary: `${name} ended by signal ${result.signal ?? 'unknown'}`, evidence };
  }
  evidence.push(`exit code ${result.exitCode}`);

  const passed: string[] = [`${name} exited ${result.exitCode}`];
  if (result.exitCode !== params.exit) {
    // kubectl that reached no cluster judged nothing about the deployment.
    const noCluster = isKubectl(file) ? noClusterLine(stderr) : undefined;
    if (noCluster) return kubectlNotConfigured(noCluster, evidence);
    // The last line of stderr is usually the verdict ("error: …", an exception); earlier ones are noise.
    const firstErr = stderr.split('\n').filter((l) => l.trim()).at(-1);
    return { status: 'fail', summary: `${name} exited ${result.exitCode}, expected ${params.exit}${firstErr ? `: ${firstErr.trim().slice(0, 160)}` : ''}`, evidence };
  }
  if (patterns.stdout && !patterns.stdout.test(stdout)) return { status: 'fail', summary: `${name} output does not match /${params.stdout}/`, evidence };
  if (patterns.stdout) passed.push(`output matches /${params.stdout}/`);
  if (patterns.not_stdout && patterns.not_stdout.test(stdout)) {
    const line = stdout.split('\n').find((l) => patterns.not_stdout!.test(l))?.trim();
    return { status: 'fail', summary: `${name} output matches /${params.not_stdout}/${line ? `: ${line.slice(0, 160)}` : ''}`, evidence };
  }
  if (patterns.stderr && !patterns.stderr.test(stderr)) return { status: 'fail', summary: `${name} stderr does not match /${params.stderr}/`, evidence };
  if (jsonChecks.length) {
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch {
      return { status: 'fail', summary: `${name} output is not JSON`, evidence };
    }
    for (const [path, expected] of jsonChecks) {
      const r = checkJsonPath(doc, path, expected ?? "");
      if (!r.ok) return { status: 'fail', summary: `${name}: ${r.detail}`, evidence };
      passed.push(r.detail);
    }
  }
  return { status: 'pass', summary: passed.join(', '), evidence };
};
