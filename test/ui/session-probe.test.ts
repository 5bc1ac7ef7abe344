/**
 * The wizard hands its session to the probe runner: a `session` probe run from
 * the store judges the session's own record (here: the other section's item
 * still pending, then done), with the real runner behind the store.
 */
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import { runProbes } from '../../src/probes/runner.js';
import { validateProbe } from '../../src/probes/registry.js';
import { makeStore } from './store-helpers.js';

const { checklist } = parseChecklist(
  ['# Release', '## Deploy', '- [ ] Migrations executed', '## Final Checklist', '- [ ] All checklist items completed', '  <!-- probe: session check=items-settled -->', ''].join('\n'),
  'release.md',
  validateProbe,
);
const [migrations, allDone] = checklist.items;

describe('the wizard runs session probes on its own session', () => {
  it('judges the record as it stands when the probe runs', async () => {
    const { store, session } = makeStore({ checklist, deps: { runProbes } });
    const final = checklist.sections.find((s) => s.title === 'Final Checklist')!.id;
    store.getState().openSection(final);
    await store.getState().runSectionProbes();
    let rec = session.current().items[allDone.id];
    expect(rec.probes[0]).toMatchObject({ kind: 'session', status: 'fail', summary: `1 item not settled: ${migrations.id}` });
    expect(rec.state).toBe('failed');

    await session.apply({ type: 'item.state', itemId: migrations.id, state: 'done' });
    await store.getState().runSectionProbes();
    rec = session.current().items[allDone.id];
    expect(rec.probes.at(-1)).toMatchObject({ status: 'pass', summary: 'all 1 other items settled (done, verified, skipped with a reason or n/a), none failed' });
    expect(rec.state).toBe('verified');
  });
});
