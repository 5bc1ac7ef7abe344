/**
 * `deploy-wizard check`: run every probe of the checklist (or of the
 * `--section`s asked for), no prompts. Plain lines when stdout is not a
 * terminal; a live progress line on a terminal. Exit 0 when nothing failed or
 * errored and something was verified, 1 when something failed or nothing was
 * verified (with --strict: also when any probe was skipped or inconclusive),
 * 2 for bad usage/config, 130 on Ctrl-C.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadChecklistCached } from '../../checklist/load.js';
import { parseCache } from '../parse-cache.js';
import { closestName } from '../suggest.js';
import { validateProbe } from '../../probes/registry.js';
import type { Checklist, Section } from '../../checklist/types.js';
import { UserError } from '../../errors.js';
import { displayPath } from '../../display-path.js';
import { createRedactor, type Redactor } from '../../secrets/redactor.js';
import { probeJobs, runProbes, type ProbeJob } from '../../probes/runner.js';
import type { ProbeResult } from '../../probes/types.js';
import { loadVars } from '../../config/vars.js';
import { entryTitle, exitCodeFor, formatJson, formatJunit, formatText, notGreenLine, resultLine, rollbackLines, summarize, summaryLine, unjudgedLines, type CheckEntry } from '../../report/check-output.js';
import { writeOutputFile } from '../../report/files.js';
import { SPINNER, spinnerFrame } from '../../ui/spinner.js';
import { rollbackLimits } from '../../verdict/rollback.js';
import type { GlobalOptions } from '../globals.js';
import { parseDuration } from '../../grammar/duration.js';
import type { Lifecycle } from '../lifecycle.js';

type Format = 'text' | 'json' | 'junit';

/** Parse a positive whole number option (`--concurrency 4`). */
function parsePositive(flag: string, raw: unknown): number {
  const text = String(raw ?? '').trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UserError(`${flag} must be a whole number above 0, got "${text}"`);
  return n;
}

/** `--timeout 5000` (the flag says ms), `5s`, `500ms`: the one duration grammar, range-checked. */
export function parseTimeout(flag: string, raw: unknown): number {
  const d = parseDuration(String(raw ?? ''), { bare: 'ms' });
  if (!d.ok) throw new UserError(`${flag} ${d.problem}`);
  return d.ms;
}

/** Sections whose path contains any of `filters` (case-insensitive); all when none given. */
export function selectSections(checklist: Checklist, filters: string[]): Section[] {
  const wanted = filters.map((f) => f.trim().toLowerCase()).filter(Boolean);
  if (!wanted.length) return checklist.sections;
  const matches = checklist.sections.filter((s) => {
    const path = s.path.join(' › ').toLowerCase();
    return wanted.some((w) => path.includes(w));
  });
  if (!matches.length) {
    const titles = [...new Set(checklist.sections.map((s) => s.title))];
    const guesses = [...new Set(filters.map((f) => closestName(f, titles)).filter((g): g is string => Boolean(g)))];
    const guess = guesses.length ? ` (did you mean ${guesses.map((g) => `"${g}"`).join(' or ')}?)` : '';
    throw new UserError(`no section matches ${filters.map((f) => `"${f}"`).join(' or ')}${guess}: use words from a heading of ${relativeFile(checklist.file)} (see deploy-wizard validate)`);
  }
  return matches;
}

/** Probe jobs of the selected sections, in document order (built as the wizard builds them), with where each belongs. */
export function jobsFor(checklist: Checklist, sections: Section[]): { jobs: ProbeJob[]; context: Map<ProbeJob, { section: string[]; item: string }> } {
  const byId = new Map(sections.map((s) => [s.id, s]));
  const items = checklist.items.filter((item) => byId.has(item.sectionId));
  const jobs = probeJobs(items);
  const itemById = new Map(items.map((i) => [i.id, i]));
  const context = new Map<ProbeJob, { section: string[]; item: string }>();
  for (const job of jobs) {
    const item = itemById.get(job.itemId!)!;
    context.set(job, { section: byId.get(item.sectionId)!.path, item: item.text });
  }
  return { jobs, context };
}

const relativeFile = displayPath;

/** Refuse an --out path we cannot write before spending time on probes. */
function checkOutPath(out: string): void {
  const dir = dirname(out);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UserError(`--out ${out}: folder ${dir} does not exist (create it first)`);
  }
  if (!st.isDirectory()) throw new UserError(`--out ${out}: ${dir} is not a folder`);
  try {
    if (statSync(out).isDirectory()) throw new UserError(`--out ${out} is a folder: give a file name`);
  } catch (err) {
    if (err instanceof UserError) throw err;
  }
}

/** The --out document (report/files.ts: atomic for a file, in place and checked for a device or FIFO). */
async function writeOut(path: string, data: string): Promise<void> {
  try {
    await writeOutputFile(path, data);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENXIO' ? 'a FIFO nobody reads' : e.code === 'ENOSPC' ? 'no space left on the device' : (e.message ?? String(err)).split('\n')[0];
    throw new UserError(`cannot write --out ${path} (${why}); nothing was written: choose another --out FILE`);
  }
}

