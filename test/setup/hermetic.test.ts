/**
 * The run's PATH is the fixtures plus a fixed set of system tools: what the
 * host happens to have installed (a real kubectl, celery, psql) is invisible.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_BIN, SYSTEM_TOOLS } from '../helpers/hermetic-path.js';

function resolveOnPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

describe('hermetic PATH', () => {
  it('has the fixtures first and only the listed system tools after them', () => {
    const dirs = process.env.PATH!.split(':');
    expect(dirs).toEqual([FIXTURE_BIN, process.env.DW_TEST_SYSTEM_BIN]);
    const allowed = new Set([...SYSTEM_TOOLS, 'node', 'initdb', 'pg_ctl', 'redis-server']);
    expect(readdirSync(process.env.DW_TEST_SYSTEM_BIN!).filter((n) => !allowed.has(n))).toEqual([]);
  });

  it('finds the fake kubectl and celery, and no psql or curl from the host', () => {
    expect(resolveOnPath('kubectl')).toBe(join(FIXTURE_BIN, 'kubectl'));
    expect(resolveOnPath('celery')).toBe(join(FIXTURE_BIN, 'celery'));
    expect(resolveOnPath('psql')).toBeUndefined();
    expect(resolveOnPath('curl')).toBeUndefined();
  });
});
