import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeText } from '../../src/checklist/load.js';
import { parseChecklist } from '../../src/checklist/parse.js';
import type { ParseResult } from '../../src/checklist/types.js';
import { UserError } from '../../src/errors.js';
import { cliPath, removeCliSnapshot, SHIPPED } from './helpers.js';
import { validateProbe } from '../../src/probes/registry.js';

const lines = readFileSync(SHIPPED, 'utf8').split('\n');

/** One edit to a list of lines; positions are fractions so they fit whatever length the list has now. */
type Mutation = (ls: string[]) => string[];
const pos = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (ls: string[], p: number) => Math.floor(p * Math.max(ls.length, 1));

const annotationText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .tuple(fc.constantFrom('http', 'tcp', 'postgres', 'nope', '', 'command', 'id'), fc.array(fc.tuple(fc.stringMatching(/^[a-z_.]{0,8}$/), fc.string({ maxLength: 12 })), { maxLength: 4 }))
    .map(([kind, kv]) => `probe: ${kind} ${kv.map(([k, v]) => `${k}=${v}`).join(' ')}`),
  fc.constantFrom('id: x', 'id: ', 'probe: http url="unterminated', "probe: dns name='x", 'probe: tcp host=${H:-a} port=${P}'),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  pos.map((p) => (ls: string[]) => ls.filter((_, i) => i !== at(ls, p))),
  pos.map((p) => (ls: string[]) => {
    const i = at(ls, p);
    return [...ls.slice(0, i + 1), ls[i] ?? '', ...ls.slice(i + 1)];
  }),
  fc.tuple(pos, pos).map(([p, q]) => (ls: string[]) => {
    const out = [...ls];
    const i = at(ls, p);
    const j = at(ls, q);
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
    return out;
  }),
  fc.tuple(pos, pos, fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([p, q, bytes]) => (ls: string[]) => {
    const i = at(ls, p);
    const line = ls[i] ?? '';
    const c = Math.floor(q * (line.length + 1));
    const noise = String.fromCharCode(...bytes);
    return [...ls.slice(0, i), line.slice(0, c) + noise + line.slice(c), ...ls.slice(i + 1)];
  }),
  pos.map((p) => (ls: string[]) => ls.slice(0, at(ls, p))),
  pos.map((p) => (ls: string[]) => {
    // Break the first `-->` at or after p.
    const out = [...ls];
    for (let i = at(ls, p); i < out.length; i++) {
      if (out[i].includes('-->')) {
        out[i] = out[i].replace('-->', '--');
        break;
      }
    }
    return out;
  }),
  fc.tuple(pos, annotationText, fc.constantFrom('', '  ', '- [ ] x ')).map(([p, text, prefix]) => (ls: string[]) => {
    const i = at(ls, p);
    return [...ls.slice(0, i), `${prefix}<!-- ${text} -->`, ...ls.slice(i)];
  }),
  fc.tuple(pos, fc.constantFrom('```', '> ', '# ', '    ', '| a |', '1. ', '- [x] ', '<!--', '-->', '\r', '\u0000')).map(([p, s]) => (ls: string[]) => {
    const i = at(ls, p);
    return [...ls.slice(0, i), s + (ls[i] ?? ''), ...ls.slice(i + 1)];
  }),
);

/**
 * The parser's answer must be a usable model or problems, each with a line
 * inside the text. Plain checks (not expect) keep 3000 runs cheap; the first
 * broken rule is returned.
 */
function brokenRule(r: ParseResult, text: string): string | undefined {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const p of r.problems) {
    if (!Number.isInteger(p.line) || p.line < 1 || p.line > lineCount) return `problem line ${p.line} outside 1..${lineCount}`;
    if (p.message.includes('\n') || !p.message) return `problem message not one line: ${JSON.stringify(p.message)}`;
  }
  const ids = r.checklist.items.map((i) => i.id);
  if (new Set(ids).size !== ids.length) return 'duplicate item ids';
  if (r.checklist.items.length === 0 && r.problems.length === 0) return 'no items and no problem';
  const sections = new Set(r.checklist.sections.map((s) => s.id));
  if (sections.size !== r.checklist.sections.length) return 'duplicate section ids';
  for (const item of r.checklist.items) if (!sections.has(item.sectionId)) return `item ${item.id} in unknown section`;
  return undefined;
}

/** 3000 by default; FUZZ_RUNS changes it for a quick local run or a long soak. */
const runs = Number(process.env.FUZZ_RUNS ?? 3000);

