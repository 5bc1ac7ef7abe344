import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitFailure, probe } from '../../src/probes/secrets-scan.js';
import { excludeMatcher, globToRegExp, isPlaceholder, scanText } from '../../src/secrets/scan.js';
import { isTestFixture } from '../../src/secrets/allowlist.js';
import * as schemas from '../helpers/schemas.js';
import { ctxWith } from './helpers.js';

const params = (raw: Record<string, unknown>) => schemas.secretsScan.parse(raw);
const hex32 = () => randomBytes(16).toString('hex');
const base64Line = () => randomBytes(48).toString('base64');

/** Every planted value; none of them may appear in a result. */
const planted = {
  sid: 'AC' + hex32(),
  token: hex32(),
  apiKey: 'SK' + hex32(),
  urlPassword: 'S3cr3t-' + hex32().slice(0, 10),
  aws: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(),
  keyBody: base64Line(),
  excludedSid: 'AC' + hex32(),
  untrackedSid: 'AC' + hex32(),
  binarySid: 'AC' + hex32(),
  bigSid: 'AC' + hex32(),
  minifiedSid: 'AC' + hex32(),
  outsideSid: 'AC' + hex32(),
};

function git(cwd: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'pipe' });
}

function write(root: string, file: string, content: string | Buffer) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

