/**
 * The cache of parse results the wizard's first frame reads (issue 16,
 * src/checklist/load.ts): a start with an unchanged checklist gets the model
 * the last start parsed, without the parser or the probe schemas; an edit, a
 * move, another build or a damaged file is a parse, never a stale model; the
 * built wizard draws the same first frame from the cache as from a parse.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChecklist, loadChecklistCached, parseCacheFileName } from '../../src/checklist/load.js';
import { validateProbe } from '../../src/probes/registry.js';
import type { ProbeValidator } from '../../src/checklist/types.js';
import { launchWizard, privateTmux, wizardDir } from '../helpers/tmux.js';

const CHECKLIST = `# Release

## Prepare
- [ ] Backups verified
- [ ] Health endpoint responding
  <!-- probe: http url="\${APP_URL}/health/" status=200 timeout=2s -->

## Sign-off
| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |
`;

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('checklist-')).sort();

/** A validator that counts how often it was asked for (a hit must not ask). */
function countingValidator() {
  const asked = { n: 0 };
  const load = async (): Promise<ProbeValidator> => {
    asked.n++;
    return validateProbe;
  };
  return { asked, load };
}

function setup(text = CHECKLIST) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-parse-cache-'));
  const file = join(dir, 'checklist.md');
  writeFileSync(file, text);
  return { dir, file, cache: { dir: join(dir, 'cache'), build: 'b1' } };
}

describe('parse results kept by content, path and build', () => {
  it('a second load of an unchanged file is the first one exactly, without asking for the validator', async () => {
    const { file, cache } = setup();
    const v = countingValidator();
    const first = await loadChecklistCached(file, v.load, cache);
    expect(v.asked.n).toBe(1);
    expect(first).toEqual(await loadChecklist(file, validateProbe));
    expect(cacheFiles(cache.dir)).toHaveLength(1);

    const second = await loadChecklistCached(file, v.load, cache);
    expect(v.asked.n).toBe(1);
    expect(second).toStrictEqual(first);
    expect(second.checklist.items[1].probes[0].timeoutMs).toBe(2000);
  });

  it('an edit, a move or another build is parsed again; files of older builds are dropped', async () => {
    const { dir, file, cache } = setup();
    const v = countingValidator();
    await loadChecklistCached(file, v.load, cache);

    writeFileSync(file, CHECKLIST.replace('Backups verified', 'Backups restored'));
    const edited = await loadChecklistCached(file, v.load, cache);
    expect(v.asked.n).toBe(2);
    expect(edited.checklist.items[0].text).toBe('Backups restored');

    const moved = join(dir, 'moved.md');
    writeFileSync(moved, readFileSync(file));
    const there = await loadChecklistCached(moved, v.load, cache);
    expect(v.asked.n).toBe(3);
    expect(there.checklist.file).toBe(moved);
    expect(cacheFiles(cache.dir)).toHaveLength(3);

    const next = await loadChecklistCached(file, v.load, { ...cache, build: 'b2' });
    expect(v.asked.n).toBe(4);
    expect(next).toStrictEqual(edited);
    expect(cacheFiles(cache.dir)).toEqual([parseCacheFileName('b2', file, edited.checklist.hash)]);
  });

  it('a damaged or foreign cache file means a parse, and is replaced', async () => {
    const { file, cache } = setup();
    const v = countingValidator();
    const first = await loadChecklistCached(file, v.load, cache);
    const [name] = cacheFiles(cache.dir);
    writeFileSync(join(cache.dir, name), 'not a serialized result');
    expect(await loadChecklistCached(file, v.load, cache)).toStrictEqual(first);
    expect(v.asked.n).toBe(2);
    expect(await loadChecklistCached(file, v.load, cache)).toStrictEqual(first);
    expect(v.asked.n).toBe(2);
  });

  it('a checklist with problems is not kept, and an unwritable folder only means no cache', async () => {
    const bad = setup(`# Bad\n\n## S\n- [ ] Probe\n  <!-- probe: nosuchkind x=1 -->\n`);
    const v = countingValidator();
    const r = await loadChecklistCached(bad.file, v.load, bad.cache);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(() => readdirSync(bad.cache.dir)).toThrow(/ENOENT/);

    const { dir, file } = setup();
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const blocked = { dir: join(dir, 'not-a-folder', 'cache'), build: 'b1' };
    const a = await loadChecklistCached(file, v.load, blocked);
    const b = await loadChecklistCached(file, v.load, blocked);
    expect(b).toStrictEqual(a);
    expect(a.problems).toEqual([]);

    const off = await loadChecklistCached(file, v.load, undefined);
    expect(off).toStrictEqual(a);
  });

  it('the cache file is readable by its owner only', async () => {
    const { file, cache } = setup();
    await loadChecklistCached(file, async () => validateProbe, cache);
    const [name] = cacheFiles(cache.dir);
    expect((statSync(join(cache.dir, name)).mode & 0o777).toString(8)).toBe('600');
  });
});

describe('the built wizard with a kept parse result', () => {
  const { tmux, screen, waitFor, stop, keepAlive } = privateTmux('parse-cache');
  let dir: string;
  let cacheHome: string;
  beforeAll(() => {
    // npm test builds dist/ first; a private copy keeps this file safe from a concurrent rebuild.
    dir = wizardDir('dw-parse-cache-e2e-', CHECKLIST, join(import.meta.dirname, '..', '..', 'dist'));
    cacheHome = join(dir, 'xdg');
    mkdirSync(cacheHome);
    keepAlive();
  });
  afterAll(() => {
    stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const launch = () => launchWizard({ tmux }, dir, 'start --env production --operator e2e', { env: { XDG_CACHE_HOME: cacheHome } });
  const firstFrame = async () => {
    launch();
    const frame = await waitFor('q save+quit');
    tmux('send-keys', '-t', 'wiz', 'q');
    await waitFor('EXIT=0');
    return frame;
  };

  it('draws the same first frame from the cache as from a parse, and an edit shows at the next start', async () => {
    const parsed = await firstFrame();
    const kept = readdirSync(join(cacheHome, 'deploy-wizard')).filter((f) => f.startsWith('checklist-'));
    expect(kept).toHaveLength(1);
    const fromCache = await firstFrame();
    expect(fromCache).toBe(parsed);
    expect(fromCache).toContain('you are at: Release › Prepare › Backups verified');

    writeFileSync(join(dir, 'checklist.md'), CHECKLIST.replace('Backups verified', 'Backups restored'));
    const edited = await firstFrame();
    expect(edited).toContain('you are at: Release › Prepare › Backups restored');
    expect(screen()).toContain('EXIT=0');
  });
});
