import { describe, expect, it } from 'vitest';
import { makeStore } from './store-helpers.js';

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;

describe('wizard store: navigation', () => {
  it('starts a new session on the overview at the first walkable section', () => {
    const { store } = makeStore();
    expect(store.getState().screen).toBe('overview');
    expect(store.getState().cursor).toEqual({ sectionId: db, itemId: `${db}/backups-verified` });
  });

  it('saves every cursor move as a cursor change, and a resumed store opens on that item', async () => {
    const { store, session } = makeStore();
    store.getState().openSection(db);
    store.getState().moveItem(1);
    await store.getState().flush();
    expect(session.changes.at(-1)).toEqual({ type: 'cursor', sectionId: db, itemId: health });
    const again = makeStore({ session: { cursor: session.current().cursor } }).store;
    expect(again.getState().screen).toBe('section');
    expect(again.getState().cursor.itemId).toBe(health);
  });

  it('clamps item moves and walks sections in document order, skipping empty headings', () => {
    const { store } = makeStore();
    store.getState().openSection('pre-deployment'); // heading with nothing of its own
    expect(store.getState().cursor.sectionId).toBe(db);
    store.getState().moveItem(-5);
    expect(store.getState().cursor.itemId).toBe(`${db}/backups-verified`);
    store.getState().moveItem(99);
    expect(store.getState().cursor.itemId).toBe(`${db}/migrations-reviewed`);
    store.getState().moveSection(1);
    expect(store.getState().cursor.sectionId).toBe('pre-deployment/monitoring');
    store.getState().moveSection(-1);
    expect(store.getState().cursor).toEqual({ sectionId: db, itemId: `${db}/backups-verified` });
  });

  it('help returns to the screen it was opened from', () => {
    const { store } = makeStore();
    store.getState().openSection(db);
    store.getState().openScreen('help');
    expect(store.getState().screen).toBe('help');
    store.getState().closeScreen();
    expect(store.getState().screen).toBe('section');
  });
});

describe('wizard store: marking', () => {
  it('mark, skip (reason required), note and undo each go to the session at once', async () => {
    const { store, session } = makeStore();
    store.getState().openSection(db);
    await store.getState().mark('done');
    expect(session.current().items[`${db}/backups-verified`].state).toBe('done');
    // A mark moves the cursor to the next item, as one reads a paper checklist; back to the first one.
    expect(store.getState().cursor.itemId).toBe(health);
    store.getState().moveItem(-1);
    store.getState().openScreen('skip-reason');
    await store.getState().skip('   ');
    expect(store.getState().error).toMatch(/reason is required/);
    expect(session.current().items[`${db}/backups-verified`].state).toBe('done');
    await store.getState().skip('owned by the DBA team');
    expect(session.current().items[`${db}/backups-verified`]).toMatchObject({ state: 'skipped', reason: 'owned by the DBA team' });
    expect(store.getState().screen).toBe('section');
    store.getState().moveItem(-1);
    await store.getState().note('checked with Bob');
    expect(session.current().items[`${db}/backups-verified`].note).toBe('checked with Bob');
    await store.getState().mark('pending');
    expect(session.current().items[`${db}/backups-verified`].state).toBe('pending');
    expect(session.changes.map((c) => c.type)).toEqual(expect.arrayContaining(['item.state', 'item.note']));
  });
});

