/** `deploy-wizard list [--json]`, the unfinished sessions `resume` picks from, and the resume picker's summary line. */
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { renderTable, run } from '../../src/cli/commands/list.js';
import type { GlobalOptions } from '../../src/cli/globals.js';
import { createFileStore } from '../../src/session/file-store.js';
import { environmentsOf, formatRelative, progressText, unfinished, unreadableNotice } from '../../src/session/summary.js';
import { newSession, tempDir } from './helpers.js';

const globalsFor = (sessionsDir: string): GlobalOptions => ({ checklist: 'x.md', sessionsDir, color: false });

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await fn(), out };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.useRealTimers());

/** Three sessions: an old finished one, an active one, a newer active one; plus a damaged file. */
async function fixture(): Promise<{ dir: string; ids: string[] }> {
  const dir = tempDir();
  const store = createFileStore(dir);
  const ids: string[] = [];
  vi.useFakeTimers({ toFake: ['Date'] });
  const make = async (when: string, env: string, done: number, finish = false) => {
    vi.setSystemTime(new Date(when));
    const s = await store.create({ ...newSession(['a', 'b', 'c', 'd']), environment: env });
    for (const id of ['a', 'b', 'c'].slice(0, done)) await s.apply({ type: 'item.state', itemId: id, state: 'done' });
    if (finish) await s.apply({ type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' });
    await s.close();
    ids.push(s.id);
  };
  await make('2026-11-20T10:00:00Z', 'production', 3, true);
  await make('2026-11-26T09:00:00Z', 'staging', 1);
  await make('2026-11-26T13:30:00Z', 'production', 2);
  vi.useRealTimers();
  const damaged = join(dir, 'production-20261125-0800-zzzz.json');
  writeFileSync(damaged, '');
  // A damaged file is dated by its modification time.
  utimesSync(damaged, new Date('2026-11-25T08:00:00Z'), new Date('2026-11-25T08:00:00Z'));
  return { dir, ids };
}

describe('list', () => {
  test('the table shows id, env, operator, progress, status, last update, newest first, and corrupt rows', async () => {
    const { dir, ids } = await fixture();
    const rows = await createFileStore(dir).list();
    expect(rows.map((r) => r.id)).toEqual([ids[2], ids[1], 'production-20261125-0800-zzzz', ids[0]]);
    const table = renderTable(rows, new Date('2026-11-26T14:00:00Z'));
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+ENV\s+OPERATOR\s+SETTLED\s+STATUS\s+UPDATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${ids[2]}\\s+production\\s+alice\\s+2/4 50%\\s+active\\s+30 min ago$`));
    expect(lines[2]).toMatch(new RegExp(`^${ids[1]}\\s+staging\\s+alice\\s+1/4 25%\\s+active\\s+5 h ago$`));
    // A completed session shows its deployment status as signed off, not just "completed".
    expect(lines[4]).toMatch(new RegExp(`^${ids[0]}\\s+production\\s+alice\\s+3/4 75%\\s+SUCCESS \\(override\\)\\s+6 days ago$`));
    // …and that it went ahead with an override, as the report does.
    // The problem is not in the UPDATED column: the row says corrupt, a note under the table says why.
    expect(lines[3]).toMatch(/^production-20261125-0800-zzzz\s+-\s+-\s+-\s+corrupt\s+1 day ago$/);
    expect(lines.slice(5)).toEqual(['', 'Could not be read (1):', '  production-20261125-0800-zzzz.json: is empty (0 bytes); kept as it is']);

    const { code, out } = await capture(() => run({}, globalsFor(dir), []));
    expect(code).toBe(0);
    expect(out.split('\n')).toHaveLength(9);
  });

  test('at 80 columns every row fits, the id whole; the operator and the last update give up cells', async () => {
    const { dir, ids } = await fixture();
    const store = createFileStore(dir);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T13:40:00Z'));
    const s = await store.create({ ...newSession(['a', 'b', 'c', 'd']), environment: 'production', operator: 'Alexandra Featherstonehaugh' });
    await s.apply({ type: 'item.state', itemId: 'a', state: 'failed' });
    await s.close();
    vi.useRealTimers();
    const rows = await store.list();
    const wide = renderTable(rows, new Date('2026-11-26T14:00:00Z')).trimEnd().split('\n');
    expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(80);
    const lines = renderTable(rows, new Date('2026-11-26T14:00:00Z'), 80).trimEnd().split('\n');
    for (const l of lines.slice(0, lines.indexOf(''))) expect(l.length).toBeLessThanOrEqual(80);
    for (const id of [...ids, s.id]) expect(lines.some((l) => l.startsWith(`${id} `))).toBe(true);
    expect(lines.find((l) => l.startsWith(s.id))).toMatch(/\sAlexand…\s+0\/4 ✗1 0%\s+active\s+20m ago$/);
    expect(lines.find((l) => l.startsWith(ids[0]))).toMatch(/\sSUCCESS\*\s+6d ago$/);
    expect(lines.slice(-2)).toEqual(['', '* completed with an override reason (see the report)']);
    // The command fits its table to stdout when stdout is a terminal of 80 columns.
    const saved = { isTTY: process.stdout.isTTY, columns: process.stdout.columns };
    Object.assign(process.stdout, { isTTY: true, columns: 80 });
    try {
      const { out } = await capture(() => run({}, globalsFor(dir), []));
      const rowsOut = out.split('\n').slice(0, rows.length + 1);
      expect(rowsOut[0]).toMatch(/^ID\s+ENV/);
      for (const l of rowsOut) expect(l.length).toBeLessThanOrEqual(80);
    } finally {
      Object.assign(process.stdout, saved);
    }
  });

  test('--json gives relative and ISO times, progress, and corrupt rows with their problem', async () => {
    const { dir, ids } = await fixture();
    const { code, out } = await capture(() => run({ json: true }, globalsFor(dir), []));
    expect(code).toBe(0);
    const rows = JSON.parse(out);
    expect(rows[0]).toMatchObject({ id: ids[2], environment: 'production', operators: ['alice'], settled: 2, done: 2, skipped: 0, na: 0, failed: 0, total: 4, percent: 50, status: 'active', updatedAt: '2026-11-26T13:30:00.000Z' });
    expect(typeof rows[0].updated).toBe('string');
    expect(rows.find((r: { id: string }) => r.id === 'production-20261125-0800-zzzz')).toMatchObject({ status: 'corrupt', problem: 'is empty (0 bytes)' });
    // The completed one carries its deployment status as signed off; an active one has none.
    expect(rows.find((r: { id: string }) => r.id === ids[0])).toMatchObject({ status: 'completed', outcome: 'SUCCESS', overridden: true });
    expect(rows[0].outcome).toBeUndefined();
  });

  test('no sessions (or no folder at all): a sentence and exit 0; --json gives []', async () => {
    const dir = join(tempDir(), 'sessions');
    const text = await capture(() => run({}, globalsFor(dir), []));
    expect(text).toEqual({ code: 0, out: `No sessions in ${dir}.\n` });
    const json = await capture(() => run({ json: true }, globalsFor(dir), []));
    expect(json).toEqual({ code: 0, out: '[]\n' });
  });
});

describe('resume helpers', () => {
  test('a bare resume takes the newest active session, skipping completed and corrupt ones', async () => {
    const { dir, ids } = await fixture();
    expect(unfinished(await createFileStore(dir).list())[0]?.id).toBe(ids[2]);
    expect(unfinished(await createFileStore(tempDir()).list())[0]).toBeUndefined();
  });

  test('an unreadable file offers no environment to the new-session form (its "?" is not one)', async () => {
    const { dir } = await fixture();
    const rows = await createFileStore(dir).list();
    expect(rows.some((r) => r.status === 'corrupt' && r.environment === '?')).toBe(true);
    expect(environmentsOf(rows)).not.toContain('?');
    expect(environmentsOf(rows).length).toBe(rows.length - 1);
  });

  test('the picker and a bare resume name an unreadable file once: which, why, and where to see it', async () => {
    const { dir } = await fixture();
    const rows = await createFileStore(dir).list();
    expect(unreadableNotice(rows)).toBe(`1 session file could not be read: ${join(dir, 'production-20261125-0800-zzzz.json')} (is empty (0 bytes)); deploy-wizard list shows it`);
    writeFileSync(join(dir, 'staging-20261125-0900-yyyy.json'), '{"id": ');
    const two = unreadableNotice(await createFileStore(dir).list());
    expect(two).toMatch(/^2 session files could not be read: .+; deploy-wizard list shows them$/);
    expect(two).toContain('zzzz.json (is empty (0 bytes))');
    expect(two).toContain('yyyy.json (is not valid JSON (truncated?))');
    expect(unreadableNotice(rows.filter((r) => r.status !== 'corrupt'))).toBeUndefined();
  });

  test('progress text and relative times', () => {
    const now = new Date('2026-11-26T14:00:00Z');
    expect(progressText({ settled: 26, failed: 7, total: 175 })).toBe('26/175 settled ✗7');
    expect(progressText({ settled: 12, failed: 0, total: 175 })).toBe('12/175 settled');
    expect(formatRelative('2026-11-26T13:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-11-26T13:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-11-25T13:00:00Z', now)).toBe('1 day ago');
    expect(formatRelative('2026-09-01T00:00:00Z', now)).toBe('2026-09-01');
  });
});

describe('list reads session files the way open does (one read path, the adapter)', () => {
  test('for every kind of damage, the corrupt row says what opening the file says', async () => {
    const dir = tempDir();
    const store = createFileStore(dir);
    const good = await store.create(newSession(['a', 'b']));
    await good.close();
    const valid = readFileSync(join(dir, `${good.id}.json`), 'utf8');
    const damaged: Record<string, string | Buffer> = {
      'production-20260101-0000-aaaa': '',
      'production-20260101-0000-bbbb': valid.slice(0, 40),
      'production-20260101-0000-cccc': Buffer.alloc(64),
      'production-20260101-0000-dddd': '[1, 2]',
      'production-20260101-0000-eeee': valid.replace(/"schemaVersion": \d+/, '"schemaVersion": 99'),
      'production-20260101-0000-ffff': valid.replace('"items": {', '"items": 7, "x": {'),
    };
    for (const [id, bytes] of Object.entries(damaged)) writeFileSync(join(dir, `${id}.json`), bytes);
    const rows = await store.list();
    expect(rows.find((r) => r.id === good.id)).toMatchObject({ status: 'active', total: 2 });
    for (const id of Object.keys(damaged)) {
      const row = rows.find((r) => r.id === id);
      expect(row?.status, id).toBe('corrupt');
      const said = await store.open(id, 'bob').then(
        () => 'opened',
        (err: Error) => err.message,
      );
      expect(said, id).toContain(`${id}.json ${row!.problem};`);
    }
  });
});