describe('parser fuzzing over the shipped checklist', () => {
  it(`${runs} random mutations never throw; each yields a model or problems`, () => {
    let withProblems = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (muts) => {
        const text = muts.reduce((ls, m) => m(ls), lines).join('\n');
        const r = parseChecklist(text, 'fuzz.md', validateProbe);
        expect(brokenRule(r, text)).toBeUndefined();
        if (r.problems.length) withProblems++;
      }),
      { numRuns: runs },
    );
    // The mutations must actually reach the validator, or the property says little.
    expect(withProblems).toBeGreaterThan(runs / 10);
  }, 600_000);

  it('arbitrary text never throws either', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expect(brokenRule(parseChecklist(text, 'fuzz.md', validateProbe), text)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------- hostile files, as validate reads them (issue 12) ----------

/** Names every plain object inherits: as kinds, keys or ids they must be nothing special. */
const PROTO = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];
/** Terminal escapes, C0/C1 controls, line and paragraph separators, a BOM and a bidi override (never NUL: that is a binary file). */
const CONTROL = ['\x1b[31m', '\x1b]0;title\x07', '\x1b]8;;http://x\x1b\\', '\x9b2J', '\r', '\x7f', '\x85', '\u2028', '\u2029', '\ufeff', '\x0b', '\x0c', '\x08', '\u202e', '\t', '\x01'];
/** Units repeated to a 1 MB line: each once made some parser step quadratic or is a classic Markdown worst case. */
const UNITS = ['[a](', '`', '<!--', '<!-- probe: ', '-->', '*a', '_a', '[', ']', '(', '**', '~~', '<a', '&amp;', '\\', '|', 'a ', '- [ ] ', '> ', '](', '<!-- id: x -->', '<!-- probe: tcp host=a port=1 -->'];

const protoAnnotation = fc
  .tuple(fc.constantFrom(...PROTO, 'http', 'tcp'), fc.array(fc.tuple(fc.constantFrom(...PROTO, 'url', 'host', 'port', 'timeout', 'id', 'label', 'json.__proto__'), fc.constantFrom('1', 'https://x', '${__proto__}', '${constructor:-1}', '')), { maxLength: 4 }))
  .map(([kind, kv]) => `  <!-- probe: ${kind} ${kv.map(([k, v]) => `${k}=${v}`).join(' ')} -->`);
const hugeLine = fc.tuple(fc.constantFrom(...UNITS), fc.constantFrom('- [ ] ', '', '  ', '# ', '| ', '> ')).map(([unit, prefix]) => prefix + unit.repeat(Math.ceil(2 ** 20 / unit.length)));
const deep = fc.tuple(fc.integer({ min: 30, max: 400 }), fc.constantFrom('  - [ ] ', '   1. ', '> ', '  - ', '> - [ ] ')).map(([depth, step]) => {
  const out: string[] = [];
  for (let i = 0; i < depth; i++) out.push(step.startsWith('>') ? `${step.repeat(i + 1)}x${i}` : `${' '.repeat(step.indexOf(step.trim()) * i)}${step.trim()} x${i}`);
  return out.join('\n');
});
const controlled = fc.tuple(fc.constantFrom(...lines), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...CONTROL)), { minLength: 1, maxLength: 4 })).map(([line, inserts]) =>
  inserts.reduce((l, [at, c]) => l.slice(0, at % (l.length + 1)) + c + l.slice(at % (l.length + 1)), line),
);
const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...lines), weight: 8 },
  { arbitrary: fc.constantFrom(...PROTO).map((n) => `- [ ] ${n} <!-- id: ${n} -->`), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom('- [ ] item', '- [x] done'), protoAnnotation).map(([item, ann]) => `${item}\n${ann}`), weight: 3 },
  { arbitrary: controlled, weight: 3 },
  { arbitrary: deep, weight: 1 },
);
type Encoding = 'utf8' | 'utf8-bom' | 'crlf' | 'cr' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le' | 'utf16be';
const encodings: Encoding[] = ['utf8', 'utf8-bom', 'crlf', 'cr', 'utf16le-bom', 'utf16be-bom', 'utf16le', 'utf16be'];

function encode(text: string, encoding: Encoding): Buffer {
  if (encoding === 'crlf' || encoding === 'cr') return Buffer.from(text.replace(/\n/g, encoding === 'crlf' ? '\r\n' : '\r'));
  if (encoding.startsWith('utf8')) return Buffer.from((encoding === 'utf8-bom' ? '\ufeff' : '') + text);
  const le = Buffer.from(text, 'utf16le');
  const bytes = encoding.startsWith('utf16be') ? Buffer.from(le).swap16() : le;
  if (!encoding.endsWith('-bom')) return bytes;
  return Buffer.concat([Buffer.from(encoding.startsWith('utf16be') ? [0xfe, 0xff] : [0xff, 0xfe]), bytes]);
}

