import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_KEYS, KINDS } from '../../src/probes/registry.js';
import { ROOT } from './helpers.js';

const doc = readFileSync(`${ROOT}docs/checklist-format.md`, 'utf8');

/** The text of the `### \`kind\`` section of the doc, up to the next heading. */
function kindSection(kind: string): string {
  const start = doc.indexOf(`### \`${kind}\`\n`);
  if (start < 0) return '';
  const next = doc.indexOf('\n#', start + 1);
  return doc.slice(start, next < 0 ? undefined : next);
}

/** Rows of a Markdown table as {param, default}. */
function rows(section: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]+) \|/.exec(line);
    if (m) out.set(m[1], m[2].trim());
  }
  return out;
}

describe('docs/checklist-format.md documents every probe kind and parameter', () => {
  it.each(Object.keys(KINDS))('%s: every schema key has a row, with its default', (kind) => {
    const table = rows(kindSection(kind));
    const shape = KINDS[kind].params.shape as Record<string, { safeParse: (v: unknown) => { success: boolean; data?: unknown } }>;
    expect(table.size).toBeGreaterThan(0);
    for (const [key, schema] of Object.entries(shape)) {
      expect(table.has(key), `${kind}: ${key} missing from the doc`).toBe(true);
      const parsed = schema.safeParse(undefined);
      if (!parsed.success) expect(table.get(key), `${kind}.${key} is required`).toBe('**required**');
      else if (parsed.data !== undefined) expect(table.get(key), `${kind}.${key} default`).toBe(`\`${String(parsed.data)}\``);
    }
    // No row for a parameter the schema does not have (dynamic keys aside).
    for (const key of table.keys()) expect(key in shape || /<[a-z]+>$/.test(key), `${kind}: ${key} is not a parameter`).toBe(true);
  });

  it('the kinds table is the kind files\' doc rows, in registry order', () => {
    const start = doc.indexOf('| Kind | Library | Checks |');
    const table = doc.slice(start, doc.indexOf('\n\n', start)).split('\n').slice(2);
    expect(table).toEqual(Object.values(KINDS).map((k) => `| \`${k.name}\` | ${k.doc.library} | ${k.doc.checks} |`));
  });

  it.each(Object.values(KINDS).filter((k) => k.proves).map((k) => [k.name, k.proves!]))('%s: its section says what it proves, as the kind declares', (kind, proves) => {
    expect(kindSection(kind)).toContain(`Proves: ${proves}.`);
  });

  it('documents the keys every annotation accepts and the variables of the shipped checklist', () => {
    for (const key of COMMON_KEYS) expect(doc).toContain(`| \`${key}\` |`);
    for (const v of ['PROMETHEUS_URL', 'K8S_NAMESPACE', 'BASELINE_P50_MS', 'APP_REPO_DIR', '${NAME:-default}', '--env-file', '--config']) expect(doc).toContain(v);
  });
});