describe('secrets-scan probe over a real git repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'dw-secrets-'));
  const repo = join(root, 'repo');
  const clean = join(root, 'clean');
  const plain = join(root, 'plain');

  beforeAll(() => {
    mkdirSync(repo);
    git(repo, 'init', '-q');
    write(repo, 'config/settings.py', ['import os', '', `TWILIO_ACCOUNT_SID = "${planted.sid}"`, `TWILIO_AUTH_TOKEN = "${planted.token}"`, `TWILIO_API_KEY = "${planted.apiKey}"`, ''].join('\n'));
    write(repo, 'app/db.py', [`DATABASE_URL = "postgres://app:${planted.urlPassword}@db:5432/app"`, `AWS_ACCESS_KEY_ID = "${planted.aws}"`, ''].join('\n'));
    write(repo, 'deploy/key.pem', ['-----BEGIN RSA PRIVATE KEY-----', planted.keyBody, base64Line(), '-----END RSA PRIVATE KEY-----', ''].join('\n'));
    // Placeholders, as in the app's own env.production.example: none of these is a finding.
    write(repo, '.env.example', [
      'TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'TWILIO_AUTH_TOKEN=your-twilio-auth-token',
      'SECRET_TOKEN=00000000000000000000000000000000',
      'TWILIO_API_SECRET=0123456789abcdef0123456789abcdef',
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
      'REDIS_URL=redis://:changeme@redis:6379/0',
      'BROKER_URL=amqp://guest:your-password@rabbit//',
      'AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX',
      'AWS_EXAMPLE=AKIAIOSFODNN7EXAMPLE',
      '',
    ].join('\n'));
    write(repo, 'docs/tls.md', ['Paste your key:', '', '```', '-----BEGIN PRIVATE KEY-----', '...', '-----END PRIVATE KEY-----', '```', ''].join('\n'));
    write(repo, 'docs/examples/sample.env', `TWILIO_ACCOUNT_SID=${planted.excludedSid}\n`);
    write(repo, 'assets/logo.bin', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(planted.binarySid)]));
    // One 900 KB line built to make backtracking patterns quadratic: the scan must still finish in its deadline.
    write(repo, 'dist/app.min.js', 'var token_token='.repeat(50_000) + `;var sid="${planted.minifiedSid}";` + 'a://b:'.repeat(20_000) + '\n');
    write(repo, 'data/big.txt', 'x'.repeat(1024 * 1024) + `\n${planted.bigSid}\n`);
    // A tracked symlink to a file outside the repository: not followed.
    write(root, 'outside.env', `TWILIO_ACCOUNT_SID=${planted.outsideSid}\n`);
    symlinkSync(join(root, 'outside.env'), join(repo, 'linked.env'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'planted');
    // Untracked: never scanned.
    write(repo, 'local.env', `TWILIO_ACCOUNT_SID=${planted.untrackedSid}\n`);

    mkdirSync(clean);
    git(clean, 'init', '-q');
    write(clean, 'README.md', '# nothing to see\nTWILIO_ACCOUNT_SID=${TWILIO_ACCOUNT_SID}\n');
    git(clean, 'add', '.');
    git(clean, 'commit', '-q', '-m', 'clean');

    mkdirSync(plain);
    write(plain, 'notes.txt', planted.sid);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds every planted secret with file:line and kind, ignores placeholders, shows no value', async () => {
    const r = await probe(params({ path: repo }), ctxWith(10_000));
    expect(r.status).toBe('fail');
    const findings = r.evidence.filter((l) => /^[^ ]+:\d+: /.test(l));
    expect(findings).toEqual([
      'app/db.py:1: password in URL',
      'app/db.py:2: AWS access key ID',
      'config/settings.py:3: Twilio Account SID',
      'config/settings.py:4: 32-hex value assigned to TWILIO_AUTH_TOKEN',
      'config/settings.py:5: Twilio API key SID',
      'deploy/key.pem:1: RSA private key block',
      'dist/app.min.js:1: Twilio Account SID',
      'docs/examples/sample.env:1: Twilio Account SID',
    ]);
    expect(r.summary).toBe('8 possible secrets in 5 tracked files: password in URL, AWS access key ID, Twilio Account SID, 32-hex value, Twilio API key SID, RSA private key block');
    expect(r.metrics).toMatchObject({ findings: 8, files_skipped: 3 });
    const text = JSON.stringify(r);
    for (const [name, value] of Object.entries(planted)) expect(text, name).not.toContain(value);
    expect(text).not.toContain('local.env');
    expect(text).not.toContain('linked.env');
    expect(text).not.toContain('.env.example');
    expect(text).not.toContain('docs/tls.md');
  });

  it('leaves out files matching exclude globs', async () => {
    const r = await probe(params({ path: repo, exclude: 'docs/examples/**, deploy/*.pem' }), ctxWith(10_000));
    expect(r.status).toBe('fail');
    const text = r.evidence.join('\n');
    expect(text).not.toContain('docs/examples/sample.env');
    expect(text).not.toContain('deploy/key.pem');
    expect(text).toContain('config/settings.py:3: Twilio Account SID');
    expect(r.metrics).toMatchObject({ findings: 6, files_excluded: 2 });
  });

  it('passes a repository whose tracked files hold only variable references', async () => {
    const r = await probe(params({ path: clean }), ctxWith(10_000));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('no secrets found in 1 tracked files');
  });

  it('a folder that is not a git repository is not configured (inconclusive), with a hint naming APP_REPO_DIR (issue 23.11)', async () => {
    const r = await probe(params({ path: plain }), ctxWith(10_000));
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured', summary: `not configured: ${plain} is not a git repository, so no tracked files to scan` });
    expect(r.hint).toContain('APP_REPO_DIR');
    expect(JSON.stringify(r)).not.toContain(planted.sid);
    const missing = await probe(params({ path: join(root, 'nope') }), ctxWith(10_000));
    expect(missing).toMatchObject({ status: 'error', summary: `folder not found: ${join(root, 'nope')}` });
    const file = await probe(params({ path: join(plain, 'notes.txt') }), ctxWith(10_000));
    expect(file).toMatchObject({ status: 'error', summary: `not a folder: ${join(plain, 'notes.txt')} (path= names the repository folder to scan)` });
  });

  it('ends with a timeout summary when the deadline passes', async () => {
    const r = await probe(params({ path: repo }), ctxWith(1));
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/^timeout: scanning .+ did not finish within \d+ ms$/);
  });

  it('stops when cancelled', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const r = await probe(params({ path: repo }), ctxWith(10_000, {}, cancel.signal));
    expect(r).toMatchObject({ status: 'skipped', reason: 'cancelled', summary: 'cancelled' });
  });
});

