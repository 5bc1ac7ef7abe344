/**
 * The wizard's watch in team mode (real PostgreSQL store, scripted Prometheus
 * on loopback): a window is measured by one wizard only. While its starter has
 * the session open, another operator's wizard leaves it to them (and `s` asks
 * before replacing it); once the starter leaves, the wizard still open takes
 * it over, and the session records who continued it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from 'vitest';
import { runProbes } from '../../src/probes/runner.js';
import { createPgStore } from '../../src/session/pg-store.js';
import { createWizardStore, type WizardStore } from '../../src/store/wizard-store.js';
import { starterElsewhere } from '../../src/store/watch-slice.js';
import { closeFakeProms, fakeProm } from '../helpers/prometheus.js';
import { dropSchema, pgUrl, uniqueSchema, until } from '../team/helpers.js';
import { watchChecklist } from './watch-fixtures.js';

const facts = inject('servers').pg;
const schema = uniqueSchema();
let journalDir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'dw-watch-team-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await closeFakeProms();
});
afterAll(async () => {
  await dropSchema(facts, schema);
  rmSync(journalDir, { recursive: true, force: true });
});

const latest = (w: WizardStore) => w.getState().session.watches?.at(-1);
const measured = (w: WizardStore) => latest(w)?.criteria[0].measurements.length ?? 0;

async function teamPair() {
  const checklist = watchChecklist({ count: 100, interval: '200ms', inconclusiveLimit: 99 });
  const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
  const vars = { PROMETHEUS_URL: prom.url };
  const a = createPgStore(pgUrl(facts), { schema, journalDir });
  const b = createPgStore(pgUrl(facts), { schema, journalDir });
  const init = { environment: 'production', operator: 'ada', checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } };
  const adaSession = await a.create(init);
  const ada = createWizardStore({ checklist, session: adaSession, runProbes, vars, operator: 'ada' });
  let adaOpen = true;
  const closeAda = async () => {
    if (!adaOpen) return;
    adaOpen = false;
    await ada.getState().quit();
    ada.getState().dispose();
    await adaSession.close();
  };
  ada.getState().startWatch();
  await until(() => measured(ada) >= 1, 10_000, "ada's first measurement");
  const graceSession = await b.open(adaSession.id, 'grace');
  const grace = createWizardStore({ checklist, session: graceSession, runProbes, vars, operator: 'grace', presenceSettleMs: 600 });
  cleanups.push(async () => {
    await closeAda();
    await grace.getState().quit();
    grace.getState().dispose();
    await graceSession.close();
    await a.end();
    await b.end();
  });
  return { ada, grace, closeAda };
}

describe('a watch in team mode', () => {
  it("is left to its starter while they are here (s asks first); when they leave, the wizard still open continues it and says who did", async () => {
    const { ada, grace, closeAda } = await teamPair();
    await until(() => grace.getState().team?.here.includes('ada') === true, 20_000, 'grace to see ada here');
    // Past the settle time: ada is here, so grace's wizard does not measure her window.
    await new Promise((r) => setTimeout(r, 900));
    expect(grace.getState().watching).toBe(false);
    expect(ada.getState().watching).toBe(true);
    // What grace's watch screen asks to say "measured in ada's wizard (here now)" rather than "paused".
    expect(starterElsewhere(grace.getState(), latest(grace)!, 'grace')).toBe(true);

    // s asks before replacing ada's open window; n leaves it alone.
    grace.getState().startWatch();
    expect(grace.getState().watchQuestion).toMatch(/^A window started by ada at \d\d:\d\d UTC is still open\. Start a new one \(the old one is stopped\)\? y\/n$/);
    grace.getState().answerWatch(false);
    expect(grace.getState().session.watches).toHaveLength(1);

    // Ada leaves: grace's wizard takes the window over, on the same grid, without missed slots while it was open.
    const before = measured(ada);
    await closeAda();
    await until(() => grace.getState().watching, 10_000, "grace's wizard to continue the window");
    await until(() => measured(grace) >= before + 2, 10_000, 'two measurements by grace');
    const record = latest(grace)!;
    expect(record.by).toBe('ada');
    expect(record.continuedBy).toEqual(['grace']);
    expect(record.stopped).toBeUndefined();
    expect(grace.getState().session.watches).toHaveLength(1);
    expect(starterElsewhere(grace.getState(), record, 'grace')).toBe(false);
  });

  it('s and y while the starter measures: the old window is recorded as stopped, the new one is the asker\'s, and the starter\'s wizard stops measuring', async () => {
    const { ada, grace } = await teamPair();
    await until(() => grace.getState().team?.here.includes('ada') === true, 20_000, 'grace to see ada here');
    const old = latest(grace)!.startedAt;
    grace.getState().startWatch();
    expect(grace.getState().watchQuestion).toMatch(/^A window started by ada at/);
    grace.getState().answerWatch(true);
    expect(grace.getState().watchQuestion).toBeUndefined();
    const watches = grace.getState().session.watches!;
    expect(watches).toHaveLength(2);
    expect(watches[0]).toMatchObject({ startedAt: old, by: 'ada', stopped: 'operator' });
    expect(watches[1].by).toBe('grace');
    expect(watches[1].stopped).toBeUndefined();
    expect(grace.getState().watching).toBe(true);
    await until(() => !ada.getState().watching, 10_000, "ada's wizard to stop measuring the stopped window");
    expect(ada.getState().error).toBeUndefined();
  });
});
