/**
 * Key material masked by its shape wherever it appears (issue 23.4): a PEM
 * private key whole (its first line was masked, its body lines printed raw in
 * check json/junit, the session file, the report and the detail screen), GitHub
 * tokens, JWTs, Slack/Discord webhook URLs and credentials in URLs. Each shape
 * goes through every path: the redactor on whole text, on lists of lines (a
 * probe's evidence), on output cut into chunks; the session file and the report
 * of a real file store; `check` text/json/junit on the built CLI; the one error
 * line. A secret variable's URL-encoded and base64 forms are masked too.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep } from '../../src/secrets/redactor.js';
import { errorLine } from '../../src/cli/main.js';
import { UserError } from '../../src/errors.js';
import { createFileStore } from '../../src/session/file-store.js';
import { loadChecklist } from '../../src/checklist/load.js';
import { validateProbe } from '../../src/probes/registry.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { runCli, workdir } from '../check/helpers.js';

const PEM_BODY = ['MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', 'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK', 'k3Rw9Qz1'];
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', ...PEM_BODY, '-----END RSA PRIVATE KEY-----'].join('\n');
const SHAPES: Record<string, { text: string; secret: string[] }> = {
  pem: { text: PEM, secret: PEM_BODY },
  ghp: { text: 'token ghp_R4nd0mT0k3nV4lu3abcdefghijklmnopqrst', secret: ['R4nd0mT0k3nV4lu3abcdefghijklmnopqrst'] },
  gho: { text: 'oauth gho_16C7e42F292c6912E7710c838347Ae178B4a', secret: ['16C7e42F292c6912E7710c838347Ae178B4a'] },
  github_pat: { text: 'pat github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd', secret: ['11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz'] },
  jwt: { text: 'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', secret: ['SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ'] },
  slack: { text: 'hook https://hooks.slack.com/services/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', secret: ['q1w2e3r4t5y6u7i8o9p0a1s2', 'T0AB12CD3/B0EF45GH6'] },
  discord: { text: 'hook https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefgh', secret: ['AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'] },
  url: { text: 'db postgres://deploy:Pw-9x7Zq3Lm@127.0.0.1:5432/app', secret: ['Pw-9x7Zq3Lm'] },
};
const ALL_SECRETS = Object.values(SHAPES).flatMap((s) => s.secret);
const ALL_TEXT = Object.values(SHAPES).map((s) => s.text).join('\n');

function expectNone(where: string, text: string): void {
  for (const secret of ALL_SECRETS) expect(text.includes(secret), `${where} shows ${secret}`).toBe(false);
}

describe('the redactor, by shape (no variable names the secret)', () => {
  const redact = createRedactor({});
  for (const [name, { text, secret }] of Object.entries(SHAPES)) {
    it(`${name}: whole text, a list of lines, chunks of output`, () => {
      const whole = redact(text);
      for (const s of secret) expect(whole).not.toContain(s);
      const lines = redactDeep(['$ leak', ...text.split('\n'), 'exit code 3'], redact);
      expect(lines).toHaveLength(text.split('\n').length + 2);
      for (const s of secret) expect(lines.join('\n')).not.toContain(s);
      // A line seen on its own, its BEGIN line gone by elsewhere: a full-width key line is known by its shape
      // (a key's short last line cannot be; output kept whole, as the wizard's command blocks do, masks it with the block).
      const alone = text.split('\n').map((l) => redact(l + '\n')).join('');
      for (const s of secret.filter((v) => name !== 'pem' || v.length === 64)) expect(alone).not.toContain(s);
    });
  }

  it('keeps what is not key material: hex digests, prose, an ordinary URL', () => {
    const digest = 'a'.repeat(32) + '0123456789abcdef0123456789abcdef';
    const text = `${digest}\nsee https://example.test/docs\nsha256:${digest}`;
    expect(redact(text)).toBe(text);
  });

  it("a secret variable's value is masked in its URL-encoded and base64 forms too", () => {
    const value = 'k3y-M4t3rial/with+slash=';
    const r = createRedactor({ DEPLOY_KEY: value });
    for (const form of [value, encodeURIComponent(value), Buffer.from(value).toString('base64')]) expect(r(`x ${form} y`)).not.toContain(form);
  });

  it('the one error line: masked and without terminal or bidi controls', () => {
    const line = errorLine(new UserError(`--config c.json: unknown key "ghp_R4nd0mT0k3nV4lu3abcdefghijklmnopqrst\u061C\u202E\u001b[31m"`));
    expect(line).toBe('--config c.json: unknown key "ghp_***"');
  });
});

describe('every output path', () => {
  it('the session file and the report of a real file store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-keys-'));
    const file = join(dir, 'c.md');
    writeFileSync(file, '# C\n\n## S\n- [ ] Leak\n');
    const { checklist } = await loadChecklist(file, validateProbe);
    const store = createFileStore(join(dir, 'sessions'), { redact: createRedactor({}) });
    const open = await store.create({ environment: 'production', operator: 'Ada', checklist: { path: file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
    const itemId = checklist.items[0].id;
    await open.apply({ type: 'item.note', itemId, note: ALL_TEXT });
    await open.apply({
      type: 'probe.result',
      itemId,
      result: { probeIndex: 0, kind: 'command', status: 'fail', summary: SHAPES.ghp.text, evidence: ['$ leak', ...ALL_TEXT.split('\n')], startedAt: new Date().toISOString(), durationMs: 5 },
    } as never);
    const session = open.current();
    await open.close();
    const saved = readdirSync(join(dir, 'sessions')).filter((f) => f.endsWith('.json'));
    expect(saved).toHaveLength(1);
    expectNone('session file', readFileSync(join(dir, 'sessions', saved[0]), 'utf8'));
    expectNone('report', renderMarkdown(session, checklist, {}));
  });

  it('check text, json and junit on the built CLI', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'leak.sh'), `#!/bin/sh\ncat <<'EOF'\n${ALL_TEXT}\nEOF\nexit 3\n`, { mode: 0o755 });
    writeFileSync(join(cwd, 'cl.md'), `# C\n\n## S\n- [ ] Leak\n  <!-- probe: command cmd="${join(cwd, 'leak.sh')}" -->\n`);
    for (const format of ['text', 'json', 'junit']) {
      const r = await runCli(['check', '--checklist', 'cl.md', '--format', format], { cwd });
      expect(r.code).toBe(1);
      expectNone(`check --format ${format}`, r.stdout + r.stderr);
    }
    // An error line quoting what was typed: no bidi control (U+061C) printed raw (issue 23.10).
    const bidi = await runCli(['check', '--checklist', 'cl.md', '--section', 'ab\u061Ccd\u202Eef'], { cwd });
    expect(bidi.code).toBe(2);
    expect(bidi.stderr).toContain('no section matches "abcdef"');
    expect(bidi.stderr).not.toMatch(/[\u061C\u202E]/);
    const json = await runCli(['check', '--checklist', 'cl.md', '--format', 'json'], { cwd });
    // The key's lines are there, masked, so the evidence still reads as the program's output.
    expect(json.stdout).toContain('"[private key ***]"');
    expect(json.stdout).toContain('"token ghp_***"');
  });
});
