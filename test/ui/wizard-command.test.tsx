import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { blockRunner } from '../../src/cli/commands/wizard.js';
import type { BlockStep } from '../../src/probes/types.js';
import { ResumePicker, environmentChoices, type PickerChoice } from '../../src/ui/resume-picker.js';
import { App } from '../../src/ui/app.js';
import { KEY, renderUi, type Rendered } from '../helpers/render.js';
import { alive } from '../helpers/processes.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

describe('blockRunner (command blocks, through the probes\' process runner)', () => {
  it('streams stdout and stderr by command, returns the exit code, and sees the variables', async () => {
    const updates: BlockStep[][] = [];
    const r = await blockRunner({ GREETING: 'hello' })('echo "$GREETING"; echo oops >&2; exit 3', { signal: new AbortController().signal, onOutput: () => {}, onSteps: (s) => updates.push(s) });
    expect(r.exitCode).toBe(3);
    expect(r.steps).toHaveLength(1);
    expect(r.steps![0]).toMatchObject({ command: 'echo "hello"; echo oops >&2; exit 3', exitCode: 3, output: 'hello\noops\n', truncated: false });
    // Live: the screen saw the output before the run ended.
    expect(updates.some((u) => u[0]?.output.includes('hello') && u[0].exitCode === null)).toBe(true);
  });

  it('abort kills the whole process group (a background child too) and reports null', async () => {
    const ctl = new AbortController();
    const out: string[] = [];
    const run = blockRunner({})('sleep 30 & echo started; wait', { signal: ctl.signal, onOutput: () => {}, onSteps: (s) => out.push(s.map((x) => x.output).join('')) });
    const until = Date.now() + 10_000;
    while (!out.join('').includes('started') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    expect((await run).exitCode).toBeNull();
  });

  it('abort also ends a grandchild that escaped with setsid and holds the output, without waiting for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-block-'));
    const ctl = new AbortController();
    const out: string[] = [];
    const script = `setsid sh -c 'echo $$ > ${dir}/escaped.pid; exec sleep 60' & trap '' TERM; echo started; wait`;
    const run = blockRunner({})(script, { signal: ctl.signal, onOutput: () => {}, onSteps: (s) => out.push(s.map((x) => x.output).join('')) });
    const until = Date.now() + 10_000;
    while (!(out.join('').includes('started') && existsSync(join(dir, 'escaped.pid'))) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const pid = Number(readFileSync(join(dir, 'escaped.pid'), 'utf8'));
    const t0 = Date.now();
    ctl.abort();
    expect((await run).exitCode).toBeNull();
    // Ended by the abort (after its 500 ms grace), not by the grandchild's 60 s sleep.
    expect(Date.now() - t0).toBeLessThan(20_000);
    const gone = Date.now() + 10_000;
    while (alive(pid) && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });
});

