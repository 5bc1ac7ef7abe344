/**
 * One probe result is one store update: the result leaves the running lines,
 * joins the finished ones, and the saved document (with the item's verdict)
 * and the banner show, all in the notification the session's answer makes.
 * Counted with store.subscribe on a real file session and on the team store
 * (the PostgreSQL the test setup starts).
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { rmSync } from 'node:fs';
import type { ProbeJob, RunOptions } from '../../src/probes/runner.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { createFileStore } from '../../src/session/file-store.js';
import { createPgStore } from '../../src/session/pg-store.js';
import type { OpenSession } from '../../src/session/store.js';
import { createWizardStore, type WizardState, type WizardStore } from '../../src/store/wizard-store.js';
import { tempDir } from '../session/helpers.js';
import { dropSchema, pgUrl, uniqueSchema } from '../team/helpers.js';
import { result, sampleChecklist } from '../ui/fixtures.js';

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;

interface Seen {
  /** Notifications from handing the result over until the session has it. */
  count: number;
  /** The state each of them showed. */
  states: WizardState[];
}

/**
 * A runner that hands over each job's result (status `fail`), then waits until
 * the store has saved everything: what store.subscribe heard meanwhile is that
 * result's share.
 */
function countingRunner(getStore: () => WizardStore, perResult: Seen[]) {
  return async (jobs: ProbeJob[], opts: RunOptions): Promise<ProbeResult[]> => {
    const out: ProbeResult[] = [];
    for (const job of jobs) {
      opts.onStart?.(job);
      const r = result({ kind: job.spec.kind, spec: job.spec.raw, itemId: job.itemId, status: 'fail', summary: 'HTTP 503' });
      const seen: Seen = { count: 0, states: [] };
      const off = getStore().subscribe((s) => {
        seen.count++;
        seen.states.push(s);
      });
      opts.onResult?.(r, job);
      await getStore().getState().flush();
      // Anything late (an echo after the answer) would land within a few turns of the event loop.
      await new Promise((res) => setTimeout(res, 50));
      off();
      perResult.push(seen);
      out.push(r);
    }
    return out;
  };
}

async function runOneResult(session: OpenSession, operator: string) {
  const checklist = sampleChecklist();
  const perResult: Seen[] = [];
  let store!: WizardStore;
  store = createWizardStore({ checklist, session, runProbes: countingRunner(() => store, perResult), vars: {}, operator });
  store.getState().openSection(db, health);
  await store.getState().flush();
  await store.getState().runItemProbes();
  await store.getState().flush();
  store.getState().dispose();
  return { perResult, store };
}

function expectOneUpdate(perResult: Seen[]) {
  expect(perResult).toHaveLength(1);
  const [seen] = perResult;
  expect(seen.count).toBe(1);
  // That one update carries everything the result changes on screen.
  const shown = seen.states[0];
  expect(Object.keys(shown.running)).toEqual([]);
  expect(shown.results.map((r) => `${r.itemId} ${r.status}`)).toEqual([`${health} fail`]);
  expect(shown.session.items[health]).toMatchObject({ state: 'failed', probes: [{ status: 'fail', summary: 'HTTP 503' }] });
}

describe('one probe result, one store update', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('dw-one-update-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('file session: the result, the verdict and the saved document arrive in one notification, and one write', async () => {
    const checklist = sampleChecklist();
    const files = createFileStore(dir);
    const open = await files.create({ environment: 'production', operator: 'alice', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
    try {
      const { perResult, store } = await runOneResult(open, 'alice');
      expectOneUpdate(perResult);
      // The store shows what is on disk: one probe.result change with its verdict.
      const onDisk = await files.read(open.id);
      expect(onDisk.items[health]).toMatchObject({ state: 'failed', probes: [{ status: 'fail' }] });
      expect(onDisk.events.filter((e) => e.itemId === health).map((e) => e.what)).toEqual(['probe.result', 'item.state']);
      expect(store.getState().session).toEqual(onDisk);
      expect(store.getState().lastRun).toMatchObject({ counts: { failed: 1, passed: 0 } });
    } finally {
      await open.close();
    }
  });

  describe('team store (PostgreSQL)', () => {
    const facts = inject('servers').pg;
    const schema = uniqueSchema();
    let journalDir: string;
    beforeAll(() => {
      journalDir = tempDir('dw-one-update-journal-');
    });
    afterAll(async () => {
      await dropSchema(facts, schema);
      rmSync(journalDir, { recursive: true, force: true });
    });

    it('the same: one notification per result, online', async () => {
      const checklist = sampleChecklist();
      const team = createPgStore(pgUrl(facts), { schema, journalDir });
      const open = await team.create({ environment: 'production', operator: 'ada', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
      try {
        const { perResult, store } = await runOneResult(open, 'ada');
        expectOneUpdate(perResult);
        expect(store.getState().team).toMatchObject({ offline: false, queued: 0 });
        const stored = await team.read(open.id);
        expect(stored.items[health]).toMatchObject({ state: 'failed', probes: [{ status: 'fail' }] });
      } finally {
        await open.close();
        await team.end();
      }
    });
  });
});
