/**
 * The one JUnit XML writer (`check --format junit`, `watch --format junit`):
 * `<testsuites>` of `<testsuite>`s of `<testcase>`s, each with at most one
 * `<failure>`, `<error>` or `<skipped>` and its `<system-out>`. One escaping
 * for every text: characters XML 1.0 cannot carry are dropped, markup is
 * escaped, and in attributes line breaks and tabs are character references
 * (attribute normalisation would turn them into spaces). Pure.
 */

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

/** ` k="v"` for each attribute, escaped, line breaks and tabs as references. */
function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v)).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')}"`)
    .join('');
}

/** Seconds with three decimals, as JUnit's `time` is read. */
export const junitSeconds = (ms: number): string => (ms / 1000).toFixed(3);

export interface JunitCounts {
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  /** Seconds (`junitSeconds`). */
  time: string;
}

export interface JunitCase {
  name: string;
  classname: string;
  /** Seconds (`junitSeconds`); left out when the case has no duration of its own. */
  time?: string;
  /** What the case came to when it did not pass. */
  outcome?: { kind: 'failure' | 'error'; message: string; type: string; body: string } | { kind: 'skipped'; message: string };
  systemOut: string;
}

export interface JunitSuite extends JunitCounts {
  cases: JunitCase[];
}

/** The document: the totals, then each suite with its cases. */
export function junitXml(totals: JunitCounts, suites: JunitSuite[]): string {
  const counts = (c: JunitCounts) => attrs({ name: c.name, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: c.time });
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${counts(totals)}>`];
  for (const suite of suites) {
    out.push(`  <testsuite${counts(suite)}>`);
    for (const c of suite.cases) {
      out.push(`    <testcase${attrs({ name: c.name, classname: c.classname, time: c.time })}>`);
      const o = c.outcome;
      if (o?.kind === 'skipped') out.push(`      <skipped${attrs({ message: o.message })}/>`);
      else if (o) out.push(`      <${o.kind}${attrs({ message: o.message, type: o.type })}>${xmlEscape(o.body)}</${o.kind}>`);
      out.push(`      <system-out>${xmlEscape(c.systemOut)}</system-out>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
