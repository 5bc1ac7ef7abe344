/** Small hand-built checklists for store and component tests (no parser needed). */
import type { Checklist, Guidance, Item, ProbeSpec, Section } from '../../src/checklist/types.js';
import type { ProbeResult } from '../../src/probes/types.js';

export interface SectionDef {
  title: string;
  depth?: number;
  items?: (string | { text: string; probes?: Partial<ProbeSpec>[] })[];
  guidance?: Partial<Guidance>[];
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Build a checklist from section definitions; depth 2 sections nest under the last depth 1. */
export function buildChecklist(defs: SectionDef[], title = 'Test Checklist'): Checklist {
  const sections: Section[] = [];
  const items: Item[] = [];
  const stack: Section[] = [];
  let line = 1;
  for (const d of defs) {
    const depth = d.depth ?? 2;
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack[stack.length - 1];
    const path = [...(parent?.path ?? []), d.title];
    const s: Section = { id: path.map(slug).join('/'), title: d.title, depth, path, parentId: parent?.id, line: line++, guidance: [], itemIds: [], childIds: [] };
    parent?.childIds.push(s.id);
    for (const g of d.guidance ?? []) s.guidance.push({ kind: 'text', text: '', line: line++, ...g } as Guidance);
    for (const it of d.items ?? []) {
      const def = typeof it === 'string' ? { text: it } : it;
      const id = `${s.id}/${slug(def.text)}`;
      const probes = (def.probes ?? []).map((p) => ({ kind: 'http', params: {}, raw: `${p.kind ?? 'http'} url=x`, line: line, ...p }) as ProbeSpec);
      items.push({ id, text: def.text, sectionId: s.id, line: line++, checked: false, probes });
      s.itemIds.push(id);
    }
    sections.push(s);
    stack.push(s);
  }
  return { file: '/tmp/test-checklist.md', title, hash: 'abc', sections, items, signoff: { roles: ['Tech Lead'], statuses: ['SUCCESS', 'FAILED'], fields: ['Notes'] } };
}

/** A small checklist with probes, commands, and a rollback section. */
export function sampleChecklist(): Checklist {
  return buildChecklist([
    { title: 'Pre-Deployment', depth: 1 },
    {
      title: 'Database',
      items: ['Backups verified', { text: 'Health endpoint responding', probes: [{ kind: 'http', raw: 'http url="${APP_URL}/health/" status=200' }] }, 'Migrations reviewed'],
      guidance: [{ kind: 'text', text: 'Check the database before anything else.' }],
    },
    {
      title: 'Monitoring',
      items: [
        { text: 'Error rates monitored', probes: [{ kind: 'prometheus', raw: 'prometheus query="rate(errors[5m])"' }] },
        { text: 'Performance baseline', probes: [{ kind: 'baseline', raw: 'baseline url=x' }] },
      ],
      guidance: [{ kind: 'command', lang: 'bash', text: '# health\ncurl -f http://127.0.0.1/health/\n' }],
    },
    { title: 'Rollback Procedures', depth: 1, guidance: [{ kind: 'text', text: 'Initiate rollback if error rate exceeds 5%.' }] },
    { title: 'Immediate Rollback Steps', items: ['Stop traffic'], guidance: [{ kind: 'command', lang: 'bash', text: 'echo rolling back\necho done\n' }] },
  ]);
}

export function result(over: Partial<ProbeResult> = {}): ProbeResult {
  return { kind: 'http', spec: 'http url=x', status: 'pass', summary: 'HTTP 200 in 3 ms', evidence: [], durationMs: 3, at: '2026-11-26T10:00:00.000Z', ...over };
}
