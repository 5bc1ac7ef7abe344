/** Team mode in the wizard: another terminal's change reaches this wizard's screen state, named. */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgStore } from '../../src/session/pg-store.js';
import { createWizardStore, teamLine } from '../../src/store/wizard-store.js';
import { runProbes } from '../../src/probes/runner.js';
import { sampleChecklist } from '../ui/fixtures.js';
import { dropSchema, pgUrl, uniqueSchema } from './helpers.js';

const facts = inject('servers').pg;
const schema = uniqueSchema();
let journalDir: string;

beforeAll(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'dw-team-live-'));
});
afterAll(async () => {
  await dropSchema(facts, schema);
  rmSync(journalDir, { recursive: true, force: true });
});

async function until(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('two terminals on one team session', () => {
  it("shows grace's change in ada's wizard with grace named", async () => {
    const checklist = sampleChecklist();
    const a = createPgStore(pgUrl(facts), { schema, journalDir });
    const b = createPgStore(pgUrl(facts), { schema, journalDir });
    const init = { environment: 'production', operator: 'ada', checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } };
    const adaSession = await a.create(init);
    const wizard = createWizardStore({ checklist, session: adaSession, runProbes, vars: {}, operator: 'ada' });
    // Grace arrives once ada's wizard listens, so her arrival is announced (presence has its own channel).
    const graceSession = await b.open(adaSession.id, 'grace');
    try {
      const itemId = checklist.items[1].id;
      // Her arrival is announced first, so it cannot land after her change and hide it.
      expect(await until(() => wizard.getState().notice === 'grace joined the session')).toBe(true);
      await graceSession.apply({ type: 'item.state', itemId, state: 'done' });
      expect(await until(() => wizard.getState().session.items[itemId]?.state === 'done')).toBe(true);
      expect(wizard.getState().notice).toBe(`grace marked "${checklist.items[1].text}" done`);
      // A cursor move by grace logs no event and is not announced.
      await graceSession.apply({ type: 'item.note', itemId, note: 'checked twice' });
      expect(await until(() => wizard.getState().notice === `grace noted "${checklist.items[1].text}"`)).toBe(true);
      await graceSession.apply({ type: 'cursor', itemId: checklist.items[0].id });
      expect(await until(() => wizard.getState().session.cursor.itemId === checklist.items[0].id)).toBe(true);
      expect(wizard.getState().notice).toBe(`grace noted "${checklist.items[1].text}"`);
      wizard.getState().dispose();
    } finally {
      await graceSession.close();
      await adaSession.close();
      await a.end();
      await b.end();
    }
  });

  it('presence: who is in the session now, joins and leaves announced; the session id on the team line', async () => {
    const checklist = sampleChecklist();
    const a = createPgStore(pgUrl(facts), { schema, journalDir });
    const b = createPgStore(pgUrl(facts), { schema, journalDir });
    const init = { environment: 'production', operator: 'ada', checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } };
    const adaSession = await a.create(init);
    const wizard = createWizardStore({ checklist, session: adaSession, runProbes, vars: {}, operator: 'ada' });
    try {
      expect(wizard.getState().team).toEqual({ sessionId: adaSession.id, here: ['ada'], offline: false, queued: 0 });
      const graceSession = await b.open(adaSession.id, 'grace');
      expect(await until(() => wizard.getState().team?.here.join() === 'ada,grace')).toBe(true);
      expect(wizard.getState().notice).toBe('grace joined the session');
      // The newcomer learns who was there before it.
      expect(await until(() => graceSession.presence().join() === 'ada,grace')).toBe(true);
      expect(teamLine(wizard.getState().team!)).toBe(`session ${adaSession.id} · here: ada, grace`);
      await graceSession.close();
      expect(await until(() => wizard.getState().team?.here.join() === 'ada')).toBe(true);
      expect(wizard.getState().notice).toBe('grace left the session');
    } finally {
      wizard.getState().dispose();
      await adaSession.close();
      await a.end();
      await b.end();
    }
  });
});
