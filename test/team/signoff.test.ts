/**
 * Four people, four terminals (child processes), one session in PostgreSQL:
 * signatures are per-role records owned by their signer, completion is a
 * separate step that needs every role, and a completed session is read-only
 * in every terminal until it is reopened.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgStore, type PgSessionStore } from '../../src/session/pg-store.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { appendPending, journalPath } from '../../src/session/pg-journal.js';
import { existsSync } from 'node:fs';
import { smallChecklist } from '../report/fixtures.js';
import { bundleWorker, dropSchema, newSessionInit, pgUrl, storedDoc, until } from './helpers.js';

const facts = inject('servers').pg;
const url = pgUrl(facts);
const schema = 'dw_test_' + Math.random().toString(36).slice(2, 10);
let worker: Awaited<ReturnType<typeof bundleWorker>>;
let journalDir: string;
let store: PgSessionStore;

beforeAll(async () => {
  worker = await bundleWorker('test/fixtures/signoff-worker.ts');
  journalDir = mkdtempSync(join(tmpdir(), 'dw-signoff-journal-'));
  store = createPgStore(url, { schema, journalDir });
});

afterAll(async () => {
  await store?.end();
  await dropSchema(facts, schema);
  worker?.cleanup();
  rmSync(journalDir, { recursive: true, force: true });
});

/** A terminal: send a command, get its one-line JSON answer. */
interface Terminal {
  send(cmd: string): Promise<any>;
  close(): Promise<void>;
}

const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill();
});

