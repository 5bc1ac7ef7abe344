/**
 * The sign-off screen through ink-testing-library, driven by the wizard's own
 * store over an in-memory session (no disk) — plus one run with the real
 * report writer on a temporary folder.
 */
import React from 'react';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignoffScreen, type SignoffStoreLike } from '../../src/ui/signoff/signoff-screen.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { createMemorySession, type MemorySession } from '../helpers/memory-session.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { writeReport } from '../../src/report/files.js';
import { applyAll, emptySession, smallChecklist } from '../report/fixtures.js';
import type { Session } from '../../src/session/schema.js';
import type { Change } from '../../src/session/changes.js';

const KEY = { enter: '\r', tab: '\t', shiftTab: '\u001b[Z', right: '\u001b[C', left: '\u001b[D', ctrlD: '\u0004', backspace: '\u007f', esc: '\u001b' };
const NOW = Date.parse('2026-11-26T12:00:00.000Z');

function setup(session: Session, writer?: (s: Session) => Promise<string>) {
  const checklist = smallChecklist();
  const mem = createMemorySession(session, 'Ada Lovelace', () => NOW);
  const store = createWizardStore({ checklist, session: mem, runProbes: async () => [], vars: {}, operator: 'Ada Lovelace' });
  store.getState().openScreen('signoff');
  // The wizard store satisfies the screen's contract (checked by the compiler here).
  const like: SignoffStoreLike = store;
  const writes: Session[] = [];
  const writeReportFn =
    writer ??
    (async (s: Session) => {
      writes.push(s);
      return `/srv/sessions/${s.id}.md`;
    });
  const ui = render(<SignoffScreen store={like} checklist={checklist} writeReport={writeReportFn} now={() => NOW} />);
  return { ui, store, mem, writes };
}

const tick = () => new Promise((r) => setTimeout(r, 15));

async function press(ui: ReturnType<typeof render>, ...keys: string[]) {
  for (const k of keys) {
    ui.stdin.write(k);
    await tick();
  }
}

async function waitFor(ui: ReturnType<typeof render>, text: string, ms = 5000) {
  const until = Date.now() + ms;
  while (!ui.lastFrame()?.includes(text)) {
    if (Date.now() > until) throw new Error(`frame never showed "${text}":\n${ui.lastFrame()}`);
    await tick();
  }
}

/** Fill name and signature for each role, in order. */
async function signAll(ui: ReturnType<typeof render>, people: Array<[string, string]>) {
  for (const [name, sig] of people) await press(ui, name, KEY.enter, sig, KEY.enter);
}

const FOUR: Array<[string, string]> = [
  ['Ada Lovelace', 'ada'],
  ['Grace Hopper', 'gh'],
  ['Alan Turing', 'at'],
  ['Barbara Liskov', 'bl'],
];

function allDone(): Session {
  return applyAll(emptySession(), smallChecklist().items.map((i) => ({ type: 'item.state' as const, itemId: i.id, state: 'done' as const })));
}

const signoffChanges = (mem: MemorySession) => mem.changes.filter((c): c is Extract<Change, { type: `signoff.${string}` }> => c.type.startsWith('signoff.'));

afterEach(() => vi.restoreAllMocks());