/** A single rewritten status line on a terminal; results print above it. Its spinner is the wizard's (src/ui/spinner.ts). */
class Progress {
  private startedAt = 0;
  private timer?: NodeJS.Timeout;
  private running: string[] = [];
  private done = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
  ) {}
  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.draw(), SPINNER.interval);
    this.timer.unref();
    this.draw();
  }
  begin(title: string): void {
    this.running.push(title);
    this.draw();
  }
  end(title: string, line: string): void {
    const i = this.running.indexOf(title);
    if (i >= 0) this.running.splice(i, 1);
    this.done++;
    this.clear();
    if (line) this.stream.write(line + '\n');
    this.draw();
  }
  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }
  private clear(): void {
    this.stream.write('\r\x1b[2K');
  }
  private draw(): void {
    const width = (this.stream.columns || 80) - 1;
    const spin = spinnerFrame(performance.now() - this.startedAt);
    const now = this.running[0] ? ` · ${this.running[0]}${this.running.length > 1 ? ` (+${this.running.length - 1})` : ''}` : '';
    const text = `${spin} ${this.done}/${this.total} probes done${now}`;
    this.stream.write('\r\x1b[2K' + (text.length > width ? text.slice(0, width - 1) + '…' : text));
  }
}

export async function run(opts: Record<string, any>, globals: GlobalOptions, _args: string[], life: Lifecycle): Promise<number> {
  // SIGINT, SIGTERM, SIGHUP: the probes are cancelled (process trees killed), what finished is printed.
  const release = life.handle({ exitOnRepeat: true });
  try {
    return await check(opts, globals, life.signal);
  } finally {
    release();
  }
}

async function check(opts: Record<string, any>, globals: GlobalOptions, stopped: AbortSignal): Promise<number> {
  const format = (opts.format ?? 'text') as Format;
  if (!['text', 'json', 'junit'].includes(format)) throw new UserError(`--format must be text, json or junit, got "${format}"`);
  const concurrency = parsePositive('--concurrency', opts.concurrency ?? '8');
  const timeoutMs = parseTimeout('--timeout', opts.timeout ?? '10000');
  const out = typeof opts.out === 'string' && opts.out ? opts.out : undefined;
  if (out) checkOutPath(out);

  // An unchanged checklist is not parsed again (no markdown-it: ~4 MB of check's peak RSS on Node 24).
  const { checklist, problems } = await loadChecklistCached(globals.checklist, async () => validateProbe, parseCache(), globals.checklistGiven ? 'flag' : 'default');
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${relativeFile(p.file)}:${p.line}: ${p.message}\n`);
    process.stderr.write(`${relativeFile(globals.checklist)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix them (deploy-wizard validate lists them) and run check again\n`);
    return 2;
  }
  const vars = await loadVars({ envFile: globals.envFile, config: globals.config, env: process.env });
  const redact: Redactor = createRedactor(vars);
  const sections = selectSections(checklist, Array.isArray(opts.section) ? opts.section : opts.section ? [opts.section] : []);
  const { jobs, context } = jobsFor(checklist, sections);

  // Where lines go: the document owns stdout when it is JSON/JUnit printed there.
  const docOnStdout = format !== 'text' && !out;
  const lines = docOnStdout ? undefined : process.stdout;
  const info = docOnStdout ? process.stderr : process.stdout;
  const color = globals.color && !docOnStdout;
  const progress = lines?.isTTY ? new Progress(lines, jobs.length) : undefined;
  const write = (stream: NodeJS.WriteStream, text: string) => stream.write(redact(text));

  const isInterrupted = () => stopped.aborted;

  const started = Date.now();
  const entries = new Map<ProbeJob, CheckEntry>();
  let results: ProbeResult[];
  progress?.start();
  try {
    results = await runProbes(jobs, {
      vars,
      signal: stopped,
      concurrency,
      defaultTimeoutMs: timeoutMs,
      onStart: (job) => progress?.begin(entryTitle(context.get(job)!)),
      onResult: (result, job) => {
        const entry: CheckEntry = { result, ...context.get(job)! };
        entries.set(job, entry);
        // After Ctrl-C the rest arrive as "cancelled": counted in the summary, not listed.
        if (isInterrupted() && result.reason === 'cancelled') return progress?.end(entryTitle(entry), '');
        const line = redact(resultLine(entry, color));
        if (progress) progress.end(entryTitle(entry), line);
        else if (lines) write(lines, line + '\n');
      },
    });
  } finally {
    progress?.stop();
  }
  const interrupted = isInterrupted();

  const all: CheckEntry[] = jobs.map((job, i) => entries.get(job) ?? { result: results[i], ...context.get(job)! });
  // On Ctrl-C, report what finished; the cancelled rest is counted, not listed.
  const shown = interrupted ? all.filter((e) => e.result.reason !== 'cancelled') : all;
  const summary = summarize(
    all.map((e) => e.result),
    Date.now() - started,
    opts.strict === true,
  );
  if (interrupted) summary.interrupted = true;
  // The thresholds the checklist's watch criteria declare (the whole checklist's, whatever --section chose).
  const limits = rollbackLimits(checklist);
  const doc = format === 'json' ? formatJson(shown, summary, limits) : format === 'junit' ? formatJunit(shown, summary) : formatText(shown, summary, false, limits);
  if (out) await writeOut(out, redact(doc));
  else if (docOnStdout) write(process.stdout, doc);
  if (!jobs.length) write(info, `no probes in ${sections === checklist.sections ? relativeFile(checklist.file) : 'the selected sections'}\n`);
  // The unjudged and what they need, under the lines (a JSON/JUnit document carries them itself).
  if (lines && !interrupted) for (const line of [...unjudgedLines(shown), ...rollbackLines(shown, limits)]) write(lines, line + '\n');
  const why = notGreenLine(summary);
  if (why) write(info, why + '\n');
  write(info, summaryLine(summary) + (interrupted ? ' (interrupted)' : '') + (out ? ` — ${format} written to ${out}` : '') + '\n');
  // Stopped from outside: the lifecycle turns this into 130 (SIGINT, SIGTERM) or 129 (SIGHUP).
  return exitCodeFor(summary);
}
