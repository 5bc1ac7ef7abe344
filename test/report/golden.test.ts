/**
 * Golden files: the exact Markdown for a small hand-made session. Regenerate
 * after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/report`
 * and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJson } from '../../src/report/json.js';
import { smallChecklist } from './fixtures.js';
import { goldenSession, previousSession } from './golden-session.js';
import { emptySession } from './fixtures.js';

function golden(name: string, actual: string): void {
  const file = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('Markdown report golden files', () => {
  it('renders a walked, signed, rolled-back session compared with the previous one', () => {
    golden('walked-rolled-back.md', renderMarkdown(goldenSession(), smallChecklist(), { previous: previousSession() }));
  });

  it('renders a fresh session with nothing done and no sign-off', () => {
    golden('fresh.md', renderMarkdown(emptySession(), smallChecklist()));
  });

  it('renders the JSON record', () => {
    golden('walked-rolled-back.json', renderJson(goldenSession(), smallChecklist(), { previous: previousSession() }));
  });

  it('parses as Markdown whose tables keep their column count', () => {
    const md = renderMarkdown(goldenSession(), smallChecklist(), { previous: previousSession() });
    const tokens = new MarkdownIt().parse(md, {});
    let cols = 0;
    let inTable = false;
    for (const tok of tokens) {
      if (tok.type === 'table_open') inTable = true;
      if (tok.type === 'table_close') inTable = false;
      if (!inTable) continue;
      if (tok.type === 'tr_open') cols = 0;
      if (tok.type === 'th_open' || tok.type === 'td_open') cols++;
      if (tok.type === 'tr_close') expect(cols).toBeGreaterThan(1);
    }
    expect(tokens.filter((t) => t.type === 'table_open').length).toBeGreaterThanOrEqual(7);
    expect(tokens.filter((t) => t.type === 'fence' && t.info === 'mermaid').length).toBe(3);
  });
});
