/**
 * `deploy-wizard watch`: the checklist's rollback criteria (`watch:`
 * annotations) judged over a window, no prompts. A line per measurement (a
 * live status line under them on a terminal); exit 0 when the window ends
 * with no criterion met, 1 as soon as one is met, 3 when it ended
 * inconclusive, 2 for bad usage/config, 130 on Ctrl-C (what was measured is
 * printed).
 */
import { loadChecklist } from '../../checklist/load.js';
import type { Criterion } from '../../checklist/types.js';
import { UserError } from '../../errors.js';
import { loadVars } from '../../config/vars.js';
import { validateProbe } from '../../probes/registry.js';
import { createRedactor } from '../../secrets/redactor.js';
import { resolveLimits, unmeasurable, type WindowOverride } from '../../watch/criteria.js';
import { MAX_SAMPLES, windowProblem } from '../../checklist/window.js';
import { parseDuration } from '../../grammar/duration.js';
import { watchExitCode } from '../../watch/judge.js';
import { formatJson, formatJunit, formatMarkdown, measurementLine, slotOrder, statusLine, summaryLine, verdictLine } from '../../watch/format.js';
import { runWatch, type CriterionWatch } from '../../watch/run.js';
import { findBaselineSession } from '../../session/previous.js';
import { openStore } from '../../session/select-store.js';
import { BASELINE_VAR, chooseBaseline, withBaseline } from '../../session/baseline.js';
import { windowPlanText } from '../../grammar/time-format.js';

import { criterionMetEvent, openNotifier } from '../../notify/notify.js';
import type { GlobalOptions } from '../globals.js';
import type { Lifecycle } from '../lifecycle.js';
import { selectSections } from './check.js';
import { displayPath as relativeFile } from '../../display-path.js';

type Format = 'text' | 'json' | 'junit' | 'md';

/** `--for 30m`, `--interval 30s`: a duration of the one grammar (a unit required), or one clear line. */
export function parseSpanOption(flag: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const d = parseDuration(String(raw));
  if (!d.ok) throw new UserError(`${flag} ${d.problem}`);
  return d.ms;
}

/**
 * The baseline of the last SUCCESS session of `environment`, from the session
 * store (--store: the team's; else the sessions folder). `watch` runs beside
 * the wizard, in no session, so it has no "this session" measurement: the
 * precedence is the last SUCCESS session's, then BASELINE_P50_MS. A store that
 * cannot be reached costs the baseline (said once), never the watch.
 */
async function storedBaselinesOf(globals: GlobalOptions, environment: string, redact: ReturnType<typeof createRedactor>) {
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    store = await openStore(globals, redact);
    return { previous: await findBaselineSession(store, { id: '', environment, createdAt: new Date().toISOString() }) };
  } catch (err) {
    const why = err instanceof UserError ? err.message : String((err as Error)?.message ?? err).split('\n')[0];
    process.stderr.write(`deploy-wizard: no stored baseline (give ${BASELINE_VAR} instead): ${redact(why)}\n`);
    return { previous: undefined };
  } finally {
    await store?.end?.().catch(() => {});
  }
}

const FROM_TEXT = { 'this session': 'this session', 'last success': 'the last SUCCESS session', variable: BASELINE_VAR } as const;

export async function run(opts: Record<string, any>, globals: GlobalOptions, _args: string[], life: Lifecycle): Promise<number> {
  // SIGINT, SIGTERM, SIGHUP: the measurements are cancelled, what was measured is printed.
  const release = life.handle({ exitOnRepeat: true });
  try {
    return await watch(opts, globals, life.signal);
  } finally {
    release();
  }
}

