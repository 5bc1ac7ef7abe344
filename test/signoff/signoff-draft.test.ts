/**
 * The sign-off draft (status, notes, next steps, override reason kept before
 * completion) as a session change: one pure rule, accepted by the file store
 * and the PostgreSQL store alike, redacted like every change, and dropped by
 * completion. Real PostgreSQL from the test globalSetup.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedactor } from '../../src/secrets/redactor.js';
import { applyChange, ChangeRefused } from '../../src/session/changes.js';
import { createFileStore } from '../../src/session/file-store.js';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession } from '../report/fixtures.js';
import { newSession, tempDir } from '../session/helpers.js';
import { dropSchema, eventLog, newSessionInit, pgUrl, replayLog, storedDoc } from '../team/helpers.js';

const SECRET = 'Sup3r$ecret-Db/Pw+1';
const draft = { type: 'signoff.draft' as const, status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: `restore used ${SECRET}` };

describe('signoff.draft, the rule', () => {
  it('keeps the form with who and when, logs which fields (not their text), and does not touch what signatures cover', () => {
    const before = applyAll(emptySession(), [{ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(emptySession()) }]);
    const after = applyChange(before, { ...draft, overrideReason: 'restore took 40 min' }, { who: 'Ada', at: '2026-11-26T10:00:00.000Z' });
    expect(after.signoff.draft).toEqual({ status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: 'restore took 40 min', by: 'Ada', at: '2026-11-26T10:00:00.000Z' });
    expect(after.events.at(-1)).toEqual({ at: '2026-11-26T10:00:00.000Z', who: 'Ada', what: 'signoff.draft', detail: 'status FAILED, override reason, notes' });
    expect(sessionFingerprint(after)).toBe(sessionFingerprint(before));
    // Recorded fields stay as they were until completion.
    expect(after.signoff.status).toBeUndefined();
    const cleared = applyChange(after, { type: 'signoff.draft', notes: '', nextSteps: '' }, { who: 'Ada' });
    expect(cleared.signoff.draft).toBeUndefined();
  });

  it('completion records the form and drops the draft; a completed session refuses a draft', () => {
    let s = applyChange(emptySession(), draft, { who: 'Ada' });
    s = applyChange(s, { type: 'signoff.complete', status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: 'x', roles: [] }, { who: 'Ada' });
    expect(s.signoff.draft).toBeUndefined();
    expect(s.signoff.status).toBe('FAILED');
    expect(() => applyChange(s, draft, { who: 'Ada' })).toThrow(ChangeRefused);
  });
});

describe('signoff.draft in the stores', () => {
  const vars = { DB_PASSWORD: SECRET };

  it('the file store keeps it across reopening, with the secret masked in the file', async () => {
    const dir = tempDir('dw-draft-');
    try {
      const store = createFileStore(dir, { redact: createRedactor(vars) });
      const s = await store.create(newSession());
      await s.apply(draft);
      await s.close();
      const again = await store.open(s.id, 'bob');
      expect(again.current().signoff.draft).toMatchObject({ status: 'FAILED', notes: 'db down', overrideReason: 'restore used ***', by: 'alice' });
      await again.close();
      for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'latin1')).not.toContain(SECRET);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('PostgreSQL', () => {
    const facts = inject('servers').pg;
    const schema = 'dw_test_' + Math.random().toString(36).slice(2, 10);
    let journalDir: string;
    let store: PgSessionStore;
    beforeAll(() => {
      journalDir = mkdtempSync(join(tmpdir(), 'dw-draft-journal-'));
      store = createPgStore(pgUrl(facts), { schema, journalDir, redact: createRedactor(vars) });
    });
    afterAll(async () => {
      await store?.end();
      await dropSchema(facts, schema);
      rmSync(journalDir, { recursive: true, force: true });
    });

    it('accepts it as one logged change, masked, and another terminal opens the session with it', async () => {
      const s = await store.create(newSessionInit('lead'));
      await s.apply(draft);
      await s.close();
      const { doc } = await storedDoc(facts, schema, s.id);
      expect(doc.signoff.draft).toMatchObject({ status: 'FAILED', notes: 'db down', overrideReason: 'restore used ***', by: 'lead' });
      const log = await eventLog(facts, schema, s.id);
      expect(log.filter((e) => e.change.type === 'signoff.draft')).toHaveLength(1);
      expect(JSON.stringify(log)).not.toContain(SECRET);
      // The stored document is the log replayed: the draft is a change like any other.
      expect(replayLog(log).signoff.draft).toEqual(doc.signoff.draft);
      const other = await store.open(s.id, 'bob');
      expect(other.current().signoff.draft?.overrideReason).toBe('restore used ***');
      await other.close();
    });
  });
});
