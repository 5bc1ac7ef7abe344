/**
 * The reason typed at the prompt when a person marks a failed item done over
 * its failing probes is kept in the item record with who and when, and the
 * report shows it under "Failures and overrides" and in the Items table
 * (how, by, when); a hand-failed item is listed there too.
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { makeStore } from '../ui/store-helpers.js';

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;

describe('item override reasons on the record', () => {
  it('a failed item marked done over its probes keeps the typed reason with who and when; the report shows them', async () => {
    const { store, session, checklist } = makeStore({ script: () => ({ status: 'fail', summary: 'HTTP 503 from /health/' }) });
    store.getState().openSection(db, health);
    await store.getState().runItemProbes();
    expect(session.current().items[health].state).toBe('failed');
    await store.getState().mark('done');
    expect(store.getState().screen).toBe('skip-reason');
    await store.getState().skip('velero backup verified by hand; /health/ is behind the old LB');
    const rec = session.current().items[health];
    expect(rec).toMatchObject({ state: 'done', override: true, reason: 'velero backup verified by hand; /health/ is behind the old LB', stateSet: { by: 'alice', via: 'hand' } });
    // A hand-failed item (no probe) is on the record too.
    store.getState().openSection(db, `${db}/backups-verified`);
    await store.getState().mark('failed');
    const md = renderMarkdown(session.current(), checklist);
    const part = md.slice(md.indexOf('## Failures and overrides'), md.indexOf('## Summary'));
    const text = (id: string) => checklist.items.find((i) => i.id === id)!.text;
    expect(part).toContain(`**${text(health)}**`);
    expect(part).toMatch(/ {2}- operator override by alice at \d{4}-\d\d-\d\d \d\d:\d\d UTC: marked done over the probes: velero backup verified by hand; \/health\/ is behind the old LB/);
    expect(part).toContain(`**${text(`${db}/backups-verified`)}**`);
    expect(part).toMatch(/ {2}- item failed by hand by alice at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    // The Items table: how, by whom, when.
    expect(md).toMatch(new RegExp(`\\| ✅ done \\| override: velero backup verified by hand; /health/ is behind the old LB \\| alice \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\| ${text(health)} \\|`));
    expect(md).toMatch(new RegExp(`\\| ❌ failed \\| by hand \\| alice \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\| ${text(`${db}/backups-verified`)} \\|`));
  });
});
