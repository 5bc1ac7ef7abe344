/**
 * Given secrets in the environment and in an env file, when a full session is
 * run with those secrets planted in notes, probe evidence, command output,
 * incidents and sign-off, then no file under the sessions folder holds any of
 * them: plain, URL-encoded or base64 (at any alignment).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { afterEach, expect, test } from 'vitest';
import { createRedactor } from '../../src/secrets/redactor.js';
import type { Change } from '../../src/session/changes.js';
import { createFileStore } from '../../src/session/file-store.js';
import { newSession, tempDir } from './helpers.js';

const ENV_FILE = `
DB_HOST=127.0.0.1
DB_USER=dtc_app
DB_PASSWORD=Sup3r$ecret-Db/Pw+1
DJANGO_SECRET_KEY=django-insecure-k3y!value_with~tilde
TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
TWILIO_AUTH_TOKEN=0123456789abcdef0123456789abcdef
REDIS_URL=redis://:R3disPassw0rd@127.0.0.1:6379/0
`;

const FROM_ENV = { DEPLOY_API_TOKEN: 'tok_live_9f8e7d6c5b4a', SENTRY_DSN: 'https://pubkey@sentry.example/42' };

afterEach(() => {
  for (const k of Object.keys(FROM_ENV)) delete process.env[k];
});

/** Every encoded form of a secret a reader could decode: plain, URL-encoded, base64 at each alignment. */
function forms(value: string): string[] {
  const out = new Set([value, encodeURIComponent(value), Buffer.from(value).toString('base64').replace(/=+$/, ''), Buffer.from(value).toString('base64url')]);
  for (let shift = 1; shift <= 2; shift++) {
    const b = Buffer.from('x'.repeat(shift) + value).toString('base64').replace(/=+$/, '');
    out.add(b.slice(Math.ceil((shift * 4) / 3), -2));
  }
  return [...out].filter((f) => f.length >= 6);
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((n) => join(dir, n)).filter((p) => statSync(p).isFile());
}

test('no secret value from env or env file reaches any file under the sessions folder', async () => {
  Object.assign(process.env, FROM_ENV);
  const work = tempDir('dw-secrets-');
  writeFileSync(join(work, '.env.production'), ENV_FILE);
  // Variables as the app resolves them: the process environment, then the env file.
  const fromEnv = Object.fromEntries(Object.keys(FROM_ENV).map((k) => [k, process.env[k]!]));
  const vars: Record<string, string> = { ...parse(readFileSync(join(work, '.env.production'))), ...fromEnv };
  const secrets = [vars.DB_PASSWORD, vars.DJANGO_SECRET_KEY, vars.TWILIO_AUTH_TOKEN, 'R3disPassw0rd', vars.DEPLOY_API_TOKEN, '0123456789abcdef0123456789abcdef'];

  const dir = join(work, 'sessions');
  const store = createFileStore(dir, { redact: createRedactor(vars) });
  const s = await store.create(newSession(['pre.db', 'pre.redis', 'post.twilio']));
  const basic = Buffer.from(`admin:${vars.DB_PASSWORD}`).toString('base64');
  const changes: Change[] = [
    { type: 'item.note', itemId: 'pre.db', note: `connected with password ${vars.DB_PASSWORD} (url-encoded ${encodeURIComponent(vars.DB_PASSWORD)})` },
    { type: 'item.state', itemId: 'pre.redis', state: 'skipped', reason: `redis auth ${vars.REDIS_URL} fails` },
    {
      type: 'probe.result',
      result: {
        kind: 'http',
        itemId: 'post.twilio',
        spec: `http url="https://api.twilio.com/?token=${vars.TWILIO_AUTH_TOKEN}"`,
        status: 'fail',
        summary: `401 for token ${vars.DEPLOY_API_TOKEN}`,
        evidence: [`Authorization: Basic ${basic}`, `X-Token: ${Buffer.from(vars.DEPLOY_API_TOKEN).toString('base64')}`, `SECRET_KEY=${vars.DJANGO_SECRET_KEY}`, `sid ${vars.TWILIO_ACCOUNT_SID}`],
        durationMs: 40,
        at: new Date().toISOString(),
      },
    },
    { type: 'command.run', itemId: 'pre.db', command: `psql postgres://dtc_app:${encodeURIComponent(vars.DB_PASSWORD)}@127.0.0.1/dtc`, exitCode: 0, output: `PGPASSWORD=${vars.DB_PASSWORD}\n${vars.REDIS_URL}\n-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----` },
    { type: 'incident', status: 'investigating', severity: 'high', impact: `leaked ${vars.DJANGO_SECRET_KEY}?`, eta: '1h', actions: `rotate ${vars.TWILIO_AUTH_TOKEN}` },
    { type: 'operator.join', name: 'bob' },
    { type: 'item.state', itemId: 'pre.db', state: 'done' },
    { type: 'signoff.sign', role: 'Tech Lead', signature: 'alice', fingerprint: 'f00' },
    { type: 'signoff.complete', status: 'SUCCESS', notes: `all good; token ${vars.DEPLOY_API_TOKEN}`, nextSteps: `rotate ${vars.DB_PASSWORD}`, overrideReason: `because ${vars.DJANGO_SECRET_KEY}` },
  ];
  for (const c of changes) await s.apply(c);
  // The in-memory document a UI shows is the redacted one too.
  const shown = JSON.stringify(s.current());
  await s.close();
  // A second operator resumes, and a damaged copy is kept aside: those files count too.
  const again = await store.open(s.id, 'bob');
  // Completed: read-only until reopened (the reason is redacted like everything else).
  await again.apply({ type: 'signoff.reopen', reason: `token ${vars.TWILIO_AUTH_TOKEN} rotated` });
  await again.apply({ type: 'item.note', itemId: 'post.twilio', note: `bob saw ${vars.TWILIO_AUTH_TOKEN}` });
  await again.close();
  writeFileSync(join(dir, 'broken-20261126-0000-aaaa.json'), '{"oops": ');
  await expect(store.read('broken-20261126-0000-aaaa')).rejects.toThrow(/kept as/);

  const files = allFiles(dir);
  expect(files.length).toBeGreaterThanOrEqual(3);
  const leaks: string[] = [];
  for (const file of [...files, '(in memory)']) {
    const text = file === '(in memory)' ? shown : readFileSync(file, 'latin1');
    for (const secret of secrets) for (const f of forms(secret)) if (text.includes(f)) leaks.push(`${file}: ${f}`);
  }
  expect(leaks).toEqual([]);
  // Redaction kept the meaning: variable names and masks are there, evidence is not dropped.
  const doc = await store.read(s.id);
  expect(doc.items['pre.db'].note).toBe('connected with password *** (url-encoded ***)');
  expect(doc.items['post.twilio'].probes[0].evidence).toHaveLength(4);
  expect(doc.events.some((e) => e.detail?.includes('redis://:***@127.0.0.1:6379/0'))).toBe(true);
});