describe('secrets-scan allowlist and test fixtures', () => {
  const root = mkdtempSync(join(tmpdir(), 'dw-allow-'));
  const repo = join(root, 'repo');
  const fake = { factorySid: 'AC' + hex32(), conftestToken: hex32(), specSid: 'AC' + hex32(), devPw: 'localdev-' + hex32().slice(0, 8), composePw: 'postgres', realSid: 'AC' + hex32() };

  beforeAll(() => {
    mkdirSync(repo);
    git(repo, 'init', '-q');
    // The app's own test data (django_twilio_call/tests/factories.py and kin): fake on purpose.
    write(repo, 'django_twilio_call/tests/factories.py', `twilio_sid = "${fake.factorySid}"\n`);
    write(repo, 'conftest.py', `TWILIO_AUTH_TOKEN = "${fake.conftestToken}"\n`);
    write(repo, 'web/src/call.spec.ts', `const sid = '${fake.specSid}';\n`);
    // Development defaults: allowed by the allowlist, by stopword and by regex.
    write(repo, 'docker/docker-compose.yml', `DATABASE_URL=postgres://postgres:${fake.composePw}@db:5432/app\nCACHE=redis://:${fake.devPw}@redis:6379/0\n`);
    write(repo, 'docs/setup.md', `TWILIO_ACCOUNT_SID=${'AC' + hex32()}\n`);
    // A real one in application code: still a finding.
    write(repo, 'django_twilio_call/settings.py', `TWILIO_ACCOUNT_SID = "${fake.realSid}"\n`);
    write(repo, '.deploy-wizard-secrets-allow.json', JSON.stringify({ description: 'dev defaults', paths: ['docs/**'], regexes: ['^postgres$'], stopwords: ['localdev'] }));
    write(repo, 'bad-allow.json', '{"paths": "docs/**"}');
    write(repo, 'broken-allow.json', '{"paths": [');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'fixtures');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the default allowlist file and test fixtures keep only the real finding; fixtures are counted, values never shown', async () => {
    const r = await probe(params({ path: repo }), ctxWith(10_000));
    expect(r.status).toBe('fail');
    expect(r.evidence.filter((l) => /^[^ ]+:\d+: /.test(l))).toEqual(['django_twilio_call/settings.py:1: Twilio Account SID']);
    expect(r.summary).toBe('1 possible secret in 1 tracked file: Twilio Account SID');
    const note = r.evidence.find((l) => l.includes('in test fixtures, not counted'));
    expect(note).toBe(
      '3 in test fixtures, not counted: conftest.py:1: 32-hex value assigned to TWILIO_AUTH_TOKEN; django_twilio_call/tests/factories.py:1: Twilio Account SID; web/src/call.spec.ts:1: Twilio Account SID',
    );
    expect(r.metrics).toMatchObject({ findings: 1, fixture_findings: 3, files_excluded: 1 });
    expect(r.evidence.join('\n')).toContain('allowlist .deploy-wizard-secrets-allow.json');
    const text = JSON.stringify(r);
    for (const [name, value] of Object.entries(fake)) if (value !== 'postgres') expect(text, name).not.toContain(value);
  });

  it('fixtures=false counts the test data; without the allowlist the development defaults are findings', async () => {
    const counted = await probe(params({ path: repo, fixtures: 'false' }), ctxWith(10_000));
    expect(counted.metrics).toMatchObject({ findings: 4, fixture_findings: 0 });
    const other = join(root, 'no-allow');
    mkdirSync(other);
    git(other, 'init', '-q');
    write(other, 'docker/docker-compose.yml', `DATABASE_URL=postgres://postgres:postgres@db:5432/app\n`);
    git(other, 'add', '.');
    git(other, 'commit', '-q', '-m', 'x');
    const r = await probe(params({ path: other }), ctxWith(10_000));
    expect(r.evidence).toContain('docker/docker-compose.yml:1: password in URL');
  });

  it('a named allowlist must exist and be well-formed: one line saying what to fix', async () => {
    const missing = await probe(params({ path: repo, allowlist: 'nope.json' }), ctxWith(10_000));
    expect(missing).toMatchObject({ status: 'error', summary: 'allowlist nope.json: cannot read it (ENOENT): check allowlist= (relative to path=)' });
    const bad = await probe(params({ path: repo, allowlist: 'bad-allow.json' }), ctxWith(10_000));
    expect(bad).toMatchObject({ status: 'error', summary: 'allowlist bad-allow.json: "paths" must be a list of non-empty strings' });
    const broken = await probe(params({ path: repo, allowlist: 'broken-allow.json' }), ctxWith(10_000));
    expect(broken.status).toBe('error');
    expect(broken.summary).toMatch(/^allowlist broken-allow\.json: not valid JSON \(/);
  });

  it('knows test fixtures by folder and by name, not application code', () => {
    for (const f of ['tests/x.py', 'app/tests/factories.py', 'spec/a.rb', 'web/__mocks__/api.js', 'fixtures/users.json', 'test_views.py', 'pkg/conftest.py', 'pkg/factories.py', 'a.test.ts', 'b.spec.js', 'x_test.go', 'settings/testing.py', 'pkg/test_settings.py']) {
      expect(isTestFixture(f), f).toBe(true);
    }
    for (const f of ['django_twilio_call/settings.py', 'contest.py', 'attestation/x.py', 'latest.py', 'docs/testing-guide.md', '.env.production.example']) expect(isTestFixture(f), f).toBe(false);
  });
});