/** A file of hostile pieces; a third of them also hold one 1 MB line somewhere (each takes ~0.1-1 s to parse, so one is enough). */
const hostileFile = fc
  .tuple(fc.array(piece, { minLength: 1, maxLength: 20 }), fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: hugeLine, weight: 1 }), fc.nat(), fc.constantFrom(...encodings))
  .map(([pieces, huge, at, encoding]) => {
    if (huge !== undefined) pieces.splice(at % (pieces.length + 1), 0, huge);
    return { text: ['# Hostile', ...pieces].join('\n') + '\n', encoding };
  });

/** C0/C1 controls (newline aside) and bidi overrides: none may reach a terminal in a problem line. */
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** Wall-clock bound per case, far above the ~0.1-0.5 s a 1 MB line takes: a quadratic step takes minutes. */
const CASE_MS = 10_000;

describe('validate fuzzing with hostile files', () => {
  it('prototype names, controls, CRLF/CR, BOM, UTF-16, 1 MB lines, deep nesting: decoded or one clear line, never a throw, bounded time', () => {
    fc.assert(
      fc.property(hostileFile, ({ text, encoding }) => {
        const t0 = performance.now();
        let decoded: string;
        try {
          decoded = decodeText(encode(text, encoding), 'h.md');
        } catch (err) {
          // Only a file that is not text at all may be refused, as one line naming it.
          expect(err).toBeInstanceOf(UserError);
          expect((err as Error).message).toMatch(/^checklist h\.md is [^\n]+$/);
          return;
        }
        const r = parseChecklist(decoded, 'h.md', validateProbe);
        expect(performance.now() - t0).toBeLessThan(CASE_MS);
        expect(brokenRule(r, decoded)).toBeUndefined();
        for (const p of r.problems) expect(p.message).not.toMatch(UNPRINTABLE);
      }),
      { numRuns: Math.max(10, Math.round(runs / 50)) },
    );
  }, 600_000);

  describe('through the built CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-fuzz-validate-'));
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      removeCliSnapshot();
    });

    it('exit 0 with the counts or 1 with FILE:LINE: message lines; never "unexpected error", never an escape sequence', () => {
      let n = 0;
      fc.assert(
        fc.property(hostileFile, ({ text, encoding }) => {
          const file = join(dir, `case-${n++}.md`);
          writeFileSync(file, encode(text, encoding));
          const r = spawnSync(process.execPath, [cliPath(), 'validate', file], { encoding: 'utf8', timeout: CASE_MS * 3, killSignal: 'SIGKILL', maxBuffer: 64 * 2 ** 20, env: { ...process.env, NO_COLOR: '1' } });
          expect(r.signal, 'validate did not end in time').toBeNull();
          expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
          expect([0, 1]).toContain(r.status);
          const out = r.stdout.split('\n').filter(Boolean);
          if (r.status === 0) {
            expect(out).toEqual([expect.stringMatching(new RegExp(`^${file}: ok — \\d+ items? in \\d+ sections?`))]);
            expect(r.stderr).toBe('');
          } else {
            expect(out.length).toBeGreaterThan(0);
            for (const line of out) expect(line).toMatch(new RegExp(`^${file}:[1-9]\\d*: \\S[^\\n]*$`));
            expect(r.stderr).toBe(`${file}: ${out.length} problem${out.length === 1 ? '' : 's'}\n`);
          }
          expect(r.stdout).not.toMatch(UNPRINTABLE);
        }),
        { numRuns: Math.max(5, Math.round(runs / 150)) },
      );
    }, 600_000);

    it('any bytes at all: exit 0 or 1, or exit 2 with one line naming the file', () => {
      let n = 0;
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), (bytes) => {
          const file = join(dir, `bytes-${n++}.md`);
          writeFileSync(file, bytes);
          const r = spawnSync(process.execPath, [cliPath(), 'validate', file], { encoding: 'utf8', timeout: CASE_MS * 3, killSignal: 'SIGKILL' });
          expect(r.signal).toBeNull();
          expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
          if (r.status === 2) expect(r.stderr).toMatch(new RegExp(`^checklist ${file} is [^\\n]+\\n$`));
          else expect([0, 1]).toContain(r.status);
        }),
        { numRuns: 10 },
      );
    }, 600_000);
  });
});