async function watch(opts: Record<string, any>, globals: GlobalOptions, stopped: AbortSignal): Promise<number> {
  const format = (opts.format ?? 'text') as Format;
  if (!['text', 'json', 'junit', 'md'].includes(format)) throw new UserError(`--format must be text, json, junit or md, got "${format}"`);
  const override: WindowOverride = { forMs: parseSpanOption('--for', opts.for), intervalMs: parseSpanOption('--interval', opts.interval) };
  if (override.intervalMs !== undefined) {
    const problem = windowProblem('--interval', '--for', override.intervalMs, override.forMs);
    if (problem) throw new UserError(problem);
  }

  const { checklist, problems } = await loadChecklist(globals.checklist, validateProbe, globals.checklistGiven ? 'flag' : 'default');
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${relativeFile(p.file)}:${p.line}: ${p.message}\n`);
    process.stderr.write(`${relativeFile(globals.checklist)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix them (deploy-wizard validate lists them) and run watch again\n`);
    return 2;
  }
  const sections = selectSections(checklist, Array.isArray(opts.section) ? opts.section : opts.section ? [opts.section] : []);
  const wanted = new Set(sections.map((s) => s.id));
  const criteria: Criterion[] = (checklist.criteria ?? []).filter((c) => wanted.has(c.sectionId));
  if (!criteria.length) {
    throw new UserError(`no rollback criteria to watch in ${sections === checklist.sections ? relativeFile(checklist.file) : 'the selected sections'}: annotate one with <!-- watch: KIND ... --> (docs/checklist-format.md)`);
  }
  const loaded = await loadVars({ envFile: globals.envFile, config: globals.config, env: process.env });
  // The baseline, one precedence (chooseBaseline): the last SUCCESS session's, then BASELINE_P50_MS (no session: none of its own).
  const environment = typeof opts.env === 'string' && opts.env.trim() ? opts.env.trim() : undefined;
  const stored = environment ? await storedBaselinesOf(globals, environment, createRedactor(loaded)) : { previous: undefined };
  const baseline = chooseBaseline(undefined, stored.previous, loaded[BASELINE_VAR], environment);
  const vars = withBaseline(loaded, baseline);
  const redact = createRedactor(vars);
  const notifier = await openNotifier(opts, globals, vars, (line, first) => {
    // Shown once; a lost message changes nothing else (not the verdict, not the exit code).
    if (first) process.stderr.write(`deploy-wizard: ${line}\n`);
  });
  // A criterion that cannot be measured (a variable unset, no baseline anywhere) is said now and never stops the others.
  const explain: Record<string, string> = baseline.ok ? {} : { [BASELINE_VAR]: `${baseline.why}${environment ? '' : ' (--env NAME looks for the baseline of that environment\'s sessions)'}` };
  const planned = criteria.map((criterion) => {
    const cannot = unmeasurable(criterion, vars, explain);
    const usesBaseline = baseline.ok && !cannot && criterion.probe.kind === 'baseline' && String(criterion.probe.params.baseline_ms ?? '').includes(BASELINE_VAR);
    return {
      criterion,
      limits: resolveLimits(criterion.window, override),
      ...(cannot ? { cannot } : {}),
      ...(usesBaseline ? { reference: { ms: Number(vars[BASELINE_VAR]), from: baseline.sessionId ? `${FROM_TEXT[baseline.from]} (${baseline.sessionId})` : FROM_TEXT[baseline.from] } } : {}),
    };
  });
  for (const { criterion, limits } of planned) {
    const problem = windowProblem(`the interval of "${criterion.text}"`, '--for', limits.intervalMs, override.forMs, undefined, criterion.probe.timeoutMs);
    if (problem) throw new UserError(problem);
    if (limits.count > MAX_SAMPLES) throw new UserError(`the window of "${criterion.text}" is ${limits.count} samples: at most ${MAX_SAMPLES}; give a shorter --for or a longer --interval`);
  }
  const totalMs = Math.max(0, ...planned.filter((p) => !p.cannot).map((p) => p.limits.count * p.limits.intervalMs));

  // The document owns stdout when it is JSON/JUnit; the lines then go to stderr.
  const docOnStdout = format !== 'text';
  const lines = docOnStdout ? process.stderr : process.stdout;
  const color = globals.color && !docOnStdout;
  const live = lines.isTTY === true;
  const write = (text: string) => lines.write(redact(text));
  const clearLive = () => live && lines.write('\r\x1b[2K');
  const started = Date.now();
  const drawLive = () => {
    if (!live) return;
    const text = statusLine(watchesNow, Date.now() - started, totalMs);
    const width = (lines.columns || 80) - 1;
    lines.write('\r\x1b[2K' + (text.length > width ? text.slice(0, width - 1) + '…' : text));
  };
  let watchesNow: readonly CriterionWatch[] = [];

  write(`watching ${planned.length} rollback criteri${planned.length === 1 ? 'on' : 'a'} of ${relativeFile(checklist.file)}:\n`);
  for (const { criterion, limits, cannot, reference } of planned) {
    if (cannot) {
      write(`  ${criterion.text} — cannot be measured: ${cannot.why}\n`);
      continue;
    }
    const against = reference ? `, baseline ${reference.ms} ms from ${reference.from}` : '';
    write(`  ${criterion.text} — ${criterion.probe.label ?? criterion.probe.kind}, ${windowPlanText(limits.intervalMs, limits.count)}, failure_limit ${limits.failureLimit}, inconclusive_limit ${limits.inconclusiveLimit}${against}\n`);
  }

  const ticker = live ? setInterval(drawLive, 1000) : undefined;
  ticker?.unref();
  let outcome;
  // Within a slot, the lines in checklist order, whichever probe answered first.
  const ordered = slotOrder(
    () => watchesNow,
    (w, m) => {
      clearLive();
      write(measurementLine(w, m, color) + '\n');
      drawLive();
    },
  );
  try {
    outcome = await runWatch(planned, {
      vars,
      signal: stopped,
      onStart: (watches) => {
        watchesNow = watches;
        drawLive();
      },
      onMeasurement: (w, m) => ordered.add(w, m),
      onMet: (w) => notifier.notify(criterionMetEvent(w.criterion.text, w.verdict, { environment })),
    });
  } finally {
    ordered.flush();
    clearInterval(ticker);
    clearLive();
  }
  const elapsed = Date.now() - started;
  const code = outcome.interrupted ? 130 : watchExitCode(outcome.phase);
  for (const w of outcome.watches) write(verdictLine(w, color) + '\n');
  write(summaryLine(outcome, elapsed) + '\n');
  if (format === 'json') process.stdout.write(redact(formatJson(outcome, code, new Date(started).toISOString(), new Date().toISOString(), vars)));
  if (format === 'junit') process.stdout.write(redact(formatJunit(outcome, elapsed)));
  if (format === 'md') process.stdout.write(redact(formatMarkdown(outcome, new Date(started).toISOString(), elapsed, { vars })));
  // Messages in flight get a moment, never the exit: a hanging webhook cannot hold the watch.
  await notifier.close(1000);
  return code;
}
