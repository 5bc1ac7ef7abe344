/**
 * The network kinds through the built bundle (`dist/deploy-wizard.js check`):
 * bundling changes how undici loads, so the probes must work there too, not
 * only under vitest.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../src/probes/webhook-signature.js';
import { makeTestCa, type TestCa } from '../helpers/certs.js';
import { closedPort, json, startHttp, startHttps, type Local } from './helpers/local.js';

const TOKEN = 'e'.repeat(32);
let dir: string;
let cli: string;
let ca: TestCa;
let app: Local, tlsApp: Local, hook: Local;
let refused: number;

beforeAll(async () => {
  const built = resolve('dist/deploy-wizard.js');
  if (!existsSync(built)) throw new Error('dist/deploy-wizard.js is missing: run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'dw-net-cli-'));
  // A snapshot: others rebuild dist/ while tests run.
  cpSync(resolve('dist'), join(dir, 'dist'), { recursive: true });
  cli = join(dir, 'dist', 'deploy-wizard.js');
  ca = makeTestCa();
  const leaf = ca.leaf('app', 'DNS:localhost,IP:127.0.0.1', 60);
  app = await startHttp((req, res) => (req.url === '/health/' ? json(res, 200, { status: 'healthy' }) : json(res, 404, { detail: 'Not found.' })));
  tlsApp = await startHttps(leaf.key, leaf.cert, (_req, res) => json(res, 200, { status: 'healthy' }));
  hook = await startHttp((req, res, body) => {
    const ok = req.headers['x-twilio-signature'] === twilioSignature(TOKEN, hook.url + req.url, Object.fromEntries(new URLSearchParams(body)));
    res.writeHead(ok ? 200 : 403);
    res.end();
  });
  refused = await closedPort();
});
afterAll(async () => {
  await Promise.all([app?.close(), tlsApp?.close(), hook?.close()]);
  ca?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function check(checklist: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  writeFileSync(join(dir, 'cl.md'), checklist);
  return new Promise((done) => {
    execFile(process.execPath, [cli, 'check', '--checklist', 'cl.md', '--format', 'json'], { cwd: dir, env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('network probes in the built CLI', () => {
  it('run through `check` with the verdicts they give in process, and no secret in the output', async () => {
    const tlsPort = new URL(tlsApp.url).port;
    const r = await check(
      `# Net\n\n## Probes\n` +
        `- [ ] Health\n  <!-- probe: http url=\${APP_URL}/health/ json.status=healthy -->\n` +
        `- [ ] Missing page\n  <!-- probe: http url=\${APP_URL}/nope/ status=200 -->\n` +
        `- [ ] HTTPS with the staging CA\n  <!-- probe: http url=https://127.0.0.1:${tlsPort}/ ca=\${CA_FILE} -->\n` +
        `- [ ] Certificate\n  <!-- probe: tls host=127.0.0.1 port=${tlsPort} servername=localhost ca=\${CA_FILE} -->\n` +
        `- [ ] Port closed\n  <!-- probe: tcp host=127.0.0.1 port=${refused} expect=closed -->\n` +
        `- [ ] Webhook signature\n  <!-- probe: webhook-signature url=\${HOOK_URL}/twilio/voice/ auth_token=\${TWILIO_AUTH_TOKEN} -->\n` +
        `- [ ] Allowed hosts\n  <!-- probe: security url=https://127.0.0.1:${tlsPort}/ ca=\${CA_FILE} headers=false debug=false bogus_host=true -->\n` +
        `- [ ] Down\n  <!-- probe: http url=http://127.0.0.1:${refused}/ -->\n`,
      { APP_URL: app.url, CA_FILE: ca.caFile, HOOK_URL: hook.url, TWILIO_AUTH_TOKEN: TOKEN },
    );
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { results: { kind: string; status: string; summary: string }[] };
    expect(doc.results.map((x) => `${x.kind} ${x.status}`)).toEqual(['http pass', 'http fail', 'http pass', 'tls pass', 'tcp inconclusive', 'webhook-signature pass', 'security fail', 'http error']);
    // Exposure of a port of this same host cannot be judged from here.
    expect(doc.results[4]).toMatchObject({ reason: 'cannot-judge-here' });
    expect(doc.results[6].summary).toContain('bogus Host accepted with 200');
    expect(doc.results[7].summary).toContain(`connection refused on 127.0.0.1:${refused}`);
    expect(r.stdout).not.toContain(TOKEN);
  });
});
