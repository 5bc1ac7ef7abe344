import { describe, expect, it, inject } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, workdir } from '../check/helpers.js';

describe('data probes in the built CLI, with the app env file as it is', () => {
  it('check --format json: postgres from DB_*, redis from REDIS_URL, secrets-scan of a repo; no secret in the output', async () => {
    const { pg, redis } = inject('servers');
    const sid = 'AC' + randomBytes(16).toString('hex');
    const cwd = workdir({
      // The layout of the app's env.production.example: DB_* parts and REDIS_URL.
      '.env.production': [
        '# Database Configuration',
        `DB_NAME=${pg.database}`,
        `DB_USER=${pg.user}`,
        `DB_PASSWORD=${pg.password}`,
        `DB_HOST=${pg.host}`,
        `DB_PORT=${pg.port}`,
        `REDIS_URL=redis://:${redis.password}@${redis.host}:${redis.port}/0`,
        '',
      ].join('\n'),
      'cl.md': [
        '# Data',
        '',
        '## Database',
        '- [ ] PostgreSQL production instance provisioned',
        '  <!-- probe: postgres host=${DB_HOST} port=${DB_PORT} database=${DB_NAME} user=${DB_USER} password=${DB_PASSWORD} least_privilege=true -->',
        '- [ ] Redis persistence configured',
        '  <!-- probe: redis url=${REDIS_URL} persistence=true -->',
        '- [ ] No secrets in version control verified',
        '  <!-- probe: secrets-scan path=app -->',
        '',
      ].join('\n'),
    });
    const app = join(cwd, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'settings.py'), `TWILIO_ACCOUNT_SID = "${sid}"\n`);
    execFileSync('git', ['init', '-q'], { cwd: app });
    execFileSync('git', ['add', '.'], { cwd: app });

    const run = await runCli(['check', '--checklist', 'cl.md', '--env-file', '.env.production', '--format', 'json'], { cwd });
    expect(run.code, run.stderr).toBe(1);
    const everything = run.stdout + run.stderr;
    for (const secret of [pg.password, redis.password, sid]) expect(everything).not.toContain(secret);
    const results = collectResults(JSON.parse(run.stdout));
    const byKind = Object.fromEntries(results.map((r) => [r.kind, r]));
    expect(byKind.postgres).toMatchObject({ status: 'fail' });
    expect(byKind.postgres.summary).toContain(`role ${pg.user} is SUPERUSER`);
    expect(byKind.redis).toMatchObject({ status: 'fail', summary: 'persistence is off (no RDB save points, AOF disabled)' });
    expect(byKind['secrets-scan']).toMatchObject({ status: 'fail' });
    expect(byKind['secrets-scan'].evidence).toContain('settings.py:1: Twilio Account SID');
  });
});

/** Every object with a `kind` and a `status` anywhere in the JSON report. */
function collectResults(value: unknown): { kind: string; status: string; summary: string; evidence: string[] }[] {
  if (Array.isArray(value)) return value.flatMap(collectResults);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.kind === 'string' && typeof o.status === 'string') return [o as never];
    return Object.values(o).flatMap(collectResults);
  }
  return [];
}
