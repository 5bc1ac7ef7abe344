/**
 * Team mode over real PostgreSQL with SSH keys: each terminal (a child
 * process running the real wizard store) has its own ssh-agent holding only
 * its person's key. A second terminal that claims ada's name (`--operator
 * ada`) without ada's key cannot revoke, complete or reopen as her; a
 * terminal with no agent at all cannot either; the people with the keys can.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { parseAllowedSigners } from '../../src/signing/allowed-signers.js';
import { cleanup, makeKey, signerLine, startAgent, tempDir, type TestAgent, type TestKey } from '../helpers/ssh-keys.js';
import { bundleWorker, dropSchema, newSessionInit, pgUrl, storedDoc, until } from './helpers.js';

const facts = inject('servers').pg;
const url = pgUrl(facts);
const schema = 'dw_test_' + Math.random().toString(36).slice(2, 10);
const PEOPLE = { ada: 'Tech Lead', grace: 'DevOps Engineer', ivan: 'Security Officer', pat: 'Product Owner', linus: 'Security Officer' } as const;
let worker: Awaited<ReturnType<typeof bundleWorker>>;
let journalDir: string;
let store: PgSessionStore;
let dir: string;
const keys: Record<string, TestKey> = {};
const agents: Record<string, TestAgent> = {};
let allowedText: string;

beforeAll(async () => {
  worker = await bundleWorker('test/fixtures/signing-worker.ts');
  journalDir = mkdtempSync(join(tmpdir(), 'dw-signing-journal-'));
  store = createPgStore(url, { schema, journalDir });
  dir = tempDir();
  for (const p of Object.keys(PEOPLE)) {
    keys[p] = makeKey(dir, p, p === 'grace' ? 'ecdsa' : 'ed25519');
    // One agent per person: a terminal holds its own person's key only.
    const home = join(dir, `agent-${p}`);
    mkdirSync(home);
    agents[p] = await startAgent(home);
    agents[p].add(keys[p]);
  }
  allowedText = [
    ...Object.entries(PEOPLE).map(([p, r]) => `# deploy-wizard roles: ${p}@example.com = ${r}`),
    ...Object.keys(PEOPLE).map((p) => signerLine(`${p}@example.com`, keys[p])),
  ].join('\n');
  parseAllowedSigners(allowedText, 'allowed_signers');
}, 120_000);

afterAll(async () => {
  await store?.end();
  await dropSchema(facts, schema);
  worker?.cleanup();
  for (const a of Object.values(agents)) await a.stop();
  if (dir) cleanup(dir);
  rmSync(journalDir, { recursive: true, force: true });
});

interface Terminal {
  send(cmd: string): Promise<any>;
  close(): Promise<void>;
}

const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill();
});

/** A terminal of `name` whose ssh-agent is `agent`'s (undefined: no SSH_AUTH_SOCK at all). */
function terminal(id: string, name: string, agent: string | undefined): Promise<Terminal> {
  const env: NodeJS.ProcessEnv = { ...process.env, SIGNING_WORKER: JSON.stringify({ url, schema, journalDir, id, name }) };
  delete env.SSH_AUTH_SOCK;
  if (agent) env.SSH_AUTH_SOCK = agents[agent].socket;
  const child = spawn(process.execPath, [worker.file], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const waiting: ((v: any) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () =>
    new Promise<any>((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${stderr}`)));
    });
  return next().then(() => ({
    send(cmd) {
      const p = next();
      child.stdin.write(cmd + '\n');
      return p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  }));
}

describe('team sign-off with SSH keys over PostgreSQL', () => {
  it('a terminal claiming ada without her key cannot revoke, complete or reopen as her; the keys\' owners can', async () => {
    const s = await store.create(newSessionInit('ada'));
    await s.apply({ type: 'signing.setup', allowedSigners: allowedText, source: 'allowed_signers', required: true });
    await s.close();
    const id = s.id;

    const ada = await terminal(id, 'ada', 'ada');
    // The sign-off screen says whose key will sign before it does.
    expect((await ada.send('key')).key).toEqual({ principal: 'ada@example.com', fingerprint: expect.stringMatching(/^SHA256:/), source: 'ssh-agent' });
    expect(await ada.send('sign Tech Lead')).toEqual({ ok: true });
    const [grace, ivan, pat] = await Promise.all([terminal(id, 'grace', 'grace'), terminal(id, 'ivan', 'ivan'), terminal(id, 'pat', 'pat')]);
    expect(await grace.send('sign DevOps Engineer')).toEqual({ ok: true });
    expect(await ivan.send('sign Security Officer')).toEqual({ ok: true });
    expect(await pat.send('sign Product Owner')).toEqual({ ok: true });

    // linus joins with --operator ada: his agent holds his own key only.
    const fakeAda = await terminal(id, 'ada', 'linus');
    expect((await fakeAda.send('key')).key.principal).toBe('linus@example.com');
    expect((await fakeAda.send('revoke Tech Lead')).refused).toMatch(/^Tech Lead was signed with ada@example\.com's key \(SHA256:[^)]+\); only that key can revoke it, not linus@example\.com's$/);
    expect((await fakeAda.send('complete FAILED')).refused).toMatch(/^cannot complete: linus@example\.com signed no role of this session; completing and reopening need the key of a signer/);
    // And a terminal with no agent at all, also claiming ada.
    const noKey = await terminal(id, 'ada', undefined);
    expect((await noKey.send('key')).key).toEqual({ problem: expect.stringMatching(/^no ssh-agent: SSH_AUTH_SOCK is not set/) });
    expect((await noKey.send('revoke Tech Lead')).refused).toMatch(/^revoking Tech Lead needs your SSH key: this session requires signatures/);
    expect((await noKey.send('complete FAILED')).refused).toMatch(/^completing needs your SSH key/);

    // A signer completes (on the record with all four signatures); then neither impostor can reopen.
    await until(async () => (await pat.send('show')).signatures.length === 4, 60_000, 'the four signatures in pat\'s terminal');
    expect(await pat.send('complete FAILED')).toEqual({ ok: true });
    // Each terminal acts on the record as it sees it: wait until the completion reached them.
    const sees = (t: Terminal, status: string) => until(async () => (await t.send('show')).status === status, 60_000, `the ${status} status in another terminal`);
    await Promise.all([sees(fakeAda, 'completed'), sees(noKey, 'completed'), sees(ada, 'completed')]);
    expect((await fakeAda.send('reopen I am ada')).refused).toMatch(/^cannot reopen: linus@example\.com signed no role of this session/);
    expect((await noKey.send('reopen I am ada')).refused).toMatch(/^reopening needs your SSH key/);
    let { doc } = await storedDoc(facts, schema, id);
    expect(doc.status).toBe('completed');
    expect(doc.signoff.signatures.map((x: any) => `${x.role}=${x.signed.principal}`).sort()).toEqual([
      'DevOps Engineer=grace@example.com', 'Product Owner=pat@example.com', 'Security Officer=ivan@example.com', 'Tech Lead=ada@example.com',
    ]);
    expect(doc.signoff.history.at(-1)).toMatchObject({ action: 'completed', by: 'pat', signed: { principal: 'pat@example.com' } });

    // The real ada reopens and revokes her own role.
    expect(await ada.send('reopen status was wrong')).toEqual({ ok: true });
    await sees(ada, 'active');
    expect(await ada.send('revoke Tech Lead')).toEqual({ ok: true });
    ({ doc } = await storedDoc(facts, schema, id));
    expect(doc.signoff.signatures.map((x: any) => x.role)).not.toContain('Tech Lead');
    expect(doc.events.filter((e: any) => e.what === 'signoff.revoke').map((e: any) => e.signed?.principal)).toEqual(['ada@example.com']);
    await Promise.all([ada, grace, ivan, pat, fakeAda, noKey].map((t) => t.close()));
  });
});
