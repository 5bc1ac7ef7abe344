import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemBaseId, slugify, uniqueIds } from '../../src/checklist/ids.js';
import { parseChecklist } from '../../src/checklist/parse.js';
import { SHIPPED } from './helpers.js';
import { validateProbe } from '../../src/probes/registry.js';

const shipped = readFileSync(SHIPPED, 'utf8');
const idsOf = (text: string) => parseChecklist(text, 'c.md', validateProbe).checklist.items.map((i) => i.id);
const idByLine = (text: string) => new Map(parseChecklist(text, 'c.md', validateProbe).checklist.items.map((i) => [i.text + '@' + i.sectionId, i.id]));

describe('slugs', () => {
  it('lowercases, folds accents, keeps ascii words joined by hyphens', () => {
    expect(slugify('DEBUG = False in production')).toBe('debug-false-in-production');
    expect(slugify('Café & Crème: [docs](https://x.y/z) `cfg`')).toBe('cafe-and-creme-docs-cfg');
    expect(slugify('¿¡!')).toBe('');
  });

  it('truncates long text at a word boundary', () => {
    const s = slugify('Production environment provisioned with every single server and cloud resource that exists anywhere');
    expect(s.length).toBeLessThanOrEqual(60);
    expect(s).toBe('production-environment-provisioned-with-every-single-server');
  });

  it('uses the two nearest headings below the title plus the text', () => {
    expect(itemBaseId(['Deployment Execution Checklist', 'Post-Deployment Verification', 'Health Checks'], 'Application health endpoints responding')).toBe(
      'post-deployment-verification/health-checks/application-health-endpoints-responding',
    );
    expect(itemBaseId([], '')).toBe('item');
  });

  it('makes duplicates unique in document order and never hands out a reserved id', () => {
    expect(uniqueIds(['a', 'b', 'a', 'a', 'a-2'])).toEqual(['a', 'b', 'a-2', 'a-3', 'a-2-2']);
    expect(uniqueIds(['x', 'x'], new Set(['x']))).toEqual(['x-2', 'x-3']);
  });

  it('hands out the same ids as the plain search from -2 (what existing sessions hold)', () => {
    // The original definition: try base, base-2, base-3... until one is free.
    const byDefinition = (bases: string[], reserved: Set<string>) => {
      const taken = new Set(reserved);
      return bases.map((base) => {
        let id = base;
        for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
        taken.add(id);
        return id;
      });
    };
    // A tiny alphabet makes bases like `a`, `a-2`, `a-2-2` collide with each other's suffixes.
    const base = fc.constantFrom('a', 'a-2', 'a-3', 'a-2-2', 'b', 'a-1', 'b-2');
    fc.assert(
      fc.property(fc.array(base, { maxLength: 40 }), fc.uniqueArray(base, { maxLength: 4 }), (bases, reserved) => {
        expect(uniqueIds(bases, new Set(reserved))).toEqual(byDefinition(bases, new Set(reserved)));
      }),
      { numRuns: 500 },
    );
  });

  it('in a document: copies of one text get -2, -3..., skipping an id= that took one of them', () => {
    const text = ['# T', '', '## S', '', '- [ ] same', '- [ ] same', '- [ ] other <!-- id: s/same-3 -->', '- [ ] same', '- [ ] same'].join('\n');
    expect(idsOf(text)).toEqual(['s/same', 's/same-2', 's/same-3', 's/same-4', 's/same-5']);
  });
});

describe('item ids in a document', () => {
  it('the shipped checklist has the documented readable id', () => {
    expect(idsOf(shipped)).toContain('post-deployment-verification/health-checks/application-health-endpoints-responding');
  });

  it('inserting an item elsewhere does not change any other id', () => {
    const before = idByLine(shipped);
    const lines = shipped.split('\n');
    const at = lines.findIndex((l) => l.startsWith('- [ ] Redis production instance provisioned'));
    lines.splice(at, 0, '- [ ] A brand new item inserted here');
    lines.splice(lines.indexOf('#### Infrastructure') + 1, 0, '- [ ] Another new item near the top');
    const after = idByLine(lines.join('\n'));
    expect(after.size).toBe(before.size + 2);
    for (const [key, id] of before) expect(after.get(key)).toBe(id);
  });

  it('editing an unrelated item text or its probes leaves other ids alone', () => {
    const before = idsOf(shipped);
    const edited = shipped.replace('- [ ] Load balancer configured and tested', '- [ ] Load balancer configured, tested and documented');
    const after = idsOf(edited);
    const changed = before.filter((id, i) => after[i] !== id);
    expect(changed).toEqual(['environment-preparation/infrastructure/load-balancer-configured-and-tested']);
  });

  it('duplicates get -2, -3 deterministically, and an explicit id wins', () => {
    const text = '# T\n## S\n- [ ] Same\n- [ ] Same\n- [ ] Same <!-- id: pinned -->\n- [ ] Same\n';
    expect(idsOf(text)).toEqual(['s/same', 's/same-2', 'pinned', 's/same-3']);
    expect(idsOf(text)).toEqual(idsOf(text));
  });

  it('ids in the shipped checklist are unique', () => {
    const ids = idsOf(shipped);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
