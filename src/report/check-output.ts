/**
 * Formatting of `deploy-wizard check` results: plain lines, a summary line,
 * JSON and JUnit XML. Pure: strings in, strings out (the command does the I/O).
 * Results arrive already redacted by the runner.
 */
import type { ProbeResult, ProbeStatus } from '../probes/types.js';
import { adviceFor, countResults, countsText, isUnjudged, STATUS_LABEL as LABEL, type ResultCounts } from '../verdict/probe.js';
import { DEFAULT_ROLLBACK_LIMITS, judgeRollback, triggeredLines, type CriterionVerdict, type RollbackLimits } from '../verdict/rollback.js';
import { forTerminal } from '../text/escape.js';
import { joinLines } from '../text/lines.js';
import { junitSeconds, junitXml, type JunitCase } from '../text/junit.js';
import { durationText } from '../grammar/time-format.js';

/** One probe result with the checklist context it belongs to. */
export interface CheckEntry {
  result: ProbeResult;
  /** Section titles from the top heading down. */
  section: string[];
  /** The item's text. */
  item: string;
}

/** The run's counts (the verdict core's), and whether it is green. */
export interface CheckSummary extends ResultCounts {
  durationMs: number;
  /** No probe passed or warned: nothing at all was verified (a run that verified nothing is not green). */
  nothingVerified: boolean;
  /** `--strict`: a skipped or inconclusive probe fails the run. */
  strict: boolean;
  /**
   * The run is green: nothing failed or errored, something was verified and,
   * with --strict, nothing was left skipped or inconclusive.
   */
  ok: boolean;
  /** The run was stopped with Ctrl-C (set by the command). */
  interrupted?: boolean;
}

const COLOR: Record<ProbeStatus, string> = { pass: '32', warn: '33', fail: '31', error: '1;31', skipped: '2', inconclusive: '35' };

/** Count results by status (and the unjudged by reason). `strict`: skipped/inconclusive fail the run. */
export function summarize(results: ProbeResult[], durationMs: number, strict = false): CheckSummary {
  const c = countResults(results);
  const unjudged = c.skipped + c.inconclusive;
  const nothingVerified = c.passed + c.warnings === 0;
  return {
    ...c,
    durationMs,
    nothingVerified,
    strict,
    ok: c.failed + c.errors === 0 && !nothingVerified && !(strict && unjudged > 0),
  };
}

/** 0 when the run is green (see CheckSummary.ok), else 1. */
export function exitCodeFor(summary: CheckSummary): 0 | 1 {
  return summary.ok ? 0 : 1;
}

/**
 * Lines under the results for a person: the skipped and inconclusive probes
 * with what each needs (the variables it names, or what to do next).
 */
export function unjudgedLines(entries: CheckEntry[]): string[] {
  const unjudged = entries.filter((e) => isUnjudged(e.result.status) && e.result.reason !== 'cancelled');
  if (!unjudged.length) return [];
  return [
    `Not verified (${unjudged.length}):`,
    ...unjudged.map((e) => {
      const r = e.result;
      const advice = adviceFor(r);
      return `  ${LABEL[r.status]} ${entryTitle(e)} — ${joinLines(r.summary)}${advice ? ` → ${joinLines(advice)}` : ''}`;
    }),
  ];
}

/**
 * The rollback criteria judged over a run's results: the verdict core, as the
 * wizard's banner and the report judge them, against the checklist's limits
 * (rollbackLimits) or the defaults.
 */
function rollbackOf(entries: CheckEntry[], limits: RollbackLimits = DEFAULT_ROLLBACK_LIMITS): CriterionVerdict[] {
  return judgeRollback(entries.map((e) => ({ result: e.result, label: e.item })), [], limits);
}

/** `ROLLBACK CRITERION MET: Error rate exceeds 5% of requests: 7.2% (Error rates monitored)`, one per criterion met. */
export function rollbackLines(entries: CheckEntry[], limits?: RollbackLimits): string[] {
  return triggeredLines(rollbackOf(entries, limits)).map((line) => joinLines(forTerminal(`ROLLBACK CRITERION MET: ${line}`)));
}

/** Why a run that failed nothing is still not green, when it is not: one line, or none. */
export function notGreenLine(s: CheckSummary): string | undefined {
  if (s.ok || s.failed || s.errors || s.interrupted) return undefined;
  if (s.nothingVerified) return `nothing was verified: ${s.total ? 'no probe passed' : 'no probes to run'} (exit 1)`;
  const unjudged = s.skipped + s.inconclusive;
  if (s.strict && unjudged) return `--strict: ${unjudged} probe${unjudged === 1 ? '' : 's'} skipped or inconclusive count as failures (exit 1)`;
  return undefined;
}

