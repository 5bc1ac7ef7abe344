import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliPath, removeCliSnapshot, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-validate-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeCliSnapshot();
});
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** One line on stderr, nothing that looks like a stack trace. */
function expectOneLine(stderr: string, ...fragments: string[]) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |Error:/);
  for (const f of fragments) expect(lines[0]).toContain(f);
}

describe('deploy-wizard validate with a bad checklist', () => {
  it('prints FILE:LINE: message for each problem, as given relative to cwd, and exits 1', () => {
    file(
      'bad.md',
      ['# Bad', '', '- [ ] one', '  <!-- probe: htttp url=https://x -->', '- [ ] two <!-- probe: tcp host=h -->', '', 'Text <!-- id: floating -->', '', '- [ ] three <!-- probe: dns name=x'].join('\n'),
    );
    const r = cli(['validate', 'bad.md'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^bad\.md:4: unknown probe kind "htttp"/),
      'bad.md:5: missing parameter "port" for tcp probe',
      "bad.md:7: annotation not attached to a checklist item: put it on the item's line or indent it under the item",
      'bad.md:9: unterminated annotation: "<!--" without a closing "-->"',
    ]);
    expect(r.stderr).toBe('bad.md: 4 problems\n');
  });

  it('uses --checklist when no FILE is given', () => {
    file('dup.md', '# D\n- [ ] a <!-- id: x -->\n- [ ] b <!-- id: x -->\n');
    const r = cli(['--checklist', 'dup.md', 'validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('dup.md:3: duplicate id "x" (already used on line 2)\n');
  });

  it('reports a Markdown file without items on line 1', () => {
    file('prose.md', '# Just prose\n\nNothing to tick.\n');
    const r = cli(['validate', 'prose.md'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('prose.md:1: no checklist items (- [ ] ...) found\n');
  });

  it('a good file prints the counts and exits 0', () => {
    file('good.md', '# G\n## S\n- [ ] a <!-- probe: dns name=${DOMAIN} -->\n- [ ] b\n  <!-- probe: tcp host=h port=1 -->\n  <!-- probe: dns name=y -->\n');
    const r = cli(['validate', 'good.md'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('good.md: ok — 2 items in 2 sections, 3 probes (dns 2, tcp 1), sign-off: no roles table\n');
  });
});

describe('deploy-wizard validate with an unusable file: one line, exit 2, no stack', () => {
  it('empty and whitespace-only files', () => {
    let r = cli(['validate', file('empty.md', '')], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'empty.md', 'is empty');
    r = cli(['validate', file('blank.md', '  \n\n\t\n')], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'blank.md', 'is empty');
  });

  it('binary files: NUL bytes and invalid UTF-8', () => {
    let r = cli(['validate', file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a]))], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'image.png', 'binary');
    r = cli(['validate', file('latin1.md', Buffer.from('# Caf\xe9\n- [ ] x\n', 'latin1'))], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'latin1.md', 'not UTF-8');
  });

  it('a missing file and a directory', () => {
    let r = cli(['validate', 'nope.md'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'nope.md', 'not found', '--checklist');
    mkdirSync(join(dir, 'folder.md'), { recursive: true });
    r = cli(['validate', 'folder.md'], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'folder.md', 'is a directory');
  });

  it('something that is not a regular file (a named pipe)', () => {
    const fifo = join(dir, 'pipe.md');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = cli(['validate', fifo], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'pipe.md', 'not a regular file');
  });
});

describe('validate stays light', () => {
  // The CLI is one script (dist/cli.js) whose libraries sit in lazily initialised
  // modules; V8's coverage of a validate run shows which of their code ran.
  it('runs no code of any probe library (pg, ioredis, undici, execa)', () => {
    const coverage = join(dir, 'coverage');
    const r = spawnSync(process.execPath, [cliPath(), 'validate'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_V8_COVERAGE: coverage, DEPLOY_WIZARD_NO_CODE_CACHE: '1' } });
    expect(r.status).toBe(0);
    const source = readFileSync(join(cliPath(), '..', 'cli.js'), 'utf8');
    type Range = { startOffset: number; endOffset: number; count: number };
    const scripts = readdirSync(coverage).flatMap((f) => JSON.parse(readFileSync(join(coverage, f), 'utf8')).result as { url: string; functions: { ranges: Range[] }[] }[]);
    const ranges = scripts.find((s) => s.url.endsWith('cli.js'))!.functions.flatMap((f) => f.ranges);
    /** How many occurrences of `marker` lie in code that ran (the innermost range holding each decides). */
    const ran = (marker: string) => {
      let n = 0;
      for (let i = source.indexOf(marker); i >= 0; i = source.indexOf(marker, i + 1)) {
        const inner = ranges.filter((x) => x.startOffset <= i && i < x.endOffset).sort((a, b) => a.endOffset - a.startOffset - (b.endOffset - b.startOffset))[0];
        if (inner && inner.count > 0) n++;
      }
      return n;
    };
    expect(ran('linkify')).toBeGreaterThan(0); // markdown-it's parser did run: the method sees code that ran
    const libraries = { pg: 'SCRAM-SHA-256', ioredis: 'ioredis', undici: 'undici', execa: 'execa:ipc' };
    for (const [lib, marker] of Object.entries(libraries)) {
      expect(source.includes(marker), `${marker} is in the bundle`).toBe(true);
      expect([lib, ran(marker)]).toEqual([lib, 0]);
    }
  });
});
