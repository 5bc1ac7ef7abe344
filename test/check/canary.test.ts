import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, workdir } from './helpers.js';

// Secrets planted everywhere a secret can come from; none may appear, in any
// spelling, in anything `check` prints or writes, in any format.
const SECRETS = {
  DB_PASSWORD: 'canary-db-pw-Q7x9vLm2',
  TWILIO_AUTH_TOKEN: 'canary-twilio-tok-Zk4mP8wR',
  SECRET_KEY: 'canary-django-key-Hj2Lw+/=9',
  EMAIL_HOST_PASSWORD: 'canary-envfile-pw-Tn5bQ', // from the env file
  REDIS_PW: 'canary-redis-pw-Rb3yK', // only inside REDIS_URL
  MYSQL_PWD: 'canary-mysql-pwd-Vc8nE',
  DEPLOY_KEY_PASSPHRASE: 'canary-passphrase-Yu6tG',
};
// Masked by shape alone: never given to the redactor as a value.
const SHAPES = ['AKIA' + 'J7K3M9P2Q8R4T6W1', 'ghp_canaryUserToken0123456789abcd'];
const SID = 'AC' + 'c0ffee00'.repeat(4);

function spellings(secret: string): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    b64(secret),
    b64(secret).replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    b64(`admin:${secret}`),
    b64(`${SID}:${secret}`),
    JSON.stringify(secret).slice(1, -1),
  ];
}

let echo: Server;
let echoPort = 0;
beforeAll(async () => {
  // Answers everything with what it was sent: URL, Authorization header, body.
  echo = createServer((req, res) => {
    let body = '';
    req.on('data', (b) => (body += b));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-echo-auth', req.headers.authorization ?? '');
      res.end(JSON.stringify({ status: 'active', sid: SID, url: req.url, auth: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

describe('canary: secrets never reach check output', () => {
  for (const format of ['text', 'json', 'junit'] as const) {
    it(`${format}: stdout, stderr and --out file are free of every planted secret`, async () => {
      const { pg, redis } = inject('servers');
      const checklist = `# Canary

## Commands
- [ ] Tool that prints its token
  <!-- probe: command cmd="leak-secrets" stdout=ok -->
- [ ] Secret in argv
  <!-- probe: command cmd="echo \${SECRET_KEY} \${DB_PASSWORD} \${EMAIL_HOST_PASSWORD}" not_stdout=canary-db -->
- [ ] Secret in env dump
  <!-- probe: command cmd="sh -c 'env | sort'" stdout=^PATH= -->

## Services
- [ ] Database with a wrong password
  <!-- probe: postgres host=127.0.0.1 port=${pg.port} user=${pg.user} password=\${DB_PASSWORD} database=${pg.database} -->
- [ ] Redis with a wrong password
  <!-- probe: redis url=\${REDIS_URL} -->
- [ ] Echoing web server
  <!-- probe: http url="http://127.0.0.1:${echoPort}/hook?token=\${TWILIO_AUTH_TOKEN}&key=\${SECRET_KEY}" status=500 contains=\${DB_PASSWORD} -->
- [ ] Twilio account
  <!-- probe: twilio account_sid=\${TWILIO_ACCOUNT_SID} auth_token=\${TWILIO_AUTH_TOKEN} api_base=http://127.0.0.1:${echoPort} -->
- [ ] Bad value that quotes a secret
  <!-- probe: tcp host=127.0.0.1 port=\${SECRET_KEY} -->
`;
      const cwd = workdir({
        'cl.md': checklist,
        'shapes.txt': SHAPES.join(' '),
        '.env.production': `EMAIL_HOST_PASSWORD=${SECRETS.EMAIL_HOST_PASSWORD}\nREDIS_URL=redis://:${SECRETS.REDIS_PW}@127.0.0.1:${redis.port}/0\n`,
      });
      const out = join(cwd, `result.${format}`);
      const env = {
        DB_PASSWORD: SECRETS.DB_PASSWORD,
        TWILIO_AUTH_TOKEN: SECRETS.TWILIO_AUTH_TOKEN,
        SECRET_KEY: SECRETS.SECRET_KEY,
        TWILIO_ACCOUNT_SID: SID,
        MYSQL_PWD: SECRETS.MYSQL_PWD,
        DEPLOY_KEY_PASSPHRASE: SECRETS.DEPLOY_KEY_PASSPHRASE,
        LEAK_SHAPES_FILE: join(cwd, 'shapes.txt'),
      };
      const [toFile, toStdout] = await Promise.all([
        runCli(['check', '--checklist', 'cl.md', '--env-file', '.env.production', '--format', format, '--out', out], { cwd, env }),
        runCli(['check', '--checklist', 'cl.md', '--env-file', '.env.production', '--format', format], { cwd, env }),
      ]);
      const everything = [toFile.stdout, toFile.stderr, readFileSync(out, 'utf8'), toStdout.stdout, toStdout.stderr].join('\n----\n');

      // The run really happened and really met the secrets (masked, not absent).
      expect(toFile.code, toFile.stderr).toBe(1);
      expect(everything).toContain('***');
      // The failing line quotes what echo printed: the secrets, masked.
      expect(toFile.stdout).toMatch(/echo output matches \/canary-db\/: \*\*\* \*\*\* \*\*\*/);
      expect(everything).toMatch(/Tool that prints its token/);
      expect(everything).toMatch(/Database with a wrong password/);
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const form of spellings(secret)) {
          expect(everything.includes(form), `${name} leaked as "${form}" in ${format} output`).toBe(false);
        }
      }
      for (const shape of SHAPES) expect(everything.includes(shape), `shape "${shape}" leaked in ${format} output`).toBe(false);
      if (format !== 'text') expect(everything).toContain('AKIA***');
    });
  }
});
