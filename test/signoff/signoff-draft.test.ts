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
import { ownSignoffDraft, sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession } from '../report/fixtures.js';
import { newSession, tempDir } from '../session/helpers.js';
import { dropSchema, eventLog, newSessionInit, pgUrl, replayLog, storedDoc } from '../team/helpers.js';

const SECRET = 'Sup3r$ecret-Db/Pw+1';
const draft = { type: 'signoff.draft' as const, status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: `restore used ${SECRET}` };

describe('signoff.draft, the rule', () => {
  it('keeps the form with who and when, logs which fields (not their text), and does not touch what signatures cover', () => {
    const before = applyAll(emptySession(), [{ type: 'signoff.sign', role: 'Tech Lead', signature: 'ada', fingerprint: sessionFingerprint(emptySession()) }]);
    const after = applyChange(before, { ...draft, overrideReason: 'restore took 40 min' }, { who: 'Ada', at: '2026-11-26T10:00:00.000Z' });
    expect(after.signoff.drafts?.Ada).toEqual({ status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: 'restore took 40 min', by: 'Ada', at: '2026-11-26T10:00:00.000Z' });
    expect(after.events.at(-1)).toEqual({ at: '2026-11-26T10:00:00.000Z', who: 'Ada', what: 'signoff.draft', detail: 'status FAILED, override reason, notes' });
    expect(sessionFingerprint(after)).toBe(sessionFingerprint(before));
    // Recorded fields stay as they were until completion.
    expect(after.signoff.status).toBeUndefined();
    const cleared = applyChange(after, { type: 'signoff.draft', notes: '', nextSteps: '' }, { who: 'Ada' });
    expect(cleared.signoff.drafts).toBeUndefined();
  });

  it("keeps each person's draft under its author: one person's override reason is never recorded as another's", () => {
    let s = applyChange(emptySession(), { ...draft, overrideReason: 'velero backup verified by hand' }, { who: 'Ada', at: '2026-11-26T10:00:00.000Z' });
    s = applyChange(s, { ...draft, status: 'SUCCESS', overrideReason: 'gitleaks clean in CI pipeline #4411' }, { who: 'Bob', at: '2026-11-26T10:01:00.000Z' });
    expect(ownSignoffDraft(s, 'Ada')).toMatchObject({ overrideReason: 'velero backup verified by hand', by: 'Ada' });
    expect(ownSignoffDraft(s, 'Bob')).toMatchObject({ status: 'SUCCESS', overrideReason: 'gitleaks clean in CI pipeline #4411', by: 'Bob' });
    // Bob clearing his form leaves Ada's.
    s = applyChange(s, { type: 'signoff.draft', notes: '', nextSteps: '' }, { who: 'Bob' });
    expect(ownSignoffDraft(s, 'Bob')).toBeUndefined();
    expect(ownSignoffDraft(s, 'Ada')?.overrideReason).toBe('velero backup verified by hand');
    // An older file's one shared draft is its author's only.
    const old = { ...emptySession(), signoff: { ...emptySession().signoff, draft: { notes: 'n', nextSteps: '', overrideReason: 'typed by Ada', by: 'Ada', at: '2026-11-26T10:00:00.000Z' } } };
    expect(ownSignoffDraft(old, 'Bob')).toBeUndefined();
    expect(ownSignoffDraft(old, 'Ada')?.overrideReason).toBe('typed by Ada');
  });

  it('completion records the form and drops the draft; a completed session refuses a draft', () => {
    let s = applyChange(emptySession(), draft, { who: 'Ada' });
    s = applyChange(s, { type: 'signoff.complete', status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: 'x' }, { who: 'Ada' });
    expect(s.signoff.drafts).toBeUndefined();
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
      expect(again.current().signoff.drafts?.alice).toMatchObject({ status: 'FAILED', notes: 'db down', overrideReason: 'restore used ***', by: 'alice' });
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
      expect(doc.signoff.drafts?.lead).toMatchObject({ status: 'FAILED', notes: 'db down', overrideReason: 'restore used ***', by: 'lead' });
      const log = await eventLog(facts, schema, s.id);
      expect(log.filter((e) => e.change.type === 'signoff.draft')).toHaveLength(1);
      expect(JSON.stringify(log)).not.toContain(SECRET);
      // The stored document is the log replayed: the draft is a change like any other.
      expect(replayLog(log).signoff.drafts).toEqual(doc.signoff.drafts);
      const other = await store.open(s.id, 'bob');
      // Bob opens it with lead's draft kept as lead's, not offered as his own.
      expect(ownSignoffDraft(other.current(), 'lead')?.overrideReason).toBe('restore used ***');
      expect(ownSignoffDraft(other.current(), 'bob')).toBeUndefined();
      await other.close();
    });
  });
});