describe('SignoffScreen', () => {
  it('shows one row per role of the checklist, the status choices and every key', () => {
    const { ui } = setup(emptySession());
    const f = ui.lastFrame()!;
    for (const role of ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner']) expect(f).toContain(role);
    expect(f).toContain('( ) SUCCESS');
    expect(f).toContain('( ) ROLLED BACK');
    expect(f).toContain('Enter adds a line · Tab/Ctrl-D next');
    expect(f).toContain('Esc back');
    ui.unmount();
  });

  it('signs all four roles, records FAILED with multi-line notes, writes the report and says where', async () => {
    const session = applyAll(emptySession(), [{ type: 'item.state', itemId: 'db-backup', state: 'failed' }]);
    const { ui, store, mem, writes } = setup(session);
    await signAll(ui, FOUR);
    await waitFor(ui, '2026-11-26');
    await press(ui, KEY.right, KEY.right); // FAILED
    await waitFor(ui, '(•) FAILED');
    await press(ui, KEY.enter);
    await press(ui, 'Backup job failed', KEY.enter, 'Rolled forward later', KEY.ctrlD);
    await press(ui, 'Fix cron', KEY.tab);
    await press(ui, KEY.enter);
    await waitFor(ui, 'Report written to /srv/sessions/prod-20261126-0900.md');

    const changes = signoffChanges(mem);
    const fp = sessionFingerprint(session);
    expect(changes.filter((c) => c.type === 'signoff.sign')).toEqual(
      FOUR.map(([name, signature], i) => ({ type: 'signoff.sign', role: ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'][i], name, signature, fingerprint: fp })),
    );
    expect(changes.at(-1)).toEqual({ type: 'signoff.complete', status: 'FAILED', notes: 'Backup job failed\nRolled forward later', nextSteps: 'Fix cron', overrideReason: undefined });
    expect(writes).toHaveLength(1);
    expect(writes[0].signoff.status).toBe('FAILED');
    expect(writes[0].status).toBe('completed');
    await waitFor(ui, '✓ Sign-off recorded: FAILED');
    expect(ui.lastFrame()!.match(/✓$/gm)?.length).toBe(4);

    await press(ui, KEY.enter);
    await vi.waitFor(() => expect(store.getState().exit).toBe('quit'), { timeout: 5000 });
    ui.unmount();
  });

  it('asks for an override reason when SUCCESS is blocked, and records it', async () => {
    const { ui, mem } = setup(emptySession());
    await signAll(ui, FOUR.slice(0, 1));
    // Skip the three unsigned rows to the status field.
    await press(ui, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.right);
    await waitFor(ui, '(•) SUCCESS');
    await waitFor(ui, 'SUCCESS is blocked by the Final Checklist');
    await waitFor(ui, '6 items are still pending');
    // Try to finish without a reason: refused, focus lands on the reason.
    await press(ui, KEY.enter, KEY.tab, KEY.tab, KEY.tab, KEY.enter);
    await waitFor(ui, 'SUCCESS is blocked: type an override reason');
    expect(signoffChanges(mem)).toEqual([]);
    await press(ui, 'hotfix | verified by hand', KEY.enter, KEY.tab, KEY.tab, KEY.enter);
    await waitFor(ui, 'Report written to');
    expect(signoffChanges(mem).at(-1)).toMatchObject({ type: 'signoff.complete', status: 'SUCCESS', overrideReason: 'hotfix | verified by hand' });
    ui.unmount();
  });

  it('does not ask for an override when every item is settled', async () => {
    const { ui, mem } = setup(allDone());
    await signAll(ui, FOUR);
    await press(ui, KEY.right);
    await waitFor(ui, '(•) SUCCESS');
    expect(ui.lastFrame()).not.toContain('Override reason');
    await press(ui, KEY.enter, KEY.tab, KEY.tab, KEY.enter);
    await waitFor(ui, 'Report written to');
    expect(signoffChanges(mem).at(-1)).toMatchObject({ status: 'SUCCESS', overrideReason: undefined });
    ui.unmount();
  });

  it('allows ROLLED BACK with everything pending, without an override', async () => {
    const { ui, mem } = setup(emptySession());
    await press(ui, ...Array(8).fill(KEY.tab), KEY.left);
    await waitFor(ui, '(•) ROLLED BACK');
    expect(ui.lastFrame()).not.toContain('is blocked');
    await press(ui, KEY.enter, KEY.tab, KEY.tab, KEY.enter);
    await waitFor(ui, 'Sign-off recorded: ROLLED BACK');
    expect(signoffChanges(mem)).toEqual([{ type: 'signoff.complete', status: 'ROLLED BACK', notes: '', nextSteps: '', overrideReason: undefined }]);
    ui.unmount();
  });

  it('refuses a name without a signature, naming the role', async () => {
    const { ui, mem } = setup(allDone());
    await press(ui, 'Ada', KEY.enter, KEY.enter, ...Array(6).fill(KEY.tab), KEY.right, KEY.enter, KEY.tab, KEY.tab, KEY.enter);
    await waitFor(ui, 'Tech Lead: type a signature (or clear the name)');
    expect(signoffChanges(mem)).toEqual([]);
    ui.unmount();
  });

  it('marks a stored signature "changed after signing" once signed content changed, and ✓ otherwise', () => {
    let s = allDone();
    const fp = sessionFingerprint(s);
    s = applyAll(s, [
      { type: 'signoff.sign', role: 'Tech Lead', name: 'Ada', signature: 'ada', fingerprint: fp },
      { type: 'cursor', sectionId: 'post' },
      { type: 'signoff.sign', role: 'DevOps Engineer', name: 'Grace', signature: 'gh', fingerprint: 'stale' },
    ], 50);
    const { ui } = setup(s);
    const lines = ui.lastFrame()!.split('\n');
    expect(lines.find((l) => l.includes('Tech Lead'))).toMatch(/Ada.*ada.*2026-11-26.*✓/);
    expect(lines.find((l) => l.includes('DevOps Engineer'))).toContain('changed after signing');
    ui.unmount();
  });

  it('writes the real report next to the session with the chosen status and notes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-signoff-'));
    const checklist = smallChecklist();
    const { ui } = setup(allDone(), (s) => writeReport(dir, s, checklist));
    await signAll(ui, FOUR);
    await press(ui, KEY.right, KEY.right, KEY.enter, 'All | good <b>', KEY.tab, 'Retro on Friday', KEY.tab, KEY.enter);
    const file = join(dir, 'prod-20261126-0900.md');
    await waitFor(ui, `Report written to ${file}`);
    const md = readFileSync(file, 'utf8');
    expect(md).toContain('**Deployment Status**: FAILED');
    expect(md).toContain('All \\| good &lt;b&gt;');
    expect(md).toContain('Retro on Friday');
    expect(md).toMatch(/\| Product Owner \| Barbara Liskov \| bl \| 2026-11-26 \d\d:\d\d UTC \| ✓ valid \|/);
    ui.unmount();
  });
});
