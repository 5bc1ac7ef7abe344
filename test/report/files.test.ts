/** The report's file edges: atomic writes, the report path, finding the previous session through the session store. */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportPath, writeReport, writeTextAtomic } from '../../src/report/files.js';
import { createFileStore } from '../../src/session/file-store.js';
import { findPreviousSession } from '../../src/session/previous.js';
import { applyAll, emptySession, probe, smallChecklist } from './fixtures.js';
import type { Session } from '../../src/session/schema.js';
import type { Change } from '../../src/session/changes.js';

const success: Change = { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' };
const tmp = () => mkdtempSync(join(tmpdir(), 'dw-files-'));

function at(id: string, createdAt: string, over: Partial<Session> = {}): Session {
  return { ...emptySession(undefined, id), createdAt, ...over };
}

describe('writeTextAtomic', () => {
  it('replaces the file whole and leaves no temp file behind', async () => {
    const dir = tmp();
    const file = join(dir, 'sub', 'r.md');
    await writeTextAtomic(file, 'one');
    await writeTextAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['r.md']);
  });

  it('fails without touching the old file when the target cannot be replaced', async () => {
    const dir = tmp();
    const file = join(dir, 'r.md');
    writeFileSync(file, 'old');
    await expect(writeTextAtomic(join(file, 'x.md'), 'new')).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});

describe('writeReport', () => {
  it('writes <dir>/<id>.md (owner-only) and returns the path', async () => {
    const dir = tmp();
    const s = applyAll(emptySession(), [{ type: 'signoff.complete', status: 'FAILED', notes: 'db down', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' }]);
    const path = await writeReport(dir, s, smallChecklist());
    expect(path).toBe(reportPath(dir, s.id));
    expect(path).toBe(join(dir, 'prod-20261126-0900.md'));
    expect(readFileSync(path, 'utf8')).toContain('**Deployment Status**: FAILED');
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('compares response times with the previous session of the same environment found in the folder', async () => {
    const dir = tmp();
    // Signed off SUCCESS after its probes ran (a completed session takes no more changes).
    const old = applyAll(at('prod-old', '2026-11-19T09:00:00.000Z'), [probe('health', 'baseline', 'pass', 'p50 50 ms', { metrics: { p50_ms: 50 } }), success]);
    writeFileSync(join(dir, 'prod-old.json'), JSON.stringify(old));
    const now = applyAll(emptySession(), [probe('health', 'baseline', 'pass', 'p50 90 ms', { metrics: { p50_ms: 90 } })]);
    const previous = await findPreviousSession(createFileStore(dir), now);
    const md = readFileSync(await writeReport(dir, now, smallChecklist(), { previous }), 'utf8');
    expect(md).toContain('| Application health endpoints responding | 90 | 50 | — | +80% |');
    expect(md).toContain('| Response time increases by more than 50% | +80% (+40 ms) (Application health endpoints responding) | &gt; +50% and &gt; +25 ms | 🔴 **rollback criterion met** |');
    expect(md).toContain('bar [50]');
  });
});

describe('findPreviousSession', () => {
  it('takes the newest earlier session of the same environment that completed SUCCESS and measured a response time', async () => {
    const dir = tmp();
    const write = (s: Session) => writeFileSync(join(dir, `${s.id}.json`), JSON.stringify(s));
    const timed = (id: string, createdAt: string, ...then: Change[]) => applyAll(at(id, createdAt), [probe('health', 'http', 'pass', '200 in 40 ms', { metrics: { latency_ms: 40 } }), ...then]);
    write(timed('a', '2026-11-01T00:00:00.000Z', success));
    write(timed('b', '2026-11-10T00:00:00.000Z', success));
    write(timed('c', '2026-11-20T00:00:00.000Z')); // still active
    write({ ...timed('d', '2026-11-21T00:00:00.000Z', success), environment: 'staging' });
    write(timed('e', '2026-11-22T00:00:00.000Z', { ...success, status: 'ROLLED BACK' })); // no yardstick
    write(applyAll(at('f', '2026-11-24T00:00:00.000Z'), [success])); // SUCCESS, but nothing to compare with
    write(timed('later', '2026-12-01T00:00:00.000Z', success));
    writeFileSync(join(dir, 'broken.json'), '{not json');
    const current = at('now', '2026-11-26T09:00:00.000Z');
    expect((await findPreviousSession(createFileStore(dir), current))?.id).toBe('b');
    expect(await findPreviousSession(createFileStore(join(dir, 'missing')), current)).toBeUndefined();
  });
});
