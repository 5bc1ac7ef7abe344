/**
 * A change made offline and refused when it reaches the store is never
 * dropped: terminal B (cut off from PostgreSQL by a proxy) marks an item
 * failed with a note while A completes the session; when B is back, B is told
 * what was refused, why and how to apply it, the refusal is an event in the
 * session (who, when, what, why), B's journal still holds the changes, and
 * B's screen shows the store's truth. Twice, as the issue saw it twice.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { createWizardStore, teamLine } from '../../src/store/wizard-store.js';
import { sampleChecklist } from '../ui/fixtures.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { dropSchema, pgUrl, storedDoc, uniqueSchema, until } from './helpers.js';

const facts = inject('servers').pg;
const schema = uniqueSchema();
let proxy: TcpProxy;
let dir: string;
const stores: PgSessionStore[] = [];

beforeAll(async () => {
  proxy = await startTcpProxy({ host: facts.host, port: facts.port });
  dir = mkdtempSync(join(tmpdir(), 'dw-team-refused-'));
});
afterAll(async () => {
  for (const s of stores) await s.end().catch(() => {});
  await proxy?.close();
  await dropSchema(facts, schema);
  rmSync(dir, { recursive: true, force: true });
});

describe('a change made offline on a session completed meanwhile', () => {
  for (const run of [1, 2]) {
    it(`run ${run} of 2: B is told what was refused, why and how to apply it; the session records it; the journal keeps it`, async () => {
      const checklist = sampleChecklist();
      const item = checklist.items[0];
      const journalA = mkdtempSync(join(dir, 'alice-'));
      const journalB = mkdtempSync(join(dir, 'bob-'));
      const direct = createPgStore(pgUrl(facts), { schema, journalDir: journalA });
      const viaProxy = createPgStore(pgUrl({ ...facts, host: '127.0.0.1', port: proxy.port }), { schema, journalDir: journalB });
      stores.push(direct, viaProxy);
      const init = { environment: 'production', operator: 'alice', checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } };
      const a = await direct.create(init);
      const b = await viaProxy.open(a.id, 'bob');
      const wizard = createWizardStore({ checklist, session: b, runProbes: async () => [], vars: {}, operator: 'bob' });
      wizard.getState().openSection(item.sectionId, item.id);

      proxy.cut();
      try {
      await until(() => b.connectionState() === 'offline', 20_000, 'B to notice the store is gone');
      await wizard.getState().mark('failed');
      // The mark moved the cursor on: back to the item for its note.
      wizard.getState().moveItem(-1);
      await wizard.getState().note('disk full on db-2');
      expect(wizard.getState().session.items[item.id].state).toBe('failed');
      // The two changes (and any cursor move) wait in B's journal.
      expect(b.pendingCount()).toBeGreaterThanOrEqual(2);

      await a.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'run ' + run });
      } finally {
        proxy.restore();
      }
      await until(() => b.connectionState() === 'online' && b.pendingCount() === 0, 30_000, 'B to reconnect and flush');
      await until(() => /^2 changes refused/.test(wizard.getState().error ?? ""), 10_000, "B's refusal line");

      // B is told what, why and how.
      const line = wizard.getState().error!;
      expect(line).toMatch(/^2 changes refused: /);
      expect(line).toContain(`"${item.text}" marked failed`);
      expect(line).toContain('disk full on db-2');
      expect(line).toMatch(/was completed by alice/);
      expect(line).toMatch(/to apply: reopen the session \(o on the sign-off screen\) and /);
      expect(wizard.getState().notice ?? '').not.toMatch(/changes synchronised/);
      expect(teamLine(wizard.getState().team!)).toMatch(/2 changes refused/);

      // B's screen shows the store's truth, not its own offline view.
      const { doc } = await storedDoc(facts, schema, a.id);
      expect(doc.status).toBe('completed');
      expect(b.current().status).toBe('completed');
      expect(wizard.getState().session.status).toBe('completed');
      expect(wizard.getState().session.signoff.status).toBe('SUCCESS');
      expect(wizard.getState().session.items[item.id].state).toBe(doc.items[item.id].state);

      // The session records both refusals: who, when, what, why — in the completed session.
      const refused = doc.events.filter((e: any) => e.what === 'change.refused');
      expect(refused).toHaveLength(2);
      for (const e of refused) {
        expect(e.who).toBe('bob');
        expect(e.itemId).toBe(item.id);
        expect(e.detail).toMatch(/was completed by alice/);
      }
      expect(refused.map((e: any) => e.detail).join('\n')).toMatch(/marked failed/);
      expect(refused.map((e: any) => e.detail).join('\n')).toMatch(/disk full on db-2/);

      // The report, the release record, shows them.
      const report = renderMarkdown(doc, checklist);
      expect(report).toContain('## Refused changes');
      expect(report).toMatch(/\| bob \| Backups verified \|.*marked failed/);

      // The journal still holds them (marked refused), and a new open neither re-sends nor re-records them.
      const journal = join(journalB, `${a.id}.pending.jsonl`);
      expect(existsSync(journal)).toBe(true);
      expect(readFileSync(journal, 'utf8')).toContain('disk full on db-2');
      wizard.getState().dispose();
      await b.close();
      const again = await viaProxy.open(a.id, 'bob');
      expect(again.refusedChanges().map((r) => r.why)).toHaveLength(2);
      await again.close();
      const after = await storedDoc(facts, schema, a.id);
      expect(after.doc.events.filter((e: any) => e.what === 'change.refused')).toHaveLength(2);
      await a.close();
    }, 90_000);
  }
});
