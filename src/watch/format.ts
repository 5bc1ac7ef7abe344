/**
 * Output of `deploy-wizard watch`: a line per measurement, a verdict line per
 * criterion, a summary line, JSON and JUnit XML. Pure: strings in, strings out.
 * Measurements arrive already redacted by the probe runner.
 */
import { codeBlock, escapeInline, forTerminal, mermaidLabel } from '../text/escape.js';
import { junitSeconds, junitXml, type JunitCase } from '../text/junit.js';
import { changeText, DEFAULT_MAX_INCREASE_PCT, DEFAULT_MIN_INCREASE_MS, latencyChange, ruleText } from '../verdict/latency-rule.js';
import { clockText, dateClockText, durationText, windowPlanText } from '../grammar/time-format.js';
import type { Criterion } from '../checklist/types.js';
import { substitute, type Vars } from '../config/vars.js';
import { countPhases, criterionState, progressText, STATE_JSON, STATE_JUNIT, STATE_MARKDOWN, STATE_TEXT, type Measurement, type WindowPhase, type WindowState } from './judge.js';
import type { CriterionWatch, WatchOutcome } from './run.js';

const MARK: Record<Measurement['phase'], string> = { successful: 'ok', failed: 'FAIL', inconclusive: 'INCONCLUSIVE', error: 'ERROR' };
const COLOR: Record<Measurement['phase'] | WindowPhase, string> = { successful: '32', failed: '31', inconclusive: '35', error: '1;31', running: '2' };
export type { WindowState } from './judge.js';

/**
 * The one word for a criterion's verdict in text (CLI lines, the wizard's
 * watch screen): the verdict core's state through its text map.
 */
export function verdictWord(phase: WindowPhase, state: WindowState = 'stopped', cannot?: unknown): string {
  return STATE_TEXT[criterionState({ phase }, { cannot, window: state })];
}

const paint = (text: string, code: string, color: boolean) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const flat = (text: string) => forTerminal(String(text ?? '')).replace(/\s*\r?\n\s*/g, ' ').trim();

/** `12:00:30  FAIL  Error rate exceeds 5% of requests — error rate 0.143 > max 0.05 [3/10, 2 failed]`. */
export function measurementLine(w: CriterionWatch, m: Measurement, color = false): string {
  const time = clockText(m.finishedAt);
  // The counts as of this measurement (a line may be printed after later ones arrived: slotOrder).
  const upTo = w.measurements.includes(m) ? w.measurements.slice(0, w.measurements.indexOf(m) + 1) : w.measurements;
  const c = countPhases(upTo);
  const progress = `${upTo.length}/${w.limits.count}${c.failed ? `, ${c.failed} failed` : ''}${c.inconclusive + c.error ? `, ${c.inconclusive + c.error} unjudged` : ''}`;
  return `${time}  ${paint(MARK[m.phase].padEnd(5), COLOR[m.phase], color)} ${flat(w.criterion.text)} — ${flat(m.message) || '(no summary)'} [${progress}]`;
}

/**
 * Measurement lines in checklist order within each slot, whichever probe
 * answered first: a slot's lines are released once every criterion still
 * measuring has reported that slot (`flush` releases the rest at the end).
 */
export function slotOrder(watches: () => readonly CriterionWatch[], emit: (w: CriterionWatch, m: Measurement) => void) {
  const held: { k: number; i: number; w: CriterionWatch; m: Measurement }[] = [];
  const release = (all: boolean) => {
    held.sort((a, b) => a.i - b.i || a.k - b.k);
    while (held.length) {
      const h = held[0];
      if (!all && !watches().every((w) => w.measurements.length > h.i || w.verdict.phase !== 'running')) break;
      held.shift();
      emit(h.w, h.m);
    }
  };
  return {
    add(w: CriterionWatch, m: Measurement) {
      held.push({ k: watches().indexOf(w), i: w.measurements.indexOf(m), w, m });
      release(false);
    },
    flush: () => release(true),
  };
}

/** `MET  Error rate exceeds 5% of requests: 2 failed measurements > failure_limit 1 (…)`. */
export function verdictLine(w: CriterionWatch, color = false): string {
  const state = criterionState(w.verdict, { cannot: w.cannot });
  const message = state === 'incomplete' ? `${progressText(state, w.measurements.length, w.limits.count)}: ${w.verdict.message}` : w.verdict.message;
  return `${paint(STATE_TEXT[state].padEnd(14), COLOR[w.verdict.phase], color)} ${flat(w.criterion.text)}: ${message}`;
}