/** `12 passed, 1 failed, 0 errors, 3 warnings, 27 skipped (not configured) in 2.3 s`: the verdict core's words. */
export function summaryLine(s: CheckSummary): string {
  return `${countsText(s, true)} in ${durationText(s.durationMs)}`;
}

const paint = (text: string, code: string, color: boolean) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

/** Where a result belongs, for a person: `Health Checks › Application health endpoints responding`. */
export function entryTitle(entry: Pick<CheckEntry, 'section' | 'item'>): string {
  const section = entry.section[entry.section.length - 1];
  // Item and heading text reach the terminal here (and in the progress line): no escape sequences.
  return joinLines(forTerminal(section ? `${section} › ${entry.item}` : entry.item));
}

/** `PASS  http   Health Checks › Application health endpoints responding — GET … 200 in 12 ms`. */
export function resultLine(entry: CheckEntry, color = false): string {
  const r = entry.result;
  const label = paint(LABEL[r.status].padEnd(5), COLOR[r.status], color);
  const timing = r.status === 'skipped' ? '' : ` in ${durationText(r.durationMs)}`;
  const summary = joinLines(forTerminal(r.summary)) || '(no summary)';
  return `${label} ${r.kind.padEnd(6)} ${entryTitle(entry)} — ${summary}${timing}`;
}

/** The text format: one line per result, the unjudged with what they need, why not green, then the summary line. */
export function formatText(entries: CheckEntry[], summary: CheckSummary, color = false, limits?: RollbackLimits): string {
  const why = notGreenLine(summary);
  return [...entries.map((e) => resultLine(e, color)), ...unjudgedLines(entries), ...rollbackLines(entries, limits), ...(why ? [why] : []), summaryLine(summary)].join('\n') + '\n';
}

/** The JSON format: `{summary, rollback, results: [...]}`, results in checklist order. */
export function formatJson(entries: CheckEntry[], summary: CheckSummary, limits?: RollbackLimits): string {
  const results = entries.map((e) => ({ section: e.section, item: e.item, ...e.result }));
  return JSON.stringify({ summary, rollback: rollbackOf(entries, limits), results }, null, 2) + '\n';
}

/**
 * JUnit XML: a testsuite per section, a testcase per probe; fail → <failure>,
 * error → <error>, skipped → <skipped>; warn passes with the warning in
 * <system-out>. CI systems read this.
 */
export function formatJunit(entries: CheckEntry[], summary: CheckSummary): string {
  const groups = new Map<string, CheckEntry[]>();
  for (const e of entries) {
    const key = e.section.join(' › ') || '(no section)';
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const counts = (name: string, c: CheckSummary) => ({ name, tests: c.total, failures: c.failed, errors: c.errors, skipped: c.skipped + c.inconclusive, time: junitSeconds(c.durationMs) });
  const suites = [...groups].map(([name, list]) => ({
    ...counts(
      name,
      summarize(
        list.map((e) => e.result),
        list.reduce((n, e) => n + e.result.durationMs, 0),
      ),
    ),
    cases: list.map((e): JunitCase => {
      const r = e.result;
      const body = [r.summary, ...r.evidence].join('\n');
      const outcome: JunitCase['outcome'] =
        r.status === 'fail' || r.status === 'error'
          ? { kind: r.status === 'fail' ? 'failure' : 'error', message: r.summary, type: r.status, body }
          : // Inconclusive verified nothing: CI shows it as skipped, with the reason.
            isUnjudged(r.status)
            ? { kind: 'skipped', message: r.status === 'inconclusive' ? `inconclusive (${r.reason ?? 'no-data'}): ${r.summary}` : r.summary }
            : undefined;
      const sysout = [r.status === 'warn' ? `WARN: ${r.summary}` : '', `probe: ${r.spec}`, ...(r.status === 'pass' || r.status === 'warn' ? r.evidence : [])].filter(Boolean);
      return { name: `${e.item} [${r.kind}]`, classname: e.section.join('.') || 'checklist', time: junitSeconds(r.durationMs), outcome, systemOut: sysout.join('\n') };
    }),
  }));
  return junitXml(counts('deploy-wizard check', summary), suites);
}
