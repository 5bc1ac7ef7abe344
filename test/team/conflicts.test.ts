/**
 * Same item, same moment (#17.5): `d` in one terminal and `f` in another, in
 * two processes, neither having seen the other's change. The more cautious
 * state stays whatever the commit order, both people are told who did what
 * and how far apart, the log keeps a conflict event, the report lists it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { replayLog } from './helpers.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { applyChange } from '../../src/session/changes.js';
import { moreCautious } from '../../src/session/item-conflict.js';
import { newSessionDocument } from '../../src/session/new-document.js';
import { sampleChecklist } from '../ui/fixtures.js';
import { eventLog, plain, storedDoc, until, teamFixture } from './helpers.js';
import pg from 'pg';

const facts = inject('servers').pg;
const fx = teamFixture(facts);
const checklist = sampleChecklist();
const ITEM = 1;
const item = checklist.items[ITEM];

interface Terminal {
  child: ChildProcess;
  lines: string[];
  err: string;
}

function terminal(id: string, name: string): Terminal {
  const child = spawn(process.execPath, [fx.worker.file], {
    env: { ...process.env, TEAM_WORKER: JSON.stringify({ url: fx.url, schema: fx.schema, journalDir: fx.journalDir, id, name, mode: 'wizard', item: ITEM }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const t: Terminal = { child, lines: [], err: '' };
  let buf = '';
  child.stdout!.on('data', (b) => {
    buf += b;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    t.lines.push(...parts);
  });
  child.stderr!.on('data', (b) => (t.err += b));
  return t;
}

const has = (t: Terminal, pred: (l: string) => boolean) => () => t.lines.some(pred);

describe('one item changed in two terminals at the same moment', () => {
  it('d in one, f in the other: failed stays, both are told, the log and the report keep the conflict', async () => {
    const s = await fx.store.create({
      environment: 'production',
      operator: 'lead',
      checklist: { path: 'c.md', hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) },
    });
    const id = s.id;
    await s.close();
    const alice = terminal(id, 'alice');
    const bob = terminal(id, 'bob');
    const lock = new pg.Client(facts);
    try {
      await until(() => alice.lines.includes('ready') && bob.lines.includes('ready'), 15_000, 'both terminals to join');
      // Hold the session row so neither change can be saved before both are made: "the same moment".
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query(`SELECT 1 FROM "${fx.schema}".sessions WHERE id = $1 FOR UPDATE`, [id]);
      alice.child.stdin!.write('mark done\n');
      bob.child.stdin!.write('mark failed\n');
      // A mark shows once it is saved (what a screen shows is in the record): nothing is saved while the row is held.
      expect(alice.lines).not.toContain('saved');
      await lock.query('COMMIT');
      await until(() => alice.lines.includes('saved') && bob.lines.includes('saved'), 15_000, 'both changes to be saved');
      // A screen shows what is kept: the more cautious state, whoever was saved first (alice sees her
      // "done" only if hers was saved before bob's). Never anything but these two.
      await until(() => [alice, bob].every((t) => t.lines.filter((l) => l.startsWith('shows ')).at(-1) === 'shows failed'), 15_000, 'both screens to show the kept state');
      for (const t of [alice, bob]) expect(t.lines.filter((l) => l.startsWith('shows ')).every((l) => l === 'shows done' || l === 'shows failed')).toBe(true);

      const told = (t: Terminal) => t.lines.find((l) => l.startsWith('notice ') && l.includes('stays'));
      await until(() => Boolean(told(alice) && told(bob)), 10_000, `both to be told (alice: ${alice.lines.join(' | ')}; bob: ${bob.lines.join(' | ')})`);
      expect(told(alice)).toMatch(new RegExp(`^notice bob marked "${item.text}" failed \\d+\\.\\d s (after|before) you marked it done; failed stays \\(the more cautious state wins\\)$`));
      expect(told(bob)).toMatch(new RegExp(`^notice alice marked "${item.text}" done \\d+\\.\\d s (after|before) you marked it failed; failed stays \\(the more cautious state wins\\)$`));
      // The two lines agree on who was first.
      expect(told(alice)!.includes(' after you') ).toBe(told(bob)!.includes(' before you'));

      const { doc } = await storedDoc(facts, fx.schema, id);
      expect(doc.items[item.id].state).toBe('failed');
      const conflicts = doc.events.filter((e: any) => e.what === 'item.conflict');
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0].conflict).toMatchObject({ kept: 'failed' });
      expect([conflicts[0].who, conflicts[0].conflict.other].sort()).toEqual(['alice', 'bob']);
      // Both changes are in the log, and the document is its replay.
      const log = await eventLog(facts, fx.schema, id);
      expect(log.filter((e) => e.change.type === 'item.state').map((e) => e.who).sort()).toEqual(['alice', 'bob']);
      expect(plain(replayLog(log))).toEqual(doc);

      const md = renderMarkdown(doc, checklist);
      expect(md).toContain('## Conflicts');
      expect(md).toMatch(new RegExp(`\\| ${item.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| (alice|bob) marked it (done|failed) \\d+\\.\\d s (after|before) (alice|bob) marked it (done|failed); failed stays`));
    } finally {
      await lock.end().catch(() => {});
      for (const t of [alice, bob]) t.child.stdin!.end();
      await Promise.all([alice, bob].map((t) => new Promise((r) => (t.child.exitCode === null ? t.child.on('exit', r) : r(null)))));
    }
    expect(alice.err + bob.err).toBe('');
  }, 60_000);

  it('the rule does not depend on who was saved first, and a change made after seeing the other is no conflict', () => {
    const base = newSessionDocument('s', { environment: 'p', operator: 'lead', checklist: { path: 'c', hash: 'h', title: 't', itemIds: ['x'] } }, '2026-01-01T00:00:00.000Z');
    const states = ['failed', 'pending', 'na', 'done', 'verified'] as const;
    for (const a of states) {
      for (const b of states) {
        const ab = applyChange(applyChange(base, { type: 'item.state', itemId: 'x', state: a, seen: 'pending' }, { who: 'alice', at: '2026-01-01T00:00:01.000Z' }), { type: 'item.state', itemId: 'x', state: b, seen: 'pending' }, { who: 'bob', at: '2026-01-01T00:00:01.200Z' });
        const ba = applyChange(applyChange(base, { type: 'item.state', itemId: 'x', state: b, seen: 'pending' }, { who: 'bob', at: '2026-01-01T00:00:01.200Z' }), { type: 'item.state', itemId: 'x', state: a, seen: 'pending' }, { who: 'alice', at: '2026-01-01T00:00:01.000Z' });
        expect(ab.items.x.state).toBe(ba.items.x.state);
        expect(ab.items.x.state).toBe(a === 'pending' ? b : b === 'pending' ? a : moreCautious(a, b));
      }
    }
    // Bob saw alice's "done" and then marked it failed: a sequel, not a conflict.
    const done = applyChange(base, { type: 'item.state', itemId: 'x', state: 'done', seen: 'pending' }, { who: 'alice', at: '2026-01-01T00:00:01.000Z' });
    const after = applyChange(done, { type: 'item.state', itemId: 'x', state: 'failed', seen: 'done' }, { who: 'bob', at: '2026-01-01T00:00:02.000Z' });
    expect(after.items.x.state).toBe('failed');
    expect(after.events.some((e) => e.what === 'item.conflict')).toBe(false);
  });
});
