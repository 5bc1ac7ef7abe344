import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import type { ParseResult } from '../../src/checklist/types.js';
import { SHIPPED } from './helpers.js';

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
        const r = parseChecklist(text, 'fuzz.md');
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
        expect(brokenRule(parseChecklist(text, 'fuzz.md'), text)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