/** The line that says how the watch ended. */
export function summaryLine(o: WatchOutcome, elapsedMs: number): string {
  const n = o.watches.length;
  const over = `${n} criteri${n === 1 ? 'on' : 'a'} watched for ${durationText(elapsedMs)}`;
  if (o.met) return `rollback criterion met: ${flat(o.met.criterion.text)} (${over}) — see Rollback Procedures`;
  const cannot = o.watches.filter((w) => w.cannot).map((w) => flat(w.criterion.text));
  const cannotText = cannot.length ? `; cannot be measured: ${cannot.join('; ')}` : '';
  const short = o.watches.filter((w) => !w.cannot && w.verdict.phase === 'running');
  if (o.interrupted) return `interrupted: no criterion met so far, the window is incomplete (${short.map((w) => `${w.measurements.length}/${w.limits.count}`).join(', ') || 'nothing'} samples; ${over})${cannotText}; what was measured is above`;
  if (short.length) return `incomplete: ${short.map((w) => `${flat(w.criterion.text)} (${w.measurements.length}/${w.limits.count} samples)`).join('; ')} stopped before the window ended (${over})${cannotText} — nothing failed, and this is not a pass`;
  if (o.phase === 'inconclusive') {
    const which = o.watches.filter((w) => !w.cannot && w.verdict.phase === 'inconclusive').map((w) => flat(w.criterion.text));
    return `inconclusive: ${which.length ? `${which.join('; ')} could not be judged` : 'nothing could be judged'} (${over})${cannotText} — nothing failed, and this is not a pass`;
  }
  return `no rollback criterion met (${over})`;
}

/** The live status line on a terminal. */
export function statusLine(watches: readonly CriterionWatch[], elapsedMs: number, totalMs: number): string {
  const parts = watches.map((w) => {
    const c = w.verdict.counts;
    return `${w.measurements.length}/${w.limits.count}${c.failed ? ` ${c.failed}✗` : ''}${c.inconclusive + c.error ? ` ${c.inconclusive + c.error}?` : ''}`;
  });
  return `watching ${durationText(elapsedMs)} of ${durationText(totalMs)} · ${parts.join(' · ')}`;
}

