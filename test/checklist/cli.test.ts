import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  it('does not load any probe library (pg, ioredis, undici, execa)', () => {
    const hooks = file('hooks.mjs', `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.LOAD_LOG, r.url + '\\n'); return r; }\n`);
    const register = file('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify('file://' + hooks)});\n`);
    const log = join(dir, 'load.log');
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--import', register, cliPath(), 'validate'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOAD_LOG: log } });
    expect(r.status).toBe(0);
    const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file://')))];
    expect(loaded.some((u) => /validate-[A-Z0-9]+\.js$/.test(u))).toBe(true);
    const markers = /SCRAM-SHA-256|ioredis|undici|execa/;
    for (const url of loaded) expect([url, markers.test(readFileSync(new URL(url), 'utf8'))]).toEqual([url, false]);
  });
});
