/**
 * Team mode (PostgreSQL store) takes the watch's changes too: a watch run in
 * ada's wizard is stored measurement by measurement, grace's terminal sees
 * them arrive, and the stored document validates with them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgStore } from '../../src/session/pg-store.js';
import { SessionSchema } from '../../src/session/schema.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { runProbes } from '../../src/probes/runner.js';
import { closeFakeProms, fakeProm } from '../helpers/prometheus.js';
import { watchChecklist } from '../store/watch-fixtures.js';
import { dropSchema, pgUrl, storedDoc, uniqueSchema, until } from './helpers.js';

const facts = inject('servers').pg;
const schema = uniqueSchema();
let journalDir: string;

beforeAll(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'dw-team-watch-'));
});
afterEach(closeFakeProms);
afterAll(async () => {
  await dropSchema(facts, schema);
  rmSync(journalDir, { recursive: true, force: true });
});

describe('a watch on a team session', () => {
  it('stores each measurement in PostgreSQL; the other terminal sees them; the document validates', async () => {
    const checklist = watchChecklist({ count: 4, interval: '150ms', inconclusiveLimit: 0 });
    const prom = await fakeProm({ error_ratio: [0.01, 0.02], requests: [500] });
    const a = createPgStore(pgUrl(facts), { schema, journalDir });
    const b = createPgStore(pgUrl(facts), { schema, journalDir });
    const init = { environment: 'production', operator: 'ada', checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } };
    const ada = await a.create(init);
    const grace = await b.open(ada.id, 'grace');
    const wizard = createWizardStore({ checklist, session: ada, runProbes, vars: { PROMETHEUS_URL: prom.url }, operator: 'ada' });
    try {
      wizard.getState().startWatch();
      await until(() => !wizard.getState().watching, 10_000, 'the window to end');
      await wizard.getState().flush();
      const seen = () => grace.current().watches?.at(-1);
      await until(() => seen()?.stopped === 'ended', 10_000, "grace's terminal to see the watch end");
      expect(seen()!.by).toBe('ada');
      expect(seen()!.criteria[0].measurements.map((m) => m.value)).toEqual([0.01, 0.02, 0.02, 0.02]);
      const { doc } = await storedDoc(facts, schema, ada.id);
      expect(SessionSchema.parse(doc).watches![0].criteria[0].measurements).toHaveLength(4);
      expect(doc.events.filter((e: { what: string }) => e.what === 'watch.measurement')).toHaveLength(4);
    } finally {
      await wizard.getState().suspendWatch();
      wizard.getState().dispose();
      await ada.close();
      await grace.close();
      await a.end();
      await b.end();
    }
  });
});