describe('secret shapes (pure)', () => {
  it('finds private keys written inside JSON strings but not "..." stand-ins', () => {
    const json = `{"key": "-----BEGIN PRIVATE KEY-----\\n${base64Line()}\\n-----END PRIVATE KEY-----"}`;
    expect(scanText(json)).toEqual([{ line: 1, kind: 'Private key block' }]);
    expect(scanText('-----BEGIN OPENSSH PRIVATE KEY-----\n<your key here>\n')).toEqual([]);
  });

  it('knows placeholders from values', () => {
    for (const p of ['${DB_PASSWORD}', 'your-password', 'changeme', '<token>', 'xxxxxxxxxxxxxxxx', 'XXXXXXXXXXXXXXXX', '0000000000000000', 'password', '$PASSWORD', '0123456789abcdef0123456789abcdef', '89ABCDEF01234567'])
      expect(isPlaceholder(p), p).toBe(true);
    for (const v of [hex32(), 'S3cr3t-pw-91', 'IOSFODNN7REAL12X', '0123456789abcdef0123456789abcdee']) expect(isPlaceholder(v), v).toBe(false);
  });

  it('reads tokens assigned in several syntaxes, one finding per line and kind', () => {
    const t = hex32();
    expect(scanText(`authToken: '${t}'\nclient_secret => "${t}"\nCOMMIT=${t}\n`)).toEqual([
      { line: 1, kind: '32-hex value assigned to authToken' },
      { line: 2, kind: '32-hex value assigned to client_secret' },
    ]);
  });

  it('turns git complaints into one line saying what to do', () => {
    // git's own words for a checkout owned by another user (as a CI job running as root sees it).
    const dubious = "fatal: detected dubious ownership in repository at '/src/app'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /src/app\n";
    expect(gitFailure(dubious, '/src/app')).toBe('git refuses /src/app: it is owned by another user (allow it with: git config --global --add safe.directory /src/app)');
    expect(gitFailure('fatal: not a git repository (or any of the parent directories): .git\n', 'app')).toBe('not a git repository: app');
    expect(gitFailure('fatal: index file corrupt\n', 'app', 128)).toBe('git ls-files failed in app: index file corrupt');
  });

  it('matches exclude globs like a person expects', () => {
    const m = excludeMatcher('docs/examples/**, *.md ,vendor');
    expect(m('docs/examples/a/b.env')).toBe(true);
    expect(m('docs/other.txt')).toBe(false);
    expect(m('deep/dir/README.md')).toBe(true);
    expect(m('vendor/lib/x.js')).toBe(true);
    expect(m('vendors/x.js')).toBe(false);
    expect(globToRegExp('src/**/*.{ts,js}').test('src/a/b/c.ts')).toBe(true);
    expect(globToRegExp('src/**/*.{ts,js}').test('src/c.js')).toBe(true);
    expect(globToRegExp('src/*.ts').test('src/a/c.ts')).toBe(false);
    expect(excludeMatcher(undefined)('anything')).toBe(false);
  });
});
