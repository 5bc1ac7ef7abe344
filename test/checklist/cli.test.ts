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
    expect(r.stdout).toBe('good.md: ok — 2 items in 2 sections, 2 with a probe (2 proved by a probe, 0 partly, 0 by hand), 3 probes (dns 2, tcp 1), sign-off: no roles table\n');
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
    // Named as validate's argument: the hint says so (not "pass --checklist").
    expectOneLine(r.stderr, 'nope.md', 'not found', 'give validate a Markdown checklist file');
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

describe('deploy-wizard validate with hostile input (issue 12)', () => {
  it('a probe kind named like an Object.prototype member is an unknown kind on its line, exit 1', () => {
    file('proto.md', '# P\n- [ ] a\n  <!-- probe: constructor x=1 -->\n- [ ] b <!-- probe: __proto__ -->\n- [ ] c <!-- probe: http url=https://x __proto__=1 -->\n');
    const r = cli(['validate', 'proto.md'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^proto\.md:3: unknown probe kind "constructor" \(known: http, /),
      expect.stringMatching(/^proto\.md:4: unknown probe kind "__proto__" \(known: http, /),
      expect.stringMatching(/^proto\.md:5: unknown parameter "__proto__" for http probe \(known: url, /),
    ]);
    expect(r.stderr).toBe('proto.md: 3 problems\n');
  });

  it('a list nested 60 levels deep is read whole', () => {
    file('deep.md', '# D\n' + Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- [ ] level ${i + 1}\n`).join(''));
    const r = cli(['validate', 'deep.md'], dir);
    expect([r.code, r.stdout]).toEqual([0, 'deep.md: ok — 60 items in 1 section, 0 with a probe (0 proved by a probe, 0 partly, 60 by hand), 0 probes, sign-off: no roles table\n']);
  });

  it('a list nested deeper than the parser reads is a FILE:LINE problem, not a silent cut', () => {
    file('deeper.md', '# D\n' + Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i)}- [ ] level ${i + 1}\n`).join(''));
    const r = cli(['validate', 'deeper.md'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^deeper\.md:102: list nested deeper than 100 levels .*: lines 102-151 are not read; nest less deeply\n$/);
  });

  it('UTF-16 files, with or without a byte order mark, are read as text with the same lines', () => {
    const text = '# Caf\u00e9 \u4e00\n- [ ] one\n- [ ] two <!-- probe: nope -->\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [name, bytes] of [
      ['le-bom.md', Buffer.concat([Buffer.from([0xff, 0xfe]), le])],
      ['be-bom.md', Buffer.concat([Buffer.from([0xfe, 0xff]), be])],
      ['le.md', le],
      ['be.md', be],
    ] as const) {
      const r = cli(['validate', file(name, bytes)], dir);
      expect([name, r.code, r.stdout]).toEqual([name, 1, expect.stringMatching(new RegExp(`^${dir}/${name.replace('.', '\\.')}:3: unknown probe kind "nope"`))]);
    }
    const ok = cli(['validate', file('ok16.md', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# T\n- [ ] a\n', 'utf16le')]))], dir);
    expect([ok.code, ok.stdout]).toEqual([0, `${dir}/ok16.md: ok — 1 item in 1 section, 0 with a probe (0 proved by a probe, 0 partly, 1 by hand), 0 probes, sign-off: no roles table\n`]);
  });

  it('a UTF-16 byte order mark before bytes that are not UTF-16 is one line, exit 2', () => {
    const r = cli(['validate', file('bad16.md', Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8]))], dir);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'bad16.md', 'not valid UTF-16LE');
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
    // Strings only the libraries' own code holds (a kind file names its library in its doc row).
    const libraries = { pg: 'SCRAM-SHA-256', ioredis: 'Command queue', undici: 'UndiciError', execa: 'isExeca' };
    for (const [lib, marker] of Object.entries(libraries)) {
      expect(source.includes(marker), `${marker} is in the bundle`).toBe(true);
      expect([lib, ran(marker)]).toEqual([lib, 0]);
    }
  });
});