function terminal(id: string, name: string): Promise<Terminal> {
  const child = spawn(process.execPath, [worker.file], {
    env: { ...process.env, SIGNOFF_WORKER: JSON.stringify({ url, schema, journalDir, id, name }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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

async function newSession(): Promise<string> {
  const s = await store.create(newSessionInit('lead'));
  await s.close();
  return s.id;
}

describe('team sign-off across processes', () => {
  it('four signers sign four roles; nobody overwrites another’s role or signs two; completion needs all four', async () => {
    const id = await newSession();
    const [alice, bob, carol, dan] = await Promise.all(['Alice', 'Bob', 'Carol', 'Dan'].map((n) => terminal(id, n)));

    expect(await dan.send('sign Product Owner|dan')).toEqual({ ok: true });
    // Completion is its own step and refuses while roles are unsigned.
    // FAILED: the items of this test session are pending, and only the roles are at stake here.
    const early = await dan.send('complete FAILED');
    expect(early.refused).toBe('cannot complete FAILED: 3 of 4 roles not signed (Tech Lead, DevOps Engineer, Security Officer); give an override reason that covers it');

    expect(await carol.send('sign Security Officer|carol')).toEqual({ ok: true });
    expect(await bob.send('sign DevOps Engineer|bob')).toEqual({ ok: true });
    // Alice cannot take a role someone else signed, nor revoke it.
    expect((await alice.send('sign Product Owner|alice')).refused).toMatch(/^Product Owner is already signed by Dan \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\); only Dan can revoke that signature$/);
    expect((await alice.send('revoke Security Officer')).refused).toBe('Security Officer was signed by Carol; only Carol can revoke it');
    expect(await alice.send('sign Tech Lead|alice')).toEqual({ ok: true });
    // Bob's terminal follows the store; then he cannot take Alice's role either.
    await until(async () => (await bob.send('show')).signatures.some((s: any) => s.role === 'Tech Lead'), 20_000, 'bob to see Alice sign');
    expect((await bob.send('sign Tech Lead|bob')).refused).toMatch(/^Tech Lead is already signed by Alice/);
    expect(await alice.send('revoke Tech Lead')).toEqual({ ok: true });
    // One person, one role.
    expect((await bob.send('sign Tech Lead|bob')).refused).toBe(
      'Bob already signed DevOps Engineer: each role needs a different person (the checklist does not let Tech Lead and DevOps Engineer be combined)',
    );
    expect(await alice.send('sign Tech Lead|alice')).toEqual({ ok: true });

    expect(await dan.send('complete FAILED')).toEqual({ ok: true });
    const { doc } = await storedDoc(facts, schema, id);
    expect(doc.status).toBe('completed');
    expect(doc.signoff.signatures.map((s: any) => `${s.role}=${s.name}`).sort()).toEqual([
      'DevOps Engineer=Bob', 'Product Owner=Dan', 'Security Officer=Carol', 'Tech Lead=Alice',
    ]);
    expect(doc.signoff.history).toEqual([expect.objectContaining({ action: 'completed', by: 'Dan', status: 'FAILED' })]);
    // The revocation is an event with who did it.
    expect(doc.events.filter((e: any) => e.what === 'signoff.revoke').map((e: any) => `${e.who}: ${e.detail}`)).toEqual(['Alice: Tech Lead']);
    await Promise.all([alice, bob, carol, dan].map((t) => t.close()));
  });

  it('two people signing one role at the same moment: exactly one wins and the other is told who', async () => {
    const id = await newSession();
    for (let round = 0; round < 3; round++) {
      const [alice, bob] = await Promise.all([terminal(id, 'Alice'), terminal(id, 'Bob')]);
      const [a, b] = await Promise.all([alice.send('sign Tech Lead|a'), bob.send('sign Tech Lead|b')]);
      const winners = [a, b].filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = a.ok ? 'Alice' : 'Bob';
      const loser = a.ok ? b : a;
      expect(loser.refused).toMatch(new RegExp(`^Tech Lead is already signed by ${winner} `));
      // Both terminals show the winner's signature, and so does the store.
      for (const t of [alice, bob]) expect((await t.send('show')).signatures).toEqual([{ role: 'Tech Lead', name: winner }]);
      const { doc } = await storedDoc(facts, schema, id);
      expect(doc.signoff.signatures.map((s: any) => s.name)).toEqual([winner]);
      expect((await (a.ok ? alice : bob).send('revoke Tech Lead')).ok).toBe(true);
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  it('after completion every terminal is refused item changes until someone reopens it', async () => {
    const id = await newSession();
    const [alice, bob] = await Promise.all([terminal(id, 'Alice'), terminal(id, 'Bob')]);
    expect(await alice.send('mark shared-0')).toEqual({ ok: true });
    expect(await alice.send('complete FAILED|only two of us on call tonight')).toEqual({ ok: true });
    const refused = await bob.send('mark shared-1');
    expect(refused.refused).toMatch(new RegExp(`^session ${id} was completed by Alice at \\S+ \\S+ UTC \\(FAILED\\) and is read-only; reopen it on the sign-off screen \\(o\\) to change anything$`));
    expect((await bob.send('sign Tech Lead|b')).refused).toMatch(/read-only/);
    await until(async () => (await bob.send('show')).status === 'completed', 20_000, 'bob to see the completion');
    expect(await bob.send('reopen the rollback is still running')).toEqual({ ok: true });
    expect(await alice.send('mark shared-1')).toEqual({ ok: true });
    const { doc } = await storedDoc(facts, schema, id);
    expect(doc.items['shared-1'].state).toBe('done');
    expect(doc.signoff.history.map((h: any) => [h.action, h.by, h.status ?? h.reason, h.overrideReason])).toEqual([
      ['completed', 'Alice', 'FAILED', 'only two of us on call tonight'],
      ['reopened', 'Bob', 'the rollback is still running', undefined],
    ]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it("another terminal's signature reaches this wizard's sign-off state by itself, named; a refused sign says who won", async () => {
    const id = await newSession();
    const mine = await store.open(id, 'Alice');
    const wizard = createWizardStore({ checklist: smallChecklist(), session: mine, runProbes: async () => [], vars: {}, operator: 'Alice' });
    const bob = await terminal(id, 'Bob');
    try {
      expect(await bob.send('sign Tech Lead|b')).toEqual({ ok: true });
      // Alice's wizard does nothing: the change is pushed to it. How fast (the second) is measured in npm run bench.
      await until(() => wizard.getState().session.signoff.signatures.some((s) => s.name === 'Bob'), 10_000, "Bob's signature in Alice's wizard");
      expect(wizard.getState().notice).toBe('Bob signed Tech Lead');
      expect(await wizard.getState().signRole('Tech Lead', 'alice')).toBe(false);
      expect(wizard.getState().signoff.error).toMatch(/^Tech Lead is already signed by Bob /);
      expect(await wizard.getState().signRole('DevOps Engineer', 'alice')).toBe(true);
      expect(wizard.getState().signoff.notice).toBe('signed DevOps Engineer as Alice');
    } finally {
      wizard.getState().dispose();
      await bob.close();
      await mine.close();
    }
  });

  it('a sign made offline that the others refused meanwhile is not saved: the reason is told, the refusal recorded, the journal keeps it', async () => {
    const id = await newSession();
    const dirA = mkdtempSync(join(tmpdir(), 'dw-signoff-offline-'));
    try {
      // Alice signed Tech Lead while the database was away; her run ended before it came back.
      const journal = journalPath(dirA, id);
      appendPending(journal, dirA, {
        changeId: 'alice-offline-1',
        who: 'Alice',
        at: new Date().toISOString(),
        change: { type: 'signoff.sign', role: 'Tech Lead', signature: 'a', fingerprint: 'f' },
      });
      const bob = await terminal(id, 'Bob');
      expect(await bob.send('sign Tech Lead|b')).toEqual({ ok: true });
      const alice = createPgStore(url, { schema, journalDir: dirA });
      const a = await alice.open(id, 'Alice');
      const told: string[] = [];
      a.onRefused((m) => told.push(m));
      expect(told).toEqual([expect.stringMatching(/^Tech Lead is already signed by Bob /)]);
      expect(a.current().signoff.signatures.map((s) => s.name)).toEqual(['Bob']);
      await until(() => a.pendingCount() === 0, 10_000, 'the refusal to be recorded');
      // Kept for Alice, marked refused (never replayed), and recorded in the session.
      expect(existsSync(journal)).toBe(true);
      expect(a.refusedChanges().map((r) => r.why)).toEqual([expect.stringMatching(/^Tech Lead is already signed by Bob /)]);
      const { doc } = await storedDoc(facts, schema, id);
      expect(doc.signoff.signatures.map((s: any) => s.name)).toEqual(['Bob']);
      expect(doc.events.filter((e: any) => e.what === 'change.refused')).toEqual([
        expect.objectContaining({ who: 'Alice', detail: expect.stringMatching(/^signature for Tech Lead, made .* — refused: Tech Lead is already signed by Bob /) }),
      ]);
      await a.close();
      await alice.end();
      await bob.close();
    } finally {
      rmSync(dirA, { recursive: true, force: true });
    }
  });
});
