import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, MAX_LIST_DEPTH, parseChecklist } from '../../src/checklist/parse.js';
import { md } from './helpers.js';
import { validateProbe } from '../../src/probes/registry.js';

const doc = md(`
  # Release

  Intro paragraph.

  ## Before
  ### Database
  - [ ] Backup taken
  - [x] Migrations reviewed
    - look at the SQL
    - ask the DBA
  - plain bullet one
  - plain bullet two

  \`\`\`bash
  pg_dump -Fc app > app.dump
  \`\`\`

  | a | b |
  |---|---|
  | 1 | 2 |

  ## After
  1. Step one
  2. Step two
  - [ ] Smoke test done

  ## Sign-off

  | Role | Name |
  |------|------|
  | Tech Lead | |
  | Release Manager | |

  **Deployment Status**: [ ] SUCCESS [ ] FAILED [ ] ROLLED BACK

  **Notes**: ____

  **Next Steps**: ____
`);

describe('parseChecklist: the model', () => {
  const { checklist, problems } = parseChecklist(doc, 'release.md', validateProbe);

  it('has no problems and takes the first h1 as title, sha256 of the text as hash', () => {
    expect(problems).toEqual([]);
    expect(checklist.title).toBe('Release');
    expect(checklist.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseChecklist(doc + '\n', 'release.md', validateProbe).checklist.hash).not.toBe(checklist.hash);
  });

  it('builds the section tree from headings with paths, parents and children', () => {
    const byTitle = Object.fromEntries(checklist.sections.map((s) => [s.title, s]));
    expect(checklist.sections.map((s) => s.title)).toEqual(['Release', 'Before', 'Database', 'After', 'Sign-off']);
    expect(byTitle.Database.path).toEqual(['Release', 'Before', 'Database']);
    expect(byTitle.Database.depth).toBe(3);
    expect(byTitle.Database.parentId).toBe(byTitle.Before.id);
    expect(byTitle.Before.childIds).toEqual([byTitle.Database.id]);
    expect(byTitle.Release.childIds).toEqual([byTitle.Before.id, byTitle.After.id, byTitle['Sign-off'].id]);
    expect(byTitle.Release.parentId).toBeUndefined();
    expect(byTitle.Database.line).toBe(6);
  });

  it('turns checkbox items into items with text, line, checked and section', () => {
    const texts = checklist.items.map((i) => [i.text, i.line, i.checked]);
    expect(texts).toEqual([
      ['Backup taken', 7, false],
      ['Migrations reviewed', 8, true],
      ['Smoke test done', 25, false],
    ]);
    const db = checklist.sections.find((s) => s.title === 'Database')!;
    expect(db.itemIds).toEqual(checklist.items.slice(0, 2).map((i) => i.id));
    expect(checklist.items[0].sectionId).toBe(db.id);
  });

  it('keeps nested plain bullets as the item guidance', () => {
    expect(checklist.items[1].guidance).toEqual([{ kind: 'list', text: '- look at the SQL\n- ask the DBA', line: 9 }]);
    expect(checklist.items[0].guidance).toBeUndefined();
  });

  it('keeps other lists, paragraphs, tables and fenced code as section guidance', () => {
    const db = checklist.sections.find((s) => s.title === 'Database')!;
    expect(db.guidance).toEqual([
      { kind: 'list', text: '- plain bullet one\n- plain bullet two', line: 11 },
      { kind: 'command', text: 'pg_dump -Fc app > app.dump', lang: 'bash', line: 14 },
      { kind: 'table', text: '| a | b |\n|---|---|\n| 1 | 2 |', line: 18 },
    ]);
    const release = checklist.sections.find((s) => s.title === 'Release')!;
    expect(release.guidance).toEqual([{ kind: 'text', text: 'Intro paragraph.', line: 3 }]);
    const after = checklist.sections.find((s) => s.title === 'After')!;
    expect(after.guidance).toEqual([{ kind: 'list', text: '1. Step one\n2. Step two', line: 23 }]);
  });

  it('reads sign-off roles, statuses and fields, and does not repeat them as guidance', () => {
    expect(checklist.signoff).toEqual({
      roles: ['Tech Lead', 'Release Manager'],
      statuses: ['SUCCESS', 'FAILED', 'ROLLED BACK'],
      fields: ['Notes', 'Next Steps'],
    });
    expect(checklist.sections.find((s) => s.title === 'Sign-off')!.guidance).toEqual([]);
  });
});