/** JSON: `{verdict, exitCode, interrupted, criteria: [{id, text, probe: {kind, annotation}, effectiveLimits, verdict: {phase, word, counts, message}, measurements}]}`. */
export function formatJson(o: WatchOutcome, exitCode: number, startedAt: string, finishedAt: string, vars: Vars = {}): string {
  return (
    JSON.stringify(
      {
        // Ctrl-C before a verdict: `interrupted`, as the text says; a met criterion stays `failed`.
        verdict: o.interrupted && !o.met ? 'interrupted' : o.phase === 'running' ? 'incomplete' : o.phase,
        exitCode,
        interrupted: o.interrupted,
        ...(o.met ? { met: o.met.criterion.id } : {}),
        startedAt,
        finishedAt,
        criteria: o.watches.map((w) => ({
          id: w.criterion.id,
          text: w.criterion.text,
          probe: { kind: w.criterion.probe.kind, annotation: w.criterion.probe.raw },
          // The limits judged with (after --interval/--for), not the annotation's.
          effectiveLimits: w.limits,
          threshold: thresholdText(w.criterion, vars),
          ...(w.cannot ? { cannot: w.cannot } : {}),
          ...(w.reference ? { reference: w.reference } : {}),
          verdict: { ...w.verdict, phase: w.verdict.phase === 'running' ? 'incomplete' : w.verdict.phase, state: STATE_JSON[criterionState(w.verdict, { cannot: w.cannot })], word: verdictWord(w.verdict.phase, 'stopped', w.cannot) },
          measurements: w.measurements,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** JUnit: one testcase per criterion; met → <failure>, inconclusive or stopped → <skipped>. */
export function formatJunit(o: WatchOutcome, elapsedMs: number): string {
  const junitOf = (w: WatchOutcome['watches'][number]) => STATE_JUNIT[criterionState(w.verdict, { cannot: w.cannot })];
  const suite = { name: 'deploy-wizard watch', tests: o.watches.length, failures: o.watches.filter((w) => junitOf(w) === 'failure').length, errors: 0, skipped: o.watches.filter((w) => junitOf(w) === 'skipped').length, time: junitSeconds(elapsedMs) };
  const cases = o.watches.map((w): JunitCase => {
    const series = w.measurements.map((m) => `${m.finishedAt} ${m.phase}${m.value !== undefined ? ` ${m.value}` : ''}: ${m.message}`).join('\n');
    const state = criterionState(w.verdict, { cannot: w.cannot });
    const outcome: JunitCase['outcome'] =
      STATE_JUNIT[state] === 'failure'
        ? { kind: 'failure', message: w.verdict.message, type: 'rollback-criterion-met', body: series }
        : STATE_JUNIT[state] === 'skipped'
          ? { kind: 'skipped', message: `${progressText(state, w.measurements.length, w.limits.count)}: ${w.verdict.message}` }
          : undefined;
    return { name: `${w.criterion.text} [${w.criterion.probe.kind}]`, classname: 'rollback-criteria', outcome, systemOut: `probe: ${w.criterion.probe.raw}\n${series}` };
  });
  return junitXml(suite, [{ ...suite, cases }]);
}

/** The threshold a criterion's charted value is held against, when the annotation states one as a number. */
export function thresholdOf(w: { criterion: Pick<Criterion, 'probe'> }): { value: number; sense: 'max' | 'min' } | undefined {
  const p = w.criterion.probe.params;
  for (const sense of ['max', 'min'] as const) {
    const v = Number(p[sense]);
    if (p[sense] !== undefined && Number.isFinite(v)) return { value: v, sense };
  }
  return undefined;
}

/**
 * What a criterion is held against, with units, in words: `max 0.05` (a
 * numeric limit), `over +50 % and +25 ms of 20 ms` (baseline; the stored p50 once
 * `vars` resolve it), `expects 200 healthy` (http: status and JSON values).
 */
export function thresholdText(criterion: Pick<Criterion, 'probe'>, vars: Vars = {}): string {
  const p = criterion.probe.params;
  if (criterion.probe.kind === 'baseline') {
    const b = baselineOf(criterion, vars);
    const rule = { maxIncreasePct: Number(p.max_increase_pct ?? DEFAULT_MAX_INCREASE_PCT), minIncreaseMs: Number(p.min_increase_ms ?? DEFAULT_MIN_INCREASE_MS) };
    return `over ${ruleText(rule)} of ${b !== undefined ? `${b} ms` : 'the baseline p50'}`;
  }
  if (criterion.probe.kind === 'http') {
    const json = Object.entries(p).filter(([k]) => k.startsWith('json.')).map(([, v]) => String(v));
    return ['expects', String(p.status ?? '200-299'), ...json].join(' ');
  }
  const t = thresholdOf({ criterion });
  return t ? `${t.sense} ${t.value}` : 'no numeric limit';
}

/** A measurement's figure with its unit: `8 ms (−60 %)` against a baseline, `8 ms` (latency), `0.01`. */
export function figureText(m: Pick<Measurement, 'value'>, kind: string, baselineMs?: number): string | undefined {
  if (m.value === undefined) return undefined;
  if (kind === 'baseline' || kind === 'http') {
    const change = kind === 'baseline' && baselineMs ? latencyChange(m.value, baselineMs) : undefined;
    if (change) return `${m.value} ms (${changeText(change)})`;
    return `${m.value} ms`;
  }
  return String(m.value);
}

/** The stored baseline a baseline criterion compares with, once `vars` resolve it. */
export function baselineOf(criterion: Pick<Criterion, 'probe'>, vars: Vars = {}): number | undefined {
  if (criterion.probe.kind !== 'baseline') return undefined;
  const b = substitute(String(criterion.probe.params.baseline_ms ?? ''), vars);
  const n = Number(b.value);
  return !b.missing.length && b.value !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

const PHASE_MARK: Record<Measurement['phase'], string> = { successful: '🟢 ok', failed: '🔴 failed', inconclusive: '⚪ inconclusive', error: '🟠 error' };

/** A window's verdict in Markdown: the verdict core's state through its Markdown map, with how far an unfinished window got. */
function verdictMark(phase: WindowPhase, state: WindowState, progress?: { done: number; count: number }, cannot?: unknown): string {
  const s = criterionState({ phase }, { cannot, window: state });
  const mark = STATE_MARKDOWN[s];
  return progress && (s === 'incomplete' || s === 'running' || s === 'paused') ? `${mark} (${progress.done}/${progress.count} samples)` : mark;
}

export interface MarkdownOptions {
  /** Heading level of the section (1: a document of its own). */
  level?: number;
  /** The operator who started the window (a watch saved in a session). */
  by?: string;
  /** `live`: the window is still measured (a saved watch not stopped); default `stopped`. */
  state?: WindowState;
  /** Resolve the thresholds' variables (the baseline p50). */
  vars?: Vars;
  /** Why a saved window stopped (`signoff`: the session was completed while it ran). */
  stopped?: 'ended' | 'met' | 'operator' | 'signoff';
}

/** Whether two ISO times fall on the same UTC day (a sample past midnight shows its date). */
const sameDay = (a: string, b: string) => a.slice(0, 10) === b.slice(0, 10);

/** Markdown: per criterion the limits, the verdict with its evidence, the series as a table and a Mermaid chart. */
export function formatMarkdown(o: WatchOutcome, startedAt: string, elapsedMs: number, opts: MarkdownOptions = {}): string {
  const level = opts.level ?? 1;
  const state = opts.state ?? 'stopped';
  const h = '#'.repeat(level);
  // Each window its own heading: its start and who started it.
  // Times as everywhere in the record (`2026-11-26 09:30:00 UTC`), not raw ISO.
  const out: string[] = [`${h} Watch: rollback criteria, started ${escapeInline(dateClockText(startedAt))}${opts.by ? ` by ${escapeInline(opts.by)}` : ''}`, ''];
  out.push(`Started ${escapeInline(dateClockText(startedAt))}, ${durationText(elapsedMs)}. **Verdict**: ${verdictMark(o.phase, state)}${o.interrupted ? ' (interrupted)' : ''}`, '');
  for (const w of o.watches) {
    const l = w.limits;
    const t = thresholdOf(w);
    out.push(`${h}# ${escapeInline(w.criterion.text)}`, '');
    // Stopped before its end (x, Ctrl-C, the sign-off): incomplete with how far it got, and why it stopped.
    const why = opts.stopped === 'signoff' ? ' (stopped at sign-off)' : opts.stopped === 'operator' ? ' (stopped by the operator)' : '';
    const unfinished = w.verdict.phase === 'running' && state === 'stopped' && !w.cannot ? why : '';
    out.push(`- **Verdict**: ${verdictMark(w.verdict.phase, state, { done: w.measurements.length, count: l.count }, w.cannot)}${unfinished} — ${escapeInline(w.verdict.message)}`);
    out.push(`- **Window**: ${escapeInline(`${windowPlanText(l.intervalMs, l.count)}, failure_limit ${l.failureLimit}, inconclusive_limit ${l.inconclusiveLimit}`)}`);
    out.push(`- **Threshold**: ${escapeInline(thresholdText(w.criterion, opts.vars))}`);
    out.push('', codeBlock(`watch: ${w.criterion.probe.raw}`), '');
    if (!w.measurements.length) {
      out.push('No measurement was taken.', '');
      continue;
    }
    out.push('| # | Finished | Measurement | Value | Observed |', '|---|---|---|---|---|');
    w.measurements.forEach((m, i) => out.push(`| ${i + 1} | ${escapeInline(sameDay(m.finishedAt, startedAt) ? clockText(m.finishedAt) : dateClockText(m.finishedAt))} | ${PHASE_MARK[m.phase]} | ${m.value ?? '—'} | ${escapeInline(m.message)} |`));
    out.push('');
    const charted = w.measurements.map((m, i) => ({ n: i + 1, v: m.value })).filter((x): x is { n: number; v: number } => x.v !== undefined);
    if (charted.length) {
      out.push('```mermaid', 'xychart-beta', `  title "${mermaidLabel(w.criterion.text)}"`, `  x-axis [${charted.map((x) => `"${x.n}"`).join(', ')}]`);
      out.push(`  line [${charted.map((x) => x.v).join(', ')}]`);
      if (t) out.push(`  line [${charted.map(() => t.value).join(', ')}]`);
      out.push('```', '');
      if (t) out.push(`The second line is the threshold (${t.sense} ${t.value}); measurements without a value (no data, errors) are left out of the chart and listed above.`, '');
    }
  }
  return out.join('\n');
}
