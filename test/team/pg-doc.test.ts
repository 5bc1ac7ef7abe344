/** Pure helpers of the team store: ids, new documents, summaries, channels, log replay. */
import { describe, expect, it } from 'vitest';
import { channelFor } from '../../src/session/pg-session.js';
import { newSessionId, summarize } from '../../src/session/pg-doc.js';
import { replayLog, type LoggedChange } from './helpers.js';
import { newSessionDocument as newSessionDoc } from '../../src/session/new-document.js';
import { SessionSchema } from '../../src/session/schema.js';
import { newSessionInit } from './helpers.js';

describe('team store helpers', () => {
  it('ids read as <env>-<YYYYMMDD-HHMM>-<4 chars>', () => {
    const id = newSessionId('Production EU', new Date(2026, 10, 26, 14, 5));
    expect(id).toMatch(/^production-eu-20261126-1405-[a-z2-9]{4}$/);
  });

  it('a new document validates: all items pending, cursor on the first, one session.start event', () => {
    const doc = newSessionDoc('x', newSessionInit('alice'), '2026-11-26T14:00:00.000Z');
    expect(SessionSchema.parse(doc)).toEqual(doc);
    expect(Object.values(doc.items).every((i) => i.state === 'pending')).toBe(true);
    expect(doc.cursor.itemId).toBe('shared-0');
    expect(doc.events.map((e) => e.what)).toEqual(['session.start']);
    expect(summarize(doc)).toMatchObject({ id: 'x', operators: ['alice'], done: 0, total: 5, status: 'active' });
  });

  it('channels are valid identifiers, one per session and schema', () => {
    const a = channelFor('deploy_wizard', 'production-20261126-1405-abcd');
    expect(a).toMatch(/^deploy_wizard_[0-9a-f]{16}$/);
    expect(a).not.toBe(channelFor('deploy_wizard', 'production-20261126-1405-abce'));
    expect(a).not.toBe(channelFor('other', 'production-20261126-1405-abcd'));
  });

  it('replays a log in revision order whatever order the rows come in, last writer winning per item', () => {
    const doc = newSessionDoc('x', newSessionInit('alice'), '2026-11-26T14:00:00.000Z');
    const log: LoggedChange[] = [
      { revision: 2, who: 'bob', at: '2026-11-26T14:02:00.000Z', change: { type: 'item.note', itemId: 'shared-0', note: 'second' } },
      { revision: 0, who: 'alice', at: doc.createdAt, change: { type: 'session.create', doc } },
      { revision: 1, who: 'alice', at: '2026-11-26T14:01:00.000Z', change: { type: 'item.note', itemId: 'shared-0', note: 'first' } },
    ];
    const out = replayLog(log);
    expect(out.items['shared-0'].note).toBe('second');
    expect(out.items['shared-0'].updatedBy).toBe('bob');
    expect(out.events.map((e) => e.detail).slice(1)).toEqual(['first', 'second']);
    expect(() => replayLog(log.slice(0, 1))).toThrow(/session.create/);
  });
});