describe('parseChecklist: edges', () => {
  it('falls back to no roles when there is no Sign-off table, without a problem', () => {
    const r = parseChecklist('# T\n\n- [ ] one\n', 't.md', validateProbe);
    expect(r.problems).toEqual([]);
    expect(r.checklist.signoff).toEqual({ roles: [], statuses: [], fields: [] });
  });

  it('puts items before any heading in an implicit section and titles the checklist from the file', () => {
    const r = parseChecklist('- [ ] one\n- [ ] two\n', 'dir/list.md', validateProbe);
    expect(r.problems).toEqual([]);
    expect(r.checklist.title).toBe('list.md');
    expect(r.checklist.sections).toHaveLength(1);
    expect(r.checklist.sections[0].itemIds).toEqual(['one', 'two']);
  });

  it('reports a Markdown file without checkbox items on line 1', () => {
    const r = parseChecklist('# Notes\n\nJust text.\n- a bullet\n', 'notes.md', validateProbe);
    expect(r.problems).toEqual([{ file: 'notes.md', line: 1, message: 'no checklist items (- [ ] ...) found' }]);
  });

  it('keeps a fence without info as a command with an empty lang', () => {
    const r = parseChecklist('# T\n- [ ] x\n\n```\nINCIDENT ALERT\n```\n', 't.md', validateProbe);
    expect(r.checklist.sections[0].guidance).toEqual([{ kind: 'command', text: 'INCIDENT ALERT', lang: '', line: 4 }]);
  });

  it('treats checkbox items nested under a plain bullet as items', () => {
    const r = parseChecklist('# T\n1. **Assess**\n   - [ ] Identify services\n   - [ ] Estimate impact\n', 't.md', validateProbe);
    expect(r.checklist.items.map((i) => i.text)).toEqual(['Identify services', 'Estimate impact']);
    expect(r.checklist.items.map((i) => i.line)).toEqual([3, 4]);
  });

  it('keeps CRLF files on the same lines', () => {
    const r = parseChecklist('# T\r\n\r\n- [ ] a\r\n- [ ] b <!-- probe: dns name=x -->\r\n', 't.md', validateProbe);
    expect(r.problems).toEqual([]);
    expect(r.checklist.items[1].probes[0].line).toBe(4);
  });
});

describe('parseChecklist: big blocks', () => {
  it('a guidance list of 200,000 lines is kept whole (its dedent once overflowed the call stack)', () => {
    const r = parseChecklist('# T\n- [ ] a\n\n' + '  - plain\n'.repeat(200_000), 'big.md', validateProbe);
    expect(r.problems).toEqual([]);
    const [block] = r.checklist.items[0].guidance ?? [];
    expect(block.text.split('\n')).toHaveLength(200_000);
    expect(block.text.startsWith('- plain\n- plain')).toBe(true);
  });

  it('hundreds of annotations on one line (as many as a line may hold) each get that line; ones after line breaks get theirs', () => {
    const one = '<!-- probe: tcp host=a port=1 -->';
    const n = Math.floor((MAX_LINE_CHARS - '- [ ] a '.length) / one.length);
    expect(n).toBeGreaterThan(400);
    const many = one.repeat(n);
    const r = parseChecklist(`# T\n\n- [ ] a ${many}\n  still a <!-- probe: dns name=x -->\n  and <!-- probe: nope -->\n`, 'c.md', validateProbe);
    expect(r.checklist.items[0].probes.map((p) => p.line)).toEqual([...Array(n).fill(3), 4]);
    expect(r.problems.map((p) => p.line)).toEqual([5]);
  });
});

