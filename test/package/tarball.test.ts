/**
 * The published package installs what it runs and nothing else (issue 16): the
 * tarball `npm pack` makes is installed into an empty project with npm offline
 * (it has no dependencies to fetch), and the installed bin validates a checklist
 * and runs `check` with every library the bundle loads lazily (undici, pg,
 * ioredis, execa) against local servers, with no node_modules but its own.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let dir: string;
let project: string;
let http: Server;
let httpUrl: string;

/** Run a program with only PATH, HOME and what is given: no npm_config_* of the outer `npm test`. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { PATH: process.env.PATH!, HOME: dir, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-tarball-'));
  // --ignore-scripts: pack the dist/ `npm test` built, without rebuilding it under other tests.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], resolve('.'));
  expect(packed.code, packed.stderr).toBe(0);
  const [{ filename, files }] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  expect(files.map((f) => f.path)).toContain('THIRD-PARTY-NOTICES.md');
  project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true }));
  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, filename)], project);
  expect(installed.code, installed.stderr).toBe(0);
  http = createServer((req, res) => res.writeHead(req.url === '/health/' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"healthy"}'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => http?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('installs one package, with no dependencies, and ships the notices of the bundled code', () => {
    const modules = readdirSync(join(project, 'node_modules')).filter((f) => !f.startsWith('.'));
    expect(modules).toEqual(['deploy-wizard']);
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', 'deploy-wizard', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
    const notices = readFileSync(join(project, 'node_modules', 'deploy-wizard', 'THIRD-PARTY-NOTICES.md'), 'utf8');
    for (const lib of ['ink', 'react', 'undici', 'pg', 'ioredis', 'execa', 'markdown-it', 'zod']) expect(notices).toMatch(new RegExp(`^## ${lib}@\\d`, 'm'));
    expect(notices).toContain('Permission is hereby granted'); // license texts, not only names
  });

  it('validates the shipped checklist and a local one from the installed bin', async () => {
    const bin = join(project, 'node_modules', '.bin', 'deploy-wizard');
    const shipped = await run(bin, ['validate'], project);
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stdout).toMatch(/175 items/);
    writeFileSync(join(project, 'bad.md'), '# T\n\n## S\n- [ ] Probe\n  <!-- probe: nosuchkind x=1 -->\n');
    const bad = await run(bin, ['validate', 'bad.md'], project);
    expect(bad.code).toBe(1);
    expect(bad.stderr + bad.stdout).toMatch(/bad\.md:5: /);
  });

  it('runs check with the http, postgres, redis and command probes from the bundle alone', async () => {
    const { pg, redis } = inject('servers');
    const checklist =
      '# Local\n\n## Probes\n' +
      '- [ ] Health\n  <!-- probe: http url=${APP_URL}/health/ json.status=healthy -->\n' +
      '- [ ] Database\n  <!-- probe: postgres host=${DB_HOST} port=${DB_PORT} database=${DB_NAME} user=${DB_USER} password=${DB_PASSWORD} -->\n' +
      '- [ ] Cache\n  <!-- probe: redis url=${REDIS_URL} -->\n' +
      '- [ ] A command\n  <!-- probe: command cmd="echo ready" stdout=ready -->\n';
    writeFileSync(join(project, 'local.md'), checklist);
    const r = await run(join(project, 'node_modules', '.bin', 'deploy-wizard'), ['check', '--checklist', 'local.md', '--format', 'json'], project, {
      APP_URL: httpUrl,
      DB_HOST: pg.host,
      DB_PORT: String(pg.port),
      DB_NAME: pg.database,
      DB_USER: pg.user,
      DB_PASSWORD: pg.password,
      REDIS_URL: `redis://:${encodeURIComponent(redis.password)}@${redis.host}:${redis.port}/0`,
    });
    const doc = JSON.parse(r.stdout) as { results: { kind: string; status: string; summary: string }[] };
    expect(doc.results.map((x) => `${x.kind} ${x.status}`), r.stdout + r.stderr).toEqual(['http pass', 'postgres pass', 'redis pass', 'command pass']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(pg.password);
  });
});