describe('wizard store: probes', () => {
  it('a passing probe marks its item verified and records the result', async () => {
    const { store, session, runner } = makeStore();
    store.getState().openSection(db, health);
    await store.getState().runItemProbes();
    await store.getState().flush();
    expect(runner.calls[0]).toHaveLength(1);
    expect(session.current().items[health].state).toBe('verified');
    expect(session.current().items[health].probes[0].status).toBe('pass');
    expect(store.getState().results).toHaveLength(1);
    expect(store.getState().lastRun).toMatchObject({ counts: { passed: 1, failed: 0 }, cancelled: false });
    expect(store.getState().running).toEqual({});
  });

  it('a failing probe marks failed; the operator marking done over it is recorded as an override', async () => {
    const { store, session } = makeStore({ script: () => ({ status: 'fail', summary: 'HTTP 503' }) });
    store.getState().openSection(db, health);
    await store.getState().runItemProbes();
    await store.getState().flush();
    expect(session.current().items[health].state).toBe('failed');
    // Marking a failed item done asks why first (issue 14.7): the reason form opens, nothing changes yet.
    await store.getState().mark('done');
    expect(store.getState().screen).toBe('skip-reason');
    expect(session.current().items[health].state).toBe('failed');
    await store.getState().skip('fixed by hand');
    expect(session.current().items[health]).toMatchObject({ state: 'done', override: true });
  });

  it('Esc cancels: running probes are aborted through one controller and item states stay', async () => {
    const { store, session } = makeStore({ script: () => 'hang' });
    store.getState().openSection(db, health);
    const run = store.getState().runItemProbes();
    // Poll for the probe to be running rather than sleeping a guess.
    const until = Date.now() + 10_000;
    while (Object.keys(store.getState().running).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(Object.keys(store.getState().running)).toHaveLength(1);
    store.getState().cancelProbes();
    await run;
    expect(store.getState().lastRun?.cancelled).toBe(true);
    expect(session.current().items[health].state).toBe('pending');
  });

  it('section probes run every probe of the section', async () => {
    const { store, runner } = makeStore();
    store.getState().openSection('pre-deployment/monitoring');
    await store.getState().runSectionProbes();
    expect(runner.calls[0].map((j) => j.spec.kind)).toEqual(['prometheus', 'baseline']);
  });

  it('an error rate above 5% raises the rollback banner; R jumps to Rollback Procedures', async () => {
    const { store } = makeStore({ script: (job) => (job.spec.kind === 'prometheus' ? { status: 'fail', metrics: { value: 0.072 } } : { status: 'pass' }) });
    store.getState().openSection('pre-deployment/monitoring');
    await store.getState().runSectionProbes();
    expect(store.getState().banner?.criterion).toMatch(/Error rate exceeds 5%.*7\.2%/);
    store.getState().jumpToRollback();
    expect(store.getState().cursor.sectionId).toBe('rollback-procedures');
  });
});

describe('wizard store: commands and incidents', () => {
  const sessionsOut: { n: number; text: string }[] = [];

  it('runs a command block only after its first word is typed; output redacted and saved', async () => {
    const ran: string[] = [];
    const { store, session } = makeStore({
      deps: {
        runCommand: async (script, { onOutput }) => {
          ran.push(script);
          onOutput('password=hunter2secret ok\n');
          return { exitCode: 0 };
        },
      },
    });
    store.getState().openSection('rollback-procedures/immediate-rollback-steps');
    store.getState().openScreen('command-confirm');
    await store.getState().runCommandBlock('yes');
    expect(ran).toHaveLength(0);
    expect(store.getState().error).toMatch(/type "echo"/);
    await store.getState().runCommandBlock('echo');
    expect(ran).toHaveLength(1);
    const change = session.changes.find((c) => c.type === 'command.run');
    expect(change).toMatchObject({ type: 'command.run', exitCode: 0 });
    expect(JSON.stringify(session.current())).not.toContain('hunter2secret');
    expect(store.getState().command?.output).toContain('password=*** ok');
  });

  it('--dry-run shows what would run and runs nothing', async () => {
    let ran = 0;
    const { store, session } = makeStore({ deps: { dryRun: true, runCommand: async () => ((ran += 1), { exitCode: 0 }) } });
    store.getState().openSection('rollback-procedures/immediate-rollback-steps');
    store.getState().openScreen('command-confirm');
    await store.getState().runCommandBlock('echo');
    expect(ran).toBe(0);
    expect(store.getState().command?.wouldRun).toContain('echo rolling back');
    expect(session.changes.some((c) => c.type === 'command.run')).toBe(false);
  });

  it('the emergency form fills the template, writes incident n and logs an incident change', async () => {
    const { store, session } = makeStore({
      deps: {
        writeIncident: async (n, text) => {
          sessionsOut.push({ n, text });
          return `/tmp/s/mem-1-incident-${n}.md`;
        },
        incidentPath: (n) => `/tmp/s/mem-1-incident-${n}.md`,
      },
    });
    store.getState().openScreen('emergency');
    await store.getState().saveEmergency({ status: 'INVESTIGATING', severity: 'HIGH', impact: 'calls drop', eta: '30 min', actions: 'rolling back' });
    expect(sessionsOut[0].n).toBe(1);
    expect(sessionsOut[0].text).toContain('Status: INVESTIGATING');
    expect(sessionsOut[0].text).toContain('Impact: calls drop');
    expect(session.current().incidents[0]).toMatchObject({ severity: 'HIGH', file: '/tmp/s/mem-1-incident-1.md' });
    expect(store.getState().screen).toBe('overview');
  });

  it('quit flushes and asks to exit; interrupt cancels probes and asks for 130', async () => {
    const { store } = makeStore({ script: () => 'hang' });
    store.getState().openSection(db, health);
    const run = store.getState().runItemProbes();
    await store.getState().interrupt();
    await run;
    expect(store.getState().exit).toBe('interrupt');
    expect(store.getState().lastRun?.cancelled).toBe(true);
  });

  it('interrupt resolves only once the cancelled run is saved, and the cancel keeps the earlier evidence', async () => {
    let hang = false;
    const { store, session } = makeStore({ script: () => (hang ? 'hang' : { status: 'pass', summary: 'HTTP 200' }) });
    store.getState().openSection(db, health);
    await store.getState().runItemProbes();
    hang = true;
    void store.getState().runItemProbes();
    // Interrupted while the probe runs (polled for, not a guessed sleep).
    const until = Date.now() + 10_000;
    while (Object.keys(store.getState().running).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(Object.keys(store.getState().running)).toHaveLength(1);
    await store.getState().interrupt();
    // Read right after interrupt, as the CLI does before it closes the session.
    const doc = session.current();
    expect(doc.events.filter((e) => e.what === 'probe.result').map((e) => e.detail)).toEqual(['http pass: HTTP 200', 'http skipped: cancelled']);
    expect(doc.items[health].probes).toMatchObject([{ status: 'pass', summary: 'HTTP 200' }]);
    expect(doc.items[health].state).toBe('verified');
  });
});


describe('wizard store: team mode connection', () => {
  it('keeps an offline line while the team store is away (whatever is pressed) and says when it is back', async () => {
    const { createWizardStore } = await import('../../src/store/wizard-store.js');
    const { createMemorySession, newSessionDoc } = await import('../helpers/memory-session.js');
    const { sampleChecklist } = await import('./fixtures.js');
    const checklist = sampleChecklist();
    const listeners = new Set<(s: 'online' | 'offline') => void>();
    // A session that reports its connection like the PostgreSQL store does.
    const session = Object.assign(createMemorySession(newSessionDoc(checklist)), {
      onConnectionChange(cb: (s: 'online' | 'offline') => void) {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    });
    const store = createWizardStore({ checklist, session, runProbes: async () => [], vars: {}, operator: 'ada' });
    for (const l of listeners) l('offline');
    expect(store.getState().team).toMatchObject({ offline: true, here: ['ada'] });
    // The offline line is state, not a notice: changing something while offline does not clear it.
    await store.getState().mark('done');
    expect(store.getState().team).toMatchObject({ offline: true });
    for (const l of listeners) l('online');
    expect(store.getState().team).toMatchObject({ offline: false });
    expect(store.getState().notice).toBe('team store back online: changes synchronised');
    store.getState().dispose();
    expect(listeners.size).toBe(0);
  });
});