describe('parseChecklist: nesting', () => {
  const nested = (depth: number) => ['# T', '', ...Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- [ ] level ${i + 1}`), '- [ ] after'].join('\n') + '\n';

  it(`reads checkbox lists nested ${MAX_LIST_DEPTH} levels deep, each level an item`, () => {
    expect(MAX_LIST_DEPTH).toBeGreaterThanOrEqual(60);
    const r = parseChecklist(nested(60), 'n.md', validateProbe);
    expect(r.problems).toEqual([]);
    expect(r.checklist.items.map((i) => i.text)).toEqual([...Array.from({ length: 60 }, (_, i) => `level ${i + 1}`), 'after']);
    expect(parseChecklist(nested(MAX_LIST_DEPTH), 'n.md', validateProbe).checklist.items).toHaveLength(MAX_LIST_DEPTH + 1);
  });

  it('deeper than that: the lines not read are reported, and what follows the deep list is still read', () => {
    const r = parseChecklist(nested(MAX_LIST_DEPTH + 20), 'n.md', validateProbe);
    const first = MAX_LIST_DEPTH + 3;
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      `${first}: list nested deeper than ${MAX_LIST_DEPTH} levels (or quotes deeper than ${2 * MAX_LIST_DEPTH + 1}): lines ${first}-${first + 19} are not read; nest less deeply`,
    ]);
    expect(r.checklist.items).toHaveLength(MAX_LIST_DEPTH + 1);
    expect(r.checklist.items.at(-1)?.text).toBe('after');
  });

  it('many items of one list too deep, blank lines between them: one problem for the run', () => {
    const plain = Array.from({ length: MAX_LIST_DEPTH }, (_, i) => `${'  '.repeat(i)}- step ${i + 1}`);
    const deepItems = Array.from({ length: 50 }, (_, i) => `${'  '.repeat(MAX_LIST_DEPTH)}- [ ] deep ${i + 1}\n`);
    const r = parseChecklist(['# T', '- [ ] top', ...plain, ...deepItems, '- [ ] after'].join('\n') + '\n', 'n.md', validateProbe);
    const first = MAX_LIST_DEPTH + 3;
    expect(r.problems.map((p) => `${p.line}: ${p.message.replace(/ \(or quotes.*\)/, '')}`)).toEqual([
      `${first}: list nested deeper than ${MAX_LIST_DEPTH} levels: lines ${first}-${first + 98} are not read; nest less deeply`,
    ]);
    expect(r.checklist.items.map((i) => i.text)).toEqual(['top', 'after']);
  });

  it('quotes nested thousands deep are reported on their line, not cut silently', () => {
    const r = parseChecklist('# T\n\n' + '> '.repeat(5000) + '- [ ] deep\n\n- [ ] after\n', 'q.md', validateProbe);
    expect(r.problems.map((p) => p.line)).toEqual([3]);
    expect(r.problems[0].message).toMatch(/^list nested deeper than \d+ levels .*: line 3 is not read; nest less deeply$/);
    expect(r.checklist.items.map((i) => i.text)).toEqual(['after']);
  });

  it('a line longer than any checklist needs is one problem naming it; the lines around it are read, the hash is of the file as it is', () => {
    const long = '['.repeat(2 ** 20);
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['# T', '## S', '- [ ] before', long, '- [ ] after', ''].join(eol);
      const r = parseChecklist(text, 'c.md', validateProbe);
      expect(r.problems).toEqual([{ file: 'c.md', line: 4, message: `line is ${2 ** 20} characters long (at most ${MAX_LINE_CHARS}): not read; break it up or link to the text instead` }]);
      expect(r.checklist.items.map((i) => [i.text, i.line])).toEqual([['before', 3], ['after', 5]]);
      expect(r.checklist.hash).not.toBe(parseChecklist(text.replace(long, ''), 'c.md', validateProbe).checklist.hash);
    }
    // A line of exactly the limit is read as Markdown.
    const r = parseChecklist(`# T\n## S\n- [ ] ${'a'.repeat(MAX_LINE_CHARS - 6)}\n`, 'c.md', validateProbe);
    expect(r.problems).toEqual([]);
    expect(r.checklist.items[0].text).toHaveLength(MAX_LINE_CHARS - 6);
  });
});