describe('ResumePicker', () => {
  const sessions = [
    { id: 'production-1', environment: 'production', operators: ['alice'], settled: 3, done: 3, proved: 1, partly: 0, byHand: 2, skipped: 0, na: 0, failed: 0, total: 10, status: 'active' as const, updatedAt: new Date(Date.now() - 5 * 60_000).toISOString() },
    { id: 'staging-2', environment: 'staging', operators: ['bob'], settled: 0, done: 0, proved: 0, partly: 0, byHand: 0, skipped: 0, na: 0, failed: 0, total: 10, status: 'active' as const, updatedAt: new Date(Date.now() - 3 * 3600_000).toISOString() },
  ];

  it('says once, above the list, that a session file could not be read', async () => {
    const notice = '1 session file could not be read: sessions/x.json (is empty (0 bytes)); deploy-wizard list shows it';
    ui = await renderUi(<ResumePicker sessions={sessions} notice={notice} defaults={{ environment: 'production', operator: 'carol' }} onChoose={() => {}} onCancel={() => {}} />);
    const f = await ui.waitFor('Start a new session');
    // Said once (wrapped to the frame's width), before the list.
    expect(f.split('could not be read')).toHaveLength(2);
    expect(f.replace(/\s+/g, ' ')).toContain(`! ${notice}`);
    expect(f.indexOf('could not be read')).toBeLessThan(f.indexOf('Unfinished sessions'));
  });

  it('lists env, operator, progress and last update; Enter resumes the highlighted one', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={sessions} defaults={{ environment: 'production', operator: 'carol' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    const f = await ui.waitFor('Start a new session');
    expect(f).toMatch(/production\s+alice\s+3\/10 settled\s+5m ago/);
    expect(f).toMatch(/staging\s+bob\s+0\/10 settled\s+3h ago/);
    await ui.press('j', KEY.enter);
    expect(chosen).toEqual([{ id: 'staging-2' }]);
  });

  it('a row fits 80 columns with a real session id (kept whole) and long names (cut)', async () => {
    const long = [{ ...sessions[0], id: 'production-20261201-0233-3cnu', operators: ['Seed 3cfddde4 maintainers', 'Grace Hopper'], done: 26, proved: 20, byHand: 6, failed: 7, settled: 26, total: 175 }];
    ui = await renderUi(<ResumePicker sessions={long} defaults={{ operator: 'carol' }} onChoose={() => {}} onCancel={() => {}} />);
    const f = await ui.waitFor('Start a new session');
    const row = f.split('\n').find((l) => l.includes('production-20261201-0233-3cnu'))!;
    expect(row.length).toBeLessThanOrEqual(80);
    expect(row).toMatch(/^❯ production Seed 3c…\s+26\/175 settled ✗7\s+5m ago\s+production-20261201-0233-3cnu$/);
  });

  it('without --operator, a chosen session asks who resumes it (its operators or someone else); Esc goes back to the list', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={sessions} askWho defaults={{ operator: 'carol' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    await ui.waitFor('Start a new session');
    await ui.press(KEY.enter);
    let f = await ui.waitFor('Who are you? Session production-1');
    expect(f).toMatch(/❯ alice\s*\n\s*someone else \(type a name\)/);
    // Nothing was chosen under the account's name.
    expect(chosen).toEqual([]);
    await ui.press(KEY.esc);
    await ui.waitFor('Start a new session');
    await ui.press('j', KEY.enter);
    await ui.waitFor('Who are you? Session staging-2');
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor('Your name:');
    await ui.press(...'dora', KEY.enter);
    expect(chosen).toEqual([{ id: 'staging-2', who: 'dora' }]);
  });

  it('"new session" asks for the environment with a select (no default assumed), then the operator, prefilled', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={sessions} defaults={{ operator: 'carol' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    await ui.press(KEY.down, KEY.down, KEY.enter);
    const envs = await ui.waitFor('nothing is assumed');
    // The usual ones in their fixed order (never most recent first), and a way to name another.
    expect(envs).toMatch(/❯ staging\s*\n\s*production\s*\n\s*other \(type a name\)/);
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor(/operator\s+carol/);
    await ui.press(KEY.enter);
    expect(chosen).toEqual([{ start: { environment: 'production', operator: 'carol' } }]);
  });

  it('--env is offered first; "other" takes a typed name; an empty name is not accepted', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={[]} defaults={{ environment: 'canary', operator: 'carol' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    // No unfinished session: straight to the new session's form.
    const envs = await ui.waitFor('nothing is assumed');
    expect(envs).toContain('A new session — which environment is this release for?');
    expect(envs).toMatch(/❯ canary\s*\n\s*staging\s*\n\s*production\s*\n\s*other/);
    await ui.press(KEY.up, KEY.enter); // wraps to "other"
    await ui.waitFor('[environment name]');
    await ui.press(KEY.enter);
    // Refused, with what to do, in one line.
    const refused = await ui.waitFor('✗ type a name for the environment (e.g. eu-prod), or Esc to choose one from the list');
    expect(refused).toContain('[environment name]');
    await ui.press('e');
    await ui.waitFor((f) => !f.includes('✗'));
    await ui.press(KEY.backspace);
    await ui.press(...'eu-west', KEY.enter);
    await ui.waitFor(/operator\s+carol/);
    await ui.press(KEY.enter);
    expect(chosen).toEqual([{ start: { environment: 'eu-west', operator: 'carol' } }]);
  });

  it('one environment order on every route: --env, staging, production, the others of existing sessions alphabetically, other', async () => {
    const existing = [{ ...sessions[0], id: 'eu-1', environment: 'eu/prod 1', updatedAt: new Date().toISOString() }, ...sessions, { ...sessions[1], id: 'c-1', environment: 'canary' }];
    const order = /❯ staging\s*\n\s*production\s*\n\s*canary\s*\n\s*eu\/prod 1\s*\n\s*other \(type a name\)/;
    // The picker's "+ Start a new session" (unfinished sessions listed, most recent first) …
    ui = await renderUi(<ResumePicker sessions={existing} defaults={{ operator: 'c' }} onChoose={() => {}} onCancel={() => {}} />);
    await ui.waitFor('Start a new session');
    await ui.press(KEY.up, KEY.enter);
    expect(await ui.waitFor('nothing is assumed')).toMatch(order);
    ui.unmount();
    // … and `start` / a first run (no unfinished session, the known environments passed along) offer the same list.
    ui = await renderUi(<ResumePicker sessions={[]} environments={existing.map((s) => s.environment)} defaults={{ operator: 'c' }} onChoose={() => {}} onCancel={() => {}} />);
    expect(await ui.waitFor('nothing is assumed')).toMatch(order);
    // Down + Enter picks the same environment on either route.
    expect(environmentChoices(existing.map((s) => s.environment))).toEqual(['staging', 'production', 'canary', 'eu/prod 1']);
    expect(environmentChoices(['canary', 'staging'], 'eu/prod 1')).toEqual(['eu/prod 1', 'staging', 'production', 'canary']);
    expect(environmentChoices([], 'production')).toEqual(['production', 'staging']);
  });

  it('the operator says where its name came from; header and footer fit the stage; a blank operator is refused with what to do', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={[]} defaults={{ operator: 'Seed 3cfddde4 maintainers', operatorFrom: 'git config user.name' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    const envs = await ui.waitFor('nothing is assumed');
    expect(envs).toContain('↑↓ choose');
    await ui.press(KEY.enter);
    const op = await ui.waitFor(/operator\s+Seed 3cfddde4 maintainers/);
    expect(op).toContain('(from git config user.name — type to change)');
    expect(op).toContain('A new session — who runs it? (Enter starts it)');
    expect(op).not.toContain('which environment');
    // The footer names the text field's keys, not a list's.
    expect(op).not.toContain('↑↓');
    expect(op).toMatch(/Enter start.*Ctrl-U clear.*Esc back/);
    await ui.press('\u0015');
    const cleared = await ui.waitFor('[your name]');
    expect(cleared).not.toContain('from git config');
    await ui.press(KEY.enter);
    await ui.waitFor('✗ type your name (as your team knows you): the record carries it');
    expect(chosen).toEqual([]);
    await ui.press(...'ada', KEY.enter);
    expect(chosen).toEqual([{ start: { environment: 'staging', operator: 'ada' } }]);
  });

  it('with no session to resume, q or Esc on the environment question quits (nothing is started)', async () => {
    const calls: string[] = [];
    ui = await renderUi(<ResumePicker sessions={[]} defaults={{ operator: 'c' }} onChoose={(c) => calls.push(JSON.stringify(c))} onCancel={() => calls.push('cancel')} />);
    await ui.waitFor('nothing is assumed');
    await ui.press('q');
    await ui.press(KEY.esc);
    expect(calls).toEqual(['cancel', 'cancel']);
  });

  it('start --env NAME without --operator opens on "who runs it?" with the environment given; Enter confirms the prefilled name', async () => {
    const chosen: PickerChoice[] = [];
    ui = await renderUi(<ResumePicker sessions={[]} confirmOperator defaults={{ environment: 'production', operator: 'carol' }} onChoose={(c) => chosen.push(c)} onCancel={() => {}} />);
    const f = await ui.waitFor('who runs it?');
    expect(f).not.toContain('nothing is assumed');
    await ui.press(KEY.enter);
    expect(chosen).toEqual([{ start: { environment: 'production', operator: 'carol' } }]);
  });

  it('Ctrl-C interrupts, q cancels', async () => {
    const calls: string[] = [];
    ui = await renderUi(<ResumePicker sessions={sessions} defaults={{ environment: 'p', operator: 'c' }} onChoose={() => {}} onCancel={() => calls.push('cancel')} onInterrupt={() => calls.push('interrupt')} />);
    await ui.press(KEY.ctrlC);
    await ui.press('q');
    expect(calls).toEqual(['interrupt', 'cancel']);
  });
});

describe('App routing', () => {
  it('S opens the sign-off screen (loaded lazily) with the checklist roles', async () => {
    const { store, checklist } = makeStore();
    ui = await renderUi(<App checklist={checklist} store={store} />);
    await ui.press('S');
    await ui.waitFor('Tech Lead');
    expect(store.getState().screen).toBe('signoff');
  });

  it('the picker hands the choice to the caller, then shows the wizard of the opened session', async () => {
    const made = makeStore();
    ui = await renderUi(
      <App
        checklist={made.checklist}
        picker={{ sessions: [{ id: 'mem-1', environment: 'production', operators: ['alice'], settled: 0, done: 0, proved: 0, partly: 0, byHand: 0, skipped: 0, na: 0, failed: 0, total: 6, status: 'active', updatedAt: new Date().toISOString() }], defaults: { environment: 'production', operator: 'alice' }, choose: async () => made.store }}
      />,
    );
    await ui.waitFor('Unfinished sessions');
    await ui.press(KEY.enter);
    await ui.waitFor('you are at');
  });

  it('a notice (e.g. reconciliation) shows once and goes at the next key', async () => {
    const { store, checklist } = makeStore({ deps: { notice: 'the checklist changed since this session started: 1 item added, 0 removed' } });
    ui = await renderUi(<App checklist={checklist} store={store} />);
    await ui.waitFor('1 item added, 0 removed');
    await ui.press(KEY.down);
    await ui.waitFor((f) => !f.includes('1 item added'));
  });
});
