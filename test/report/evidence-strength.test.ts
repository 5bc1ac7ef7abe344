/**
 * Evidence strength where people read it: the report's Items table names why an
 * item stays with a person (`<!-- manual: … -->`) and marks a partial probe's
 * result as partial evidence; the wizard's detail view says the same.
 */
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { applyChange } from '../../src/session/changes.js';
import { detailLines } from '../../src/ui/item-detail.js';
import { newSessionDoc } from '../helpers/memory-session.js';

const { checklist, problems } = parseChecklist(
  [
    '# Release',
    '## Deploy',
    '- [ ] Zero-downtime deployment verified',
    '  <!-- probe: http url="https://app.test/health/" evidence=partial -->',
    '  <!-- manual: needs a person: 502s at the ingress are not counted -->',
    '- [ ] Support team briefed',
    '  <!-- manual: needs a person: a conversation -->',
    '',
  ].join('\n'),
  'release.md',
  validateProbe,
);
const [zero, support] = checklist.items;
const result = { kind: 'http', itemId: zero.id, spec: zero.probes[0].raw, status: 'pass' as const, summary: 'GET https://app.test/health/ → 200 in 12 ms', evidence: ['HTTP 200 OK'], durationMs: 12, at: '2026-11-26T10:00:01.000Z', partial: true };
const session = applyChange(newSessionDoc(checklist), { type: 'probe.result', result }, { who: 'alice', at: '2026-11-26T10:00:02.000Z' });

describe('evidence strength in the report and the detail view', () => {
  it('parses cleanly', () => expect(problems).toEqual([]));

  it('the report names the manual reason beside the item and marks the partial result', () => {
    const md = renderMarkdown(session, checklist);
    expect(md).toContain('Support team briefed — needs a person: a conversation');
    expect(md).toContain('Zero-downtime deployment verified — needs a person: 502s at the ingress are not counted');
    expect(md).toMatch(/http pass \(partial evidence: a person settles the item\): Zero-downtime deployment verified/);
  });

  it('the detail view says the probes cannot settle the item, and why a person does', () => {
    const zeroLines = detailLines(checklist, session, zero).map((l) => l.text);
    expect(zeroLines).toContain('partial evidence only: the probes cannot settle this item, a person does (needs a person: 502s at the ingress are not counted)');
    expect(zeroLines).toContain('PASS http (partial evidence): GET https://app.test/health/ → 200 in 12 ms');
    expect(detailLines(checklist, session, support).map((l) => l.text)).toContain('no probes: this item is checked by hand (needs a person: a conversation)');
  });
});
