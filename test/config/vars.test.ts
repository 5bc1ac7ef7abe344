import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadVars, substitute } from '../../src/config/vars.js';
import { parseEnvText } from '../../src/config/env-file.js';
import { parseConfigText } from '../../src/config/config-file.js';
import { parseConfigDocument } from '../../src/config/config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-vars-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('loadVars', () => {
  it('loads the app\'s .env.production example as it is', async () => {
    const p = join(dir, '.env.production');
    copyFileSync('/work/shared/reference/env.production.example', p);
    const vars = await loadVars({ envFile: p, env: {} });
    expect(vars.DOMAIN).toBe('yourdomain.com');
    expect(vars.DB_HOST).toBe('db');
    expect(vars.REDIS_URL).toBe('redis://redis:6379/0');
    expect(vars.FLOWER_BASIC_AUTH).toBe('admin:your-secure-flower-password');
    expect(vars.JWT_REQUIRED_SCOPE).toBe('call_center');
    // DB_* given, so DATABASE_URL is derived.
    expect(vars.DATABASE_URL).toBe('postgres://callcenter_user:your-secure-database-password@db:5432/callcenter_prod');
  });

  it('env wins over env file, env file over config', async () => {
    const envFile = file('prec.env', 'A=from-file\nB=from-file\n');
    const config = file('prec.json', JSON.stringify({ vars: { A: 'cfg', B: 'cfg', C: 'cfg', N: 3, T: true } }));
    const vars = await loadVars({ envFile, config, env: { A: 'from-env' } });
    expect(vars).toMatchObject({ A: 'from-env', B: 'from-file', C: 'cfg', N: '3', T: 'true' });
  });

  it('derives DB_* from DATABASE_URL when DB_HOST is unset', async () => {
    const vars = await loadVars({ env: { DATABASE_URL: 'postgresql://app%40x:p%2Fw@[::1]:6543/calls' } });
    expect(vars).toMatchObject({ DB_HOST: '::1', DB_PORT: '6543', DB_USER: 'app@x', DB_PASSWORD: 'p/w', DB_NAME: 'calls' });
  });

  it('keeps DB_* that are already set and does not derive from a non-postgres URL', async () => {
    const vars = await loadVars({ env: { DATABASE_URL: 'postgres://u:pw@h:1/d', DB_HOST: 'other' } });
    expect(vars.DB_HOST).toBe('other');
    expect(vars.DB_NAME).toBeUndefined();
    const v2 = await loadVars({ env: { DATABASE_URL: 'mysql://u:pw@h/d' } });
    expect(v2.DB_HOST).toBeUndefined();
  });

  it('a missing, directory, malformed or binary file is a UserError naming it', async () => {
    const missing = join(dir, 'nope.env');
    await expect(loadVars({ envFile: missing, env: {} })).rejects.toThrow(new UserError(`--env-file ${missing}: file not found (check the path)`));
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    await expect(loadVars({ envFile: sub, env: {} })).rejects.toThrow(/is a directory/);
    const bad = file('bad.env', 'A=1\nthis is not a line\n');
    await expect(loadVars({ envFile: bad, env: {} })).rejects.toThrow(`${bad}:2: not a NAME=value line`);
    const bin = file('bin.env', 'A=1\0\n');
    await expect(loadVars({ envFile: bin, env: {} })).rejects.toThrow(/looks binary/);
    const badJson = file('bad.json', '{"vars": ');
    await expect(loadVars({ config: badJson, env: {} })).rejects.toThrow(new RegExp(`--config ${badJson}: not valid JSON`));
    const badShape = file('shape.json', '{"vars": ["a"]}');
    await expect(loadVars({ config: badShape, env: {} })).rejects.toThrow(/"vars" must be an object/);
    const nested = file('nested.json', '{"vars": {"A": {"b": 1}}}');
    await expect(loadVars({ config: nested, env: {} })).rejects.toBeInstanceOf(UserError);
  });

  it('accepts quoted, exported and multi-line values', () => {
    const vars = parseEnvText('export A="x y"\nB=\'q\'\nKEY="-----BEGIN\nline\n-----END"\n# c\n\nC=1 # note\n', 'f');
    expect(vars).toMatchObject({ A: 'x y', B: 'q', KEY: '-----BEGIN\nline\n-----END', C: '1' });
    expect(() => parseEnvText('A="never closed\n', 'f.env')).toThrow(/never closed/);
  });
});

