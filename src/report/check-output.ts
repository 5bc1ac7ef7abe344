/**
 * Formatting of `deploy-wizard check` results: plain lines, a summary line,
 * JSON and JUnit XML. Pure: strings in, strings out (the command does the I/O).
 * Results arrive already redacted by the runner.
 */
import type { ProbeResult, ProbeStatus } from '../probes/types.js';
import { forTerminal } from './escape.js';

/** One probe result with the checklist context it belongs to. */
export interface CheckEntry {
  result: ProbeResult;
  /** Section titles from the top heading down. */
  section: string[];
  /** The item's text. */
  item: string;
}

export interface CheckSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  warnings: number;
  skipped: number;
  /** Of the skipped: probes whose variables are unset. */
  notConfigured: number;
  /** Of the skipped: probes cancelled (Ctrl-C). */
  cancelled: number;
  durationMs: number;
  /** Nothing failed or errored (warn and skipped do not fail a run). */
  ok: boolean;
  /** The run was stopped with Ctrl-C (set by the command). */
  interrupted?: boolean;
}

const LABEL: Record<ProbeStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };
const COLOR: Record<ProbeStatus, string> = { pass: '32', warn: '33', fail: '31', error: '1;31', skipped: '2' };

/** Count results by status. */
export function summarize(results: ProbeResult[], durationMs: number): CheckSummary {
  const count = (s: ProbeStatus) => results.filter((r) => r.status === s).length;
  const skipped = results.filter((r) => r.status === 'skipped');
  const failed = count('fail');
  const errors = count('error');
  return {
    total: results.length,
    passed: count('pass'),
    failed,
    errors,
    warnings: count('warn'),
    skipped: skipped.length,
    notConfigured: skipped.filter((r) => r.summary.startsWith('not configured')).length,
    cancelled: skipped.filter((r) => r.summary === 'cancelled').length,
    durationMs,
    ok: failed === 0 && errors === 0,
  };
}

/** 0 when nothing failed or errored, else 1. */
export function exitCodeFor(summary: CheckSummary): 0 | 1 {
  return summary.ok ? 0 : 1;
}

/** `850 ms`, `2.3 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `12 passed, 1 failed, 0 errors, 3 warnings, 27 skipped (not configured) in 2.3 s`. */
export function summaryLine(s: CheckSummary): string {
  let skipped = `${s.skipped} skipped`;
  if (s.skipped && s.notConfigured === s.skipped) skipped += ' (not configured)';
  else if (s.skipped) {
    const other = s.skipped - s.notConfigured - s.cancelled;
    const parts = [s.notConfigured && `${s.notConfigured} not configured`, s.cancelled && `${s.cancelled} cancelled`, other && `${other} other`].filter(Boolean);
    skipped += ` (${parts.join(', ')})`;
  }
  return `${s.passed} passed, ${s.failed} failed, ${plural(s.errors, 'error', 'errors')}, ${plural(s.warnings, 'warning', 'warnings')}, ${skipped} in ${formatDuration(s.durationMs)}`;
}

const paint = (text: string, code: string, color: boolean) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

/** Where a result belongs, for a person: `Health Checks › Application health endpoints responding`. */
export function entryTitle(entry: Pick<CheckEntry, 'section' | 'item'>): string {
  const section = entry.section[entry.section.length - 1];
  // Item and heading text reach the terminal here (and in the progress line): no escape sequences.
  return oneLine(forTerminal(section ? `${section} › ${entry.item}` : entry.item));
}

/** `PASS  http   Health Checks › Application health endpoints responding — GET … 200 in 12 ms`. */
export function resultLine(entry: CheckEntry, color = false): string {
  const r = entry.result;
  const label = paint(LABEL[r.status].padEnd(5), COLOR[r.status], color);
  const timing = r.status === 'skipped' ? '' : ` in ${formatDuration(r.durationMs)}`;
  const summary = oneLine(forTerminal(r.summary)) || '(no summary)';
  return `${label} ${r.kind.padEnd(6)} ${entryTitle(entry)} — ${summary}${timing}`;
}

function oneLine(text: string): string {
  return String(text ?? '').replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** The text format: one line per result, then the summary line. */
export function formatText(entries: CheckEntry[], summary: CheckSummary, color = false): string {
  return [...entries.map((e) => resultLine(e, color)), summaryLine(summary)].join('\n') + '\n';
}

/** The JSON format: `{summary, results: [...]}`, results in checklist order. */
export function formatJson(entries: CheckEntry[], summary: CheckSummary): string {
  const results = entries.map((e) => ({ section: e.section, item: e.item, ...e.result }));
  return JSON.stringify({ summary, results }, null, 2) + '\n';
}

// Characters XML 1.0 cannot carry at all, even escaped (plus lone surrogates).
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for an XML attribute or element, dropping characters XML forbids. */
export function xmlEscape(text: string): string {
  return String(text)
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * JUnit XML: a testsuite per section, a testcase per probe; fail → <failure>,
 * error → <error>, skipped → <skipped>; warn passes with the warning in
 * <system-out>. CI systems read this.
 */
export function formatJunit(entries: CheckEntry[], summary: CheckSummary): string {
  const suites = new Map<string, CheckEntry[]>();
  for (const e of entries) {
    const key = e.section.join(' › ') || '(no section)';
    suites.set(key, [...(suites.get(key) ?? []), e]);
  }
  const attrs = (a: Record<string, string | number>) =>
    Object.entries(a)
      .map(([k, v]) => ` ${k}="${xmlEscape(String(v)).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')}"`)
      .join(''); // line breaks as references: attribute normalisation would turn them into spaces
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${attrs({ name: 'deploy-wizard check', tests: summary.total, failures: summary.failed, errors: summary.errors, skipped: summary.skipped, time: seconds(summary.durationMs) })}>`,
  );
  for (const [name, list] of suites) {
    const s = summarize(
      list.map((e) => e.result),
      list.reduce((n, e) => n + e.result.durationMs, 0),
    );
    out.push(`  <testsuite${attrs({ name, tests: s.total, failures: s.failed, errors: s.errors, skipped: s.skipped, time: seconds(s.durationMs) })}>`);
    for (const e of list) {
      const r = e.result;
      const classname = e.section.join('.') || 'checklist';
      out.push(`    <testcase${attrs({ name: `${e.item} [${r.kind}]`, classname, time: seconds(r.durationMs) })}>`);
      const body = xmlEscape([r.summary, ...r.evidence].join('\n'));
      if (r.status === 'fail') out.push(`      <failure${attrs({ message: r.summary, type: 'fail' })}>${body}</failure>`);
      if (r.status === 'error') out.push(`      <error${attrs({ message: r.summary, type: 'error' })}>${body}</error>`);
      if (r.status === 'skipped') out.push(`      <skipped${attrs({ message: r.summary })}/>`);
      const sysout = [r.status === 'warn' ? `WARN: ${r.summary}` : '', `probe: ${r.spec}`, ...(r.status === 'pass' || r.status === 'warn' ? r.evidence : [])].filter(Boolean);
      out.push(`      <system-out>${xmlEscape(sysout.join('\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
