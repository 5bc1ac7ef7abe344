/**
 * Report rendering on the shipped checklist (175 items, every probe with 8
 * evidence lines, notes on every third item, four signatures):
 *   npx vitest bench --run test/report/render.bench.ts
 */
import { bench, describe } from 'vitest';
import { loadChecklist } from '../../src/checklist/load.js';
import { shippedChecklistPath } from '../../src/cli/globals.js';
import { applyChange, type Change } from '../../src/session/changes.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { emptySession } from './fixtures.js';
import { validateProbe } from '../../src/probes/registry.js';

const { checklist } = await loadChecklist(shippedChecklistPath(), validateProbe);

function fullSession(p50: number) {
  let s = emptySession(checklist, `bench-${p50}`);
  const apply = (c: Change, who = 'bench') => (s = applyChange(s, c, { who, at: '2026-11-26T10:00:00.000Z' }));
  checklist.items.forEach((it, n) => {
    for (const spec of it.probes) {
      apply({
        type: 'probe.result',
        result: {
          kind: spec.kind,
          itemId: it.id,
          spec: spec.raw,
          status: n % 17 === 0 ? 'fail' : 'pass',
          summary: `${spec.kind} answered`,
          evidence: Array.from({ length: 8 }, (_, i) => `line ${i} | <b>${'x'.repeat(60)}</b>`),
          metrics: spec.kind === 'baseline' ? { p50_ms: p50, p95_ms: p50 * 1.5 } : spec.kind === 'prometheus' ? { value: 0.01 } : undefined,
          durationMs: 12,
          at: '2026-11-26T10:00:00.000Z',
        },
      });
    }
    apply({ type: 'item.state', itemId: it.id, state: n % 17 === 0 ? 'failed' : n % 11 === 0 ? 'pending' : 'done' });
    if (n % 3 === 0) apply({ type: 'item.note', itemId: it.id, note: `note ${n} with | pipes and \`ticks\`` });
  });
  const fp = sessionFingerprint(s);
  for (const role of checklist.signoff.roles) apply({ type: 'signoff.sign', role, signature: 'sig', fingerprint: fp }, `${role} person`);
  apply({ type: 'signoff.complete', status: 'FAILED', notes: 'a\nb', nextSteps: 'c' });
  return s;
}

const previous = fullSession(100);
const session = fullSession(130);
const vars = { DB_PASSWORD: 'hunter2-secret', TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef' };

describe('report of the shipped checklist', () => {
  bench('renderMarkdown', () => void renderMarkdown(session, checklist, { previous, vars }));
  bench('renderJson', () => void renderJson(session, checklist, { previous, vars }));
  bench('sessionFingerprint', () => void sessionFingerprint(session));
});
