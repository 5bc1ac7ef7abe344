/**
 * The bin's code cache (src/cli/code-cache.ts): the built CLI writes V8 cached
 * data for a command into the user's cache folder when it has none, uses it on
 * the next run without rewriting it, writes it anew when V8 rejects it, keeps
 * one file per command, and never fails a run over the cache folder.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileName, GLOBAL_VALUES, usesCodeCache } from '../../src/cli/code-cache.js';
import { buildProgram } from '../../src/cli/main.js';
import { runCli, workdir } from '../check/helpers.js';

const CHECKLIST = { 'c.md': '# T\n\n## S\n- [ ] One\n- [ ] Two\n' };
const v8Files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8')).sort();

describe('code cache of the built CLI', () => {
  it('is written by the first run of a command, then used as it is', async () => {
    const cwd = workdir(CHECKLIST);
    const cache = join(cwd, 'cache');
    const first = await runCli(['validate', 'c.md'], { cwd, env: { XDG_CACHE_HOME: cache } });
    expect(first.code, first.stderr).toBe(0);
    const [file] = v8Files(join(cache, 'deploy-wizard'));
    expect(file).toMatch(new RegExp(`^cli-[0-9a-f]{16}-${process.version}-${process.arch}-validate\\.v8$`));
    const path = join(cache, 'deploy-wizard', file);
    const before = statSync(path);
    expect(before.size).toBeGreaterThan(10_000);

    const second = await runCli(['validate', 'c.md'], { cwd, env: { XDG_CACHE_HOME: cache } });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const after = statSync(path);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]); // accepted, not rewritten

    const other = await runCli(['--version'], { cwd, env: { XDG_CACHE_HOME: cache } });
    expect(other.code).toBe(0);
    expect(v8Files(join(cache, 'deploy-wizard')).map((f) => f.replace(/^.*-/, ''))).toEqual(['validate.v8', 'version.v8']);
  });

  it('is written anew when V8 rejects it, and the run is unaffected', async () => {
    const cwd = workdir(CHECKLIST);
    const first = await runCli(['validate', 'c.md'], { cwd, env: { XDG_CACHE_HOME: cwd } });
    const [file] = v8Files(join(cwd, 'deploy-wizard'));
    const path = join(cwd, 'deploy-wizard', file);
    writeFileSync(path, Buffer.alloc(4096, 7)); // garbage: V8 must reject it
    const again = await runCli(['validate', 'c.md'], { cwd, env: { XDG_CACHE_HOME: cwd } });
    expect([again.code, again.stdout, again.stderr]).toEqual([0, first.stdout, '']);
    expect(readFileSync(path).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });

  it('never fails a run when the folder cannot be written, and is off on request', async () => {
    const cwd = workdir({ ...CHECKLIST, 'not-a-folder': 'x' });
    const blocked = await runCli(['validate', 'c.md'], { cwd, env: { XDG_CACHE_HOME: join(cwd, 'not-a-folder') } });
    expect([blocked.code, blocked.stderr]).toEqual([0, '']);
    expect(blocked.stdout).toMatch(/2 items/);

    const off = await runCli(['validate', 'c.md'], { cwd, env: { XDG_CACHE_HOME: join(cwd, 'off'), DEPLOY_WIZARD_NO_CODE_CACHE: '1' } });
    expect(off.code).toBe(0);
    expect(() => readdirSync(join(cwd, 'off'))).toThrow(/ENOENT/);
  });

  it('the CLI script is all ASCII, so the bin reads it undecoded (latin1)', () => {
    const dist = join(import.meta.dirname, '..', '..', 'dist');
    const script = readFileSync(join(dist, 'cli.js'));
    expect(script.findIndex((b) => b > 0x7f)).toBe(-1);
    expect(readFileSync(join(dist, 'deploy-wizard.js'), 'utf8')).toContain('"latin1"');
  });

  it('check and watch run without it; check keeps the parse result of an unchanged checklist instead', async () => {
    const cwd = workdir(CHECKLIST);
    const cache = join(cwd, 'cache');
    const first = await runCli(['--checklist', 'c.md', 'check'], { cwd, env: { XDG_CACHE_HOME: cache } });
    const files = () => readdirSync(join(cache, 'deploy-wizard')).sort();
    expect(files().filter((f) => f.endsWith('.v8') && f.startsWith('cli-'))).toEqual([]);
    const kept = files().filter((f) => f.startsWith('checklist-'));
    expect(kept).toHaveLength(1);
    const before = statSync(join(cache, 'deploy-wizard', kept[0]));
    const second = await runCli(['--checklist', 'c.md', 'check'], { cwd, env: { XDG_CACHE_HOME: cache } });
    const untimed = (out: string) => out.replace(/ in \d+ ms/, '');
    expect([second.code, untimed(second.stdout)]).toEqual([first.code, untimed(first.stdout)]);
    expect(statSync(join(cache, 'deploy-wizard', kept[0])).mtimeMs).toBe(before.mtimeMs); // read, not rewritten
    // An edit is a parse: the new item shows.
    writeFileSync(join(cwd, 'c.md'), CHECKLIST['c.md'] + '- [ ] Three\n');
    const edited = await runCli(['--checklist', 'c.md', 'check'], { cwd, env: { XDG_CACHE_HOME: cache } });
    expect(edited.code).toBe(first.code);
    const now = files().filter((f) => f.startsWith('checklist-'));
    expect(now).toHaveLength(2); // the edited text was parsed and kept under its own key
    expect(now).toContain(kept[0]);
    expect([usesCodeCache(['check']), usesCodeCache(['watch', '--for', '1m']), usesCodeCache(['start']), usesCodeCache([])]).toEqual([false, false, true, true]);
  });

  it('names a file per script, Node line and command; unknown words share one', () => {
    expect(cacheFileName('abc', ['check', '--format', 'json'], 'v22.1.0', 'x64')).toBe('cli-abc-v22.1.0-x64-check.v8');
    expect(cacheFileName('abc', [], 'v20.20.2', 'arm64')).toBe('cli-abc-v20.20.2-arm64-default.v8');
    expect(cacheFileName('abc', ['chek'], 'v24.0.0', 'x64')).toBe('cli-abc-v24.0.0-x64-default.v8');
    expect(cacheFileName('abc', ['--version'], 'v24.0.0', 'x64')).toBe('cli-abc-v24.0.0-x64-version.v8');
    // A global option's value is not the command; the bin knows them without loading the CLI, so the lists must agree.
    const withValue = buildProgram(() => {}).options.filter((o) => o.required).map((o) => o.long);
    expect([...GLOBAL_VALUES].sort()).toEqual(withValue.sort());
    expect(cacheFileName('abc', ['--checklist', 'start', 'list'], 'v24.0.0', 'x64')).toBe('cli-abc-v24.0.0-x64-list.v8');
    expect(cacheFileName('abc', ['--sessions-dir', 's', 'resume', 'check'], 'v24.0.0', 'x64')).toBe('cli-abc-v24.0.0-x64-resume.v8');
  });
});