describe('--config values that are not strings', () => {
  it('numbers and booleans are their string form', () => {
    expect({ ...parseConfigText('{"vars": {"DB_PORT": 5432, "DEBUG": false, "RATIO": 1.5, "ON": true}}', 'c.json') }).toEqual({ DB_PORT: '5432', DEBUG: 'false', RATIO: '1.5', ON: 'true' });
  });

  it('null, a list or an object is one error naming the key', () => {
    expect(() => parseConfigText('{"vars": {"A": "x", "DB_PORT": null}}', 'c.json')).toThrow(new UserError('--config c.json: vars.DB_PORT is null: give a string, number or boolean (or leave the name out)'));
    expect(() => parseConfigText('{"vars": {"HOSTS": ["a"]}}', 'c.json')).toThrow('--config c.json: vars.HOSTS is a list: give a string');
    expect(() => parseConfigText('{"vars": {"DB": {"port": 1}}}', 'c.json')).toThrow('--config c.json: vars.DB is an object: give a string');
    expect(() => parseConfigText('{"vars": {"X\\u001b[2J": null}}', 'c.json')).toThrow('--config c.json: vars.X? is null'); // the escape sequence shown as one mark, whole
  });

  it('a variable at the top level instead of under "vars" is named, not ignored', () => {
    expect(() => parseConfigText('{"DOMAIN": "example.test", "vars": {}}', 'c.json')).toThrow(
      new UserError('--config c.json: "DOMAIN" is at the top level, where it is not read: put variables under "vars", e.g. {"vars": {"DOMAIN": ...}}'),
    );
    // Comment keys are allowed; any other key the tool does not read is refused by name (issue 23.9).
    expect({ ...parseConfigText('{"//": "staging", "_note": "x", "$schema": "s", "vars": {"A": "1"}}', 'c.json') }).toEqual({ A: '1' });
  });

  it('an unknown key is refused with its name and a suggestion; "notify" must be an http(s) URL string', () => {
    expect(() => parseConfigText('{"colour": "blue", "vars": {}}', 'c.json')).toThrow(
      new UserError('--config c.json: unknown key "colour": the keys read are "vars", "notify", "store", "allowedSigners", "signingKey", "requireSignatures"; remove it or rename it'),
    );
    expect(() => parseConfigText('{"variables": {"A": "1"}}', 'c.json')).toThrow('unknown key "variables" (did you mean "vars"?)');
    expect(() => parseConfigText('{"notfy": "https://x.test/"}', 'c.json')).toThrow('unknown key "notfy" (did you mean "notify"?)');
    expect(() => parseConfigText('{"notify": 5}', 'c.json')).toThrow('--config c.json: "notify" must be the webhook URL as a string, or an object of audience: URL');
    expect(() => parseConfigText('{"notify": "file:///etc/passwd"}', 'c.json')).toThrow('--config c.json: "notify": file: is not supported: give an http(s):// webhook address');
    expect(parseConfigDocument('{"notify": "https://hooks.example.test/x"}', 'c.json').notify).toBe('https://hooks.example.test/x');
  });

  it('"notify" may name a webhook per audience; a bad audience or URL is one line naming it', () => {
    const c = parseConfigDocument('{"notify": {"stakeholders": "https://hooks.example.test/a", "ops": "https://hooks.example.test/b"}}', 'c.json');
    expect(c.notify).toBeUndefined();
    expect(c.notifyTargets).toEqual([
      { audience: 'stakeholders', url: 'https://hooks.example.test/a' },
      { audience: 'ops', url: 'https://hooks.example.test/b' },
    ]);
    expect(() => parseConfigText('{"notify": {"Stake Holders": "https://x.test/"}}', 'c.json')).toThrow('--config c.json: "notify" audience "Stake Holders" is not a name: use lower-case words such as stakeholders, ops, support');
    expect(() => parseConfigText('{"notify": {"ops": "ftp://x.test/"}}', 'c.json')).toThrow('--config c.json: "notify".ops: ftp: is not supported');
    expect(() => parseConfigText('{"notify": {"ops": 1}}', 'c.json')).toThrow('--config c.json: "notify".ops must be the webhook URL as a string');
    expect(() => parseConfigText('{"notify": {}}', 'c.json')).toThrow('--config c.json: "notify" is empty');
  });

  it('a variable named __proto__ or constructor is a variable like any other', async () => {
    const config = file('proto.json', '{"vars": {"__proto__": "p", "constructor": "c"}}');
    const vars = await loadVars({ config, env: {} });
    expect(substitute('${__proto__}-${constructor}', vars)).toEqual({ value: 'p-c', missing: [] });
  });
});

describe('substitute', () => {
  it('Object.prototype member names are unset variables, not functions', () => {
    expect(substitute('${constructor}|${toString}|${__proto__}|${hasOwnProperty:-d}', {})).toEqual({ value: '|||d', missing: ['constructor', 'toString', '__proto__'] });
  });

  it('replaces ${NAME} and ${NAME:-default}, reporting unset names once', () => {
    const vars = { DOMAIN: 'example.test', EMPTY: '' };
    expect(substitute('https://${DOMAIN}/health/', vars)).toEqual({ value: 'https://example.test/health/', missing: [] });
    expect(substitute('${DB_PORT:-5432}', vars)).toEqual({ value: '5432', missing: [] });
    expect(substitute('${EMPTY:-d}', vars).value).toBe('d');
    expect(substitute('${DB_HOST}:${DB_PASSWORD}@${DB_HOST}', vars).missing).toEqual(['DB_HOST', 'DB_PASSWORD']);
    expect(substitute('${EMPTY}', vars).missing).toEqual(['EMPTY']);
    expect(substitute('$DOMAIN and ${not valid}', vars)).toEqual({ value: '$DOMAIN and ${not valid}', missing: [] });
  });
});

describe('broken JSON in a config file', () => {
  it('says where the error is without quoting the text (which may hold a password)', () => {
    const secret = 'hunter2-secret-value';
    for (const text of [`{"vars": {"DB_PASSWORD": ${secret}}}`, `DB_PASSWORD=${secret}`, `{"vars": {"DB_PASSWORD": "${secret}",}}`, `{\n  "vars": {\n    "DB_PASSWORD": ${secret}\n  }\n}`]) {
      let message = '';
      try {
        parseConfigText(text, 'cfg.json');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^--config cfg\.json: not valid JSON \(syntax error( at line \d+, column \d+)?\)$/);
      for (let n = 4; n <= secret.length; n++) expect(message).not.toContain(secret.slice(0, n));
    }
  });

  it('points at the right line and column', () => {
    expect(() => parseConfigText('{\n  "vars": {\n    "A": nope\n  }\n}', 'cfg.json')).toThrow('syntax error at line 3, column 11');
  });
});
