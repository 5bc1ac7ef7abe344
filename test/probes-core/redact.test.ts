import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MASK, createRedactor, isSecretName, redactDeep } from '../../src/secrets/redactor.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('redaction', () => {
  const token = 'tw1l10-auth-t0ken-canary-xyz';
  const pw = 'p@ss w/rd:"canary"';
  const r = createRedactor({ TWILIO_AUTH_TOKEN: token, DB_PASSWORD: pw, DOMAIN: 'example.test' });

  it('knows which names are secret', () => {
    for (const n of ['DB_PASSWORD', 'TWILIO_AUTH_TOKEN', 'SECRET_KEY', 'SENTRY_DSN', 'ENCRYPTION_KEY', 'FLOWER_BASIC_AUTH']) expect(isSecretName(n)).toBe(true);
    for (const n of ['DOMAIN', 'DB_HOST', 'REDIS_URL', 'DB_PORT']) expect(isSecretName(n)).toBe(false);
  });

  it('masks plain, URL-encoded, base64 and JSON-escaped forms of secret values', () => {
    const text = [token, encodeURIComponent(pw), b64(token), b64(pw), JSON.stringify({ pw }), pw, Buffer.from(token).toString('base64url')].join('\n');
    const out = r(text);
    expect(out).not.toContain(token);
    expect(out).not.toContain(pw);
    expect(out).not.toContain(encodeURIComponent(pw));
    expect(out).not.toContain(b64(token));
    expect(out).not.toContain(b64(pw));
    expect(out).not.toContain(JSON.stringify(pw).slice(1, -1));
    expect(out).toContain(MASK);
    expect(r('https://example.test/health/')).toBe('https://example.test/health/');
  });

  it('masks a secret inside basic-auth base64 at every alignment', () => {
    for (const user of ['a', 'ab', 'abc', 'admin', 'operator']) {
      const header = `Basic ${b64(`${user}:${token}`)}`;
      const inner = b64(`${user}:${token}`);
      // Without the header label the embedded base64 must still be caught.
      const out = r(`value=${inner}`);
      expect(out).not.toContain(inner);
      expect(r(header)).not.toContain(inner);
    }
  });

  it('masks credentials in URLs, auth headers, Twilio SIDs/tokens, private keys and NAME=value dumps', () => {
    const other = createRedactor({});
    expect(other('redis://:hunter22@127.0.0.1:6379/0')).toBe(`redis://:${MASK}@127.0.0.1:6379/0`);
    expect(other('postgres://app:s3cret@db/app')).toBe(`postgres://app:${MASK}@db/app`);
    expect(other('https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x')).toBe(`https://${MASK}@github.com/x`);
    expect(other('Authorization: Bearer abc.def.ghi')).toBe(`Authorization: Bearer ${MASK}`);
    const sid = 'AC' + '0123456789abcdef'.repeat(2);
    expect(other(`sid ${sid}`)).toBe(`sid AC${MASK}cdef`);
    expect(other('auth_token: ' + 'f'.repeat(32))).toBe(`auth_token: ${MASK}`);
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc\n-----END RSA PRIVATE KEY-----';
    expect(other(`before\n${key}\nafter`)).toBe(`before\n[private key ${MASK}]\nafter`);
    expect(other('DB_PASSWORD=topsecret\nDOMAIN=x')).toBe(`DB_PASSWORD=${MASK}\nDOMAIN=x`);
    // A reference keeps its variable name: specs show what was checked.
    expect(other('password=${DB_PASSWORD} DB_PASSWORD=${DB_PASSWORD}')).toBe('password=${DB_PASSWORD} DB_PASSWORD=${DB_PASSWORD}');
  });

  it('masks by name DB_PWD, MYSQL_PWD and *_PASSPHRASE, but not the shell\'s PWD', () => {
    for (const n of ['DB_PWD', 'MYSQL_PWD', 'SSH_KEY_PASSPHRASE', 'GPG_PASSPHRASE']) expect(isSecretName(n), n).toBe(true);
    for (const n of ['PWD', 'OLDPWD']) expect(isSecretName(n), n).toBe(false);
    const red = createRedactor({ DB_PWD: 'canary-pwd-1x', MYSQL_PWD: 'canary-mysql-2y', DEPLOY_PASSPHRASE: 'canary pass phrase 3z', PWD: '/home/ops/app' });
    const out = red('canary-pwd-1x canary-mysql-2y canary pass phrase 3z in /home/ops/app');
    expect(out).toBe(`${MASK} ${MASK} ${MASK} in /home/ops/app`);
    // Printed by `env`: masked by the name's shape even for values the redactor was never told.
    expect(createRedactor({})('MYSQL_PWD=unknown1\nBACKUP_PASSPHRASE: "unknown2"\nPWD=/srv')).toBe(`MYSQL_PWD=${MASK}\nBACKUP_PASSPHRASE: "${MASK}"\nPWD=/srv`);
  });

  it('masks by value shape: AWS keys and tokens in a URL\'s user part, as the scanner finds them', () => {
    const other = createRedactor({});
    expect(other('aws AKIA' + 'Q2W3E4R5T6Y7U8I9' + ' and ASIA' + 'Z1X2C3V4B5N6M7L8')).toBe(`aws AKIA${MASK} and ASIA${MASK}`);
    expect(other('git clone https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r')).toBe(`git clone https://x-access-token:${MASK}@github.com/o/r`);
    expect(other('pip install git+https://glpat-a1B2c3D4e5F6g7H8i9J0@gitlab.example/x')).toBe(`pip install git+https://${MASK}@gitlab.example/x`);
  });

  it('learns passwords from URL-valued variables, decoded and encoded', () => {
    const red = createRedactor({ REDIS_URL: 'redis://:canary%2Fpw@127.0.0.1:1/0' });
    expect(red('auth failed for canary/pw')).toBe(`auth failed for ${MASK}`);
    expect(red('pw=canary%2Fpw')).toBe(`pw=${MASK}`);
  });

  it('does not treat flag values of secret-looking names as secrets', () => {
    const red = createRedactor({ TWILIO_WEBHOOK_AUTH: 'True', API_KEY_ENABLED: 'false', SECRET_KEY: 'realsecretvalue' });
    expect(red('DEBUG is True, cache false, key realsecretvalue')).toBe(`DEBUG is True, cache false, key ${MASK}`);
  });

  it('redactDeep masks every string in nested values and keeps the rest', () => {
    const v = redactDeep({ a: [token, { b: `x${token}y` }], n: 3, ok: true, nil: null }, r);
    expect(v).toEqual({ a: [MASK, { b: `x${MASK}y` }], n: 3, ok: true, nil: null });
  });

  it('property: no form of a random secret survives redaction', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 40 }).filter((s) => s.trim().length >= 4), fc.string({ maxLength: 8 }), (secret, user) => {
        const red = createRedactor({ API_SECRET: secret });
        const text = `a ${secret} b ${encodeURIComponent(secret)} c ${b64(secret)} d ${JSON.stringify(secret)} e ${b64(user + ':' + secret)}`;
        const out = red(text);
        return !out.includes(secret) && !out.includes(b64(secret)) && !out.includes(b64(user + ':' + secret)) && !out.includes(encodeURIComponent(secret));
      }),
      { numRuns: 300 },
    );
  });
});
