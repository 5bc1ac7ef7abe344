/**
 * The wizard's watch (src/store/watch-slice.ts) over the real file store and a
 * scripted Prometheus endpoint on loopback: measurements arrive as session
 * changes while the operator walks other sections; a criterion met raises
 * the one rollback banner and tells the webhook once; stop ends it; quitting
 * keeps the window and a second wizard on the same session file continues
 * it on the same interval grid, the slots it missed saved as inconclusive.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Checklist } from '../../src/checklist/types.js';
import { createNotifier } from '../../src/notify/notify.js';
import { notifyingSession } from '../../src/notify/session-events.js';
import { runProbes } from '../../src/probes/runner.js';
import { createRedactor } from '../../src/secrets/redactor.js';
import { createFileStore } from '../../src/session/file-store.js';
import type { OpenSession } from '../../src/session/store.js';
import { createWizardStore, type WizardStore } from '../../src/store/wizard-store.js';
import { watchRows } from '../../src/store/watch-slice.js';
import { verdictWord } from '../../src/watch/format.js';
import { closeFakeProms, fakeProm } from '../helpers/prometheus.js';
import { startWebhook } from '../helpers/webhook.js';
import { tempDir } from '../session/helpers.js';
import { until } from '../team/helpers.js';
import { watchChecklist } from './watch-fixtures.js';

const SECRET = 'hunter2-watch-canary';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await closeFakeProms();
});

async function fileSession(checklist: Checklist) {
  const dir = tempDir('dw-watch-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const files = createFileStore(dir);
  const session = await files.create({ environment: 'production', operator: 'alice', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
  const onDisk = () => JSON.parse(readFileSync(join(dir, `${session.id}.json`), 'utf8'));
  return { files, session, onDisk, raw: () => readFileSync(join(dir, `${session.id}.json`), 'utf8') };
}

function wizard(checklist: Checklist, session: OpenSession, vars: Record<string, string>, now?: () => number, operator = 'alice'): WizardStore {
  const store = createWizardStore({ checklist, session, runProbes, vars: { DB_PASSWORD: SECRET, ...vars }, operator, now });
  cleanups.push(async () => {
    await store.getState().suspendWatch();
    await store.getState().flush();
    store.getState().dispose();
  });
  return store;
}

const latest = (store: WizardStore) => store.getState().session.watches?.at(-1);
const measured = (store: WizardStore) => latest(store)?.criteria[0].measurements.length ?? 0;

/** alice's wizard watches until `n` measurements, then quits (the window saved unfinished) and the session file is closed. */
async function watchedThenClosed(checklist: Checklist, promUrl: string, n: number) {
  const { files, session } = await fileSession(checklist);
  const first = wizard(checklist, session, { PROMETHEUS_URL: promUrl });
  first.getState().startWatch();
  await until(() => measured(first) >= n, 10_000, `${n} measurement(s)`);
  await first.getState().quit();
  await session.close();
  return { files, session };
}

describe('the watch slice', () => {
  it('measures while the operator walks other sections; a criterion met raises the banner, stops the watch and tells the webhook once', async () => {
    const checklist = watchChecklist({ count: 12, failureLimit: 1 });
    const prom = await fakeProm({ error_ratio: [0.01, 0.02, 0.2, 0.3], requests: [500] });
    const hook = await startWebhook(200);
    cleanups.push(() => hook.close());
    const { session, onDisk } = await fileSession(checklist);
    const notifier = createNotifier({ url: hook.url, redact: createRedactor({}) });
    cleanups.push(() => notifier.close(1000));
    const store = wizard(checklist, notifyingSession(session, notifier.notify, checklist), { PROMETHEUS_URL: prom.url });

    expect(store.getState().banner).toBeUndefined();
    store.getState().startWatch();
    expect(store.getState().watching).toBe(true);
    await until(() => measured(store) >= 1, 10_000, 'a first measurement');
    // Walking elsewhere does not stop it: it lives in the store.
    store.getState().moveSection(1);
    store.getState().showOverview();
    store.getState().openSection(checklist.items[0].sectionId);
    await until(() => !store.getState().watching, 10_000, 'the watch to stop on the criterion met');
    await store.getState().flush();

    const record = latest(store)!;
    expect(record.stopped).toBe('met');
    expect(record.criteria[0].measurements.map((m) => m.phase)).toEqual(['successful', 'successful', 'failed', 'failed']);
    expect(record.criteria[0].measurements.map((m) => m.value)).toEqual([0.01, 0.02, 0.2, 0.3]);
    expect(store.getState().banner?.criterion).toBe('Error rate exceeds 5% of requests: 0.3, 2 failed > failure_limit 1');
    expect(store.getState().banner?.sectionId).toBe(checklist.sections.find((s) => s.title === 'Rollback Procedures')!.id);
    const [row] = watchRows(store.getState().session, checklist);
    expect(row).toMatchObject({ done: 4, count: 12, missed: 0, threshold: { value: 0.05, sense: 'max' }, series: [0.01, 0.02, 0.2, 0.3] });
    expect(row.verdict.phase).toBe('failed');
    // Saved: one change per measurement, on disk.
    expect(onDisk().watches[0].criteria[0].measurements).toHaveLength(4);
    expect(onDisk().watches[0].stopped).toBe('met');
    // Nothing more is asked once it is met.
    const calls = prom.calls.filter((c) => c.query === 'error_ratio').length;
    await new Promise((r) => setTimeout(r, 500));
    expect(prom.calls.filter((c) => c.query === 'error_ratio')).toHaveLength(calls);
    await until(() => hook.bodies.length >= 1, 10_000, 'the notification');
    await notifier.close(2000);
    const met = hook.bodies.filter((b) => b.includes('rollback criterion met'));
    expect(met).toHaveLength(1);
    expect(JSON.parse(met[0]).text).toMatch(/rollback criterion met in production: Error rate exceeds 5% of requests — 2 failed measurements > failure_limit 1/);
  });

  it('x stops it for good: recorded as stopped by the operator, nothing measured after, no banner from a healthy series', async () => {
    const checklist = watchChecklist({ count: 50 });
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const { session, onDisk } = await fileSession(checklist);
    const store = wizard(checklist, session, { PROMETHEUS_URL: prom.url });
    store.getState().startWatch();
    await until(() => measured(store) >= 2, 10_000, 'two measurements');
    await store.getState().stopWatch();
    await store.getState().flush();
    expect(store.getState().watching).toBe(false);
    const n = measured(store);
    await new Promise((r) => setTimeout(r, 500));
    expect(measured(store)).toBe(n);
    expect(latest(store)!.stopped).toBe('operator');
    expect(onDisk().watches[0].stopped).toBe('operator');
    expect(store.getState().banner).toBeUndefined();
    expect(watchRows(store.getState().session, checklist)[0].verdict.phase).toBe('running');
    // A checklist without criteria says so in one line.
    const none = wizard({ ...checklist, criteria: [] }, (await fileSession(checklist)).session, {});
    none.getState().startWatch();
    expect(none.getState().error).toMatch(/^no rollback criteria to watch in this checklist: annotate one with <!-- watch: KIND/);
  });

  it('after a met window the banner stays, and s asks before a new window: n leaves things as they are, y starts it and the banner still stays', async () => {
    const checklist = watchChecklist({ count: 12, failureLimit: 0 });
    const prom = await fakeProm({ error_ratio: [0.2, 0.01], requests: [500] });
    const { session } = await fileSession(checklist);
    const store = wizard(checklist, session, { PROMETHEUS_URL: prom.url });
    store.getState().startWatch();
    await until(() => !store.getState().watching, 10_000, 'the criterion met');
    await store.getState().flush();
    const met = latest(store)!;
    expect(met.stopped).toBe('met');
    expect(store.getState().banner?.criterion).toMatch(/Error rate exceeds 5% of requests/);
    // The "watching" line went: how the window ended is said instead, until the next key.
    expect(store.getState().notice).toBe('watch ended: MET: Error rate exceeds 5% of requests');
    const hhmm = (met.stoppedAt ?? met.startedAt).slice(11, 16);

    store.getState().startWatch();
    expect(store.getState().watchQuestion).toBe(`A criterion was met at ${hhmm} UTC. Start a new window? y/n`);
    expect(store.getState().session.watches).toHaveLength(1);
    store.getState().answerWatch(false);
    expect(store.getState().watchQuestion).toBeUndefined();
    expect(store.getState().session.watches).toHaveLength(1);

    store.getState().startWatch();
    store.getState().answerWatch(true);
    expect(store.getState().watching).toBe(true);
    expect(store.getState().session.watches).toHaveLength(2);
    await until(() => measured(store) >= 1, 10_000, 'a measurement of the new window');
    // The rollback decision is a record: a new, healthy window does not clear the banner.
    expect(store.getState().banner?.criterion).toMatch(/Error rate exceeds 5% of requests/);
    await store.getState().stopWatch();
  });

  it('s when no criterion can be measured (a variable unset) says why for each, in one line, and starts nothing', async () => {
    const checklist = watchChecklist({ count: 5 });
    const { session } = await fileSession(checklist);
    const store = wizard(checklist, session, {});
    store.getState().startWatch();
    expect(store.getState().error).toBe('nothing to watch: "Error rate exceeds 5% of requests" cannot be measured: PROMETHEUS_URL unset (environment, --env-file or --config)');
    expect(store.getState().watching).toBe(false);
    expect(store.getState().session.watches ?? []).toEqual([]);
  });

  it('saves no secret: a summary that carried one is masked in the measurements on disk', async () => {
    const checklist = watchChecklist({ count: 50, query: `leak_${'${DB_PASSWORD}'}`, inconclusiveLimit: 5 });
    const prom = await fakeProm({ requests: [500] });
    const { session, raw } = await fileSession(checklist);
    const store = wizard(checklist, session, { PROMETHEUS_URL: prom.url });
    store.getState().startWatch();
    await until(() => measured(store) >= 2, 10_000, 'two measurements');
    await store.getState().stopWatch();
    await store.getState().flush();
    // The endpoint echoed the query (with the password) in its error; the runner masked it.
    expect(prom.calls.some((c) => c.query.includes(SECRET))).toBe(true);
    expect(latest(store)!.criteria[0].measurements[0].phase).toBe('error');
    expect(raw()).not.toContain(SECRET);
  });
});

describe('a completed session', () => {
  it('ends the watch with it: no refused change each interval, the measurements so far stay, resume does not restart it', async () => {
    const checklist = watchChecklist({ count: 50, interval: '100ms' });
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const { session } = await fileSession(checklist);
    const store = wizard(checklist, session, { PROMETHEUS_URL: prom.url });
    store.getState().startWatch();
    await until(() => measured(store) >= 2, 10_000, 'two measurements');
    expect(await store.getState().completeSignoff({ status: 'FAILED', notes: '', nextSteps: '', overrideReason: 'rolled back by hand' })).toBe(true);
    await until(() => !store.getState().watching, 10_000, 'the watch to end with the session');
    await store.getState().flush();
    expect(store.getState().error).toBeUndefined();
    expect(store.getState().session.status).toBe('completed');
    expect(measured(store)).toBeGreaterThanOrEqual(2);
    store.getState().resumeWatch();
    expect(store.getState().watching).toBe(false);
    // The open window was closed by the completion: incomplete over what it measured, never a pass.
    const record = latest(store)!;
    expect(record.stopped).toBe('signoff');
    expect(store.getState().session.events.filter((e) => e.what === 'watch.stop').map((e) => e.detail)).toEqual([`signoff (window started ${record.startedAt} by alice)`]);
    const [row] = watchRows(store.getState().session, checklist);
    expect(row.verdict.phase).toBe('running');
    expect(verdictWord(row.verdict.phase, 'stopped')).toBe('INCOMPLETE');
  });
});

describe('x asks before stopping', () => {
  it('x sets a y/n question naming how far the window got; n keeps measuring, y stops it (incomplete, recorded)', async () => {
    const checklist = watchChecklist({ count: 50, interval: '100ms' });
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const { session } = await fileSession(checklist);
    const store = wizard(checklist, session, { PROMETHEUS_URL: prom.url });
    store.getState().startWatch();
    await until(() => measured(store) >= 1, 10_000, 'a measurement');
    store.getState().askStopWatch();
    expect(store.getState().watchQuestion).toMatch(/^Stop the watch\? The window ends incomplete \(\d+\/50 samples\) and resume will not continue it\. y\/n$/);
    expect(store.getState().watching).toBe(true);
    store.getState().answerWatch(false);
    expect(store.getState().watchQuestion).toBeUndefined();
    const before = measured(store);
    await until(() => measured(store) > before, 10_000, 'measuring on after n');
    store.getState().askStopWatch();
    store.getState().answerWatch(true);
    await until(() => !store.getState().watching, 10_000, 'the watch to stop');
    await store.getState().flush();
    expect(latest(store)!.stopped).toBe('operator');
    const [row] = watchRows(store.getState().session, checklist);
    expect(verdictWord(row.verdict.phase, 'stopped')).toBe('INCOMPLETE');
  });
});

describe('resume continues the window', () => {
  it('a second wizard on the same session file keeps the measurements, saves the slots missed while closed as inconclusive and measures the rest on the same grid', async () => {
    const checklist = watchChecklist({ interval: '200ms', count: 10, failureLimit: 1, inconclusiveLimit: 9 });
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const { files, session, onDisk } = await fileSession(checklist);
    const first = wizard(checklist, session, { PROMETHEUS_URL: prom.url });
    first.getState().startWatch();
    await until(() => measured(first) >= 2, 10_000, 'two measurements');
    await first.getState().quit();
    const before = latest(first)!;
    expect(before.stopped).toBeUndefined();
    const kept = before.criteria[0].measurements;
    await session.close();
    const t0 = Date.parse(before.startedAt);

    // Reopened "1 s later" on the store's clock: at least 4 slots passed unmeasured.
    const later = () => Date.now() + 1000;
    const reopened = await files.open(session.id, 'alice');
    const second = wizard(checklist, reopened, { PROMETHEUS_URL: prom.url }, later);
    expect(second.getState().watching).toBe(true);
    await until(() => !second.getState().watching, 15_000, 'the window to end');
    await second.getState().flush();

    const record = latest(second)!;
    const ms = record.criteria[0].measurements;
    expect(record.startedAt).toBe(before.startedAt);
    expect(record.stopped).toBe('ended');
    expect(ms).toHaveLength(10);
    expect(ms.slice(0, kept.length)).toEqual(kept);
    const missed = ms.filter((m) => m.missed);
    expect(missed.length).toBeGreaterThanOrEqual(4);
    expect(missed.every((m) => m.phase === 'inconclusive' && m.value === undefined)).toBe(true);
    // The missed slots sit on the grid right after the kept ones; the measured ones after them keep the grid too.
    missed.forEach((m, k) => expect(Date.parse(m.startedAt)).toBe(t0 + (kept.length + k) * 200));
    // Each starts no earlier than its own slot (a schedule restarted from the reopening would start between
    // slots), one after another; how late after its slot depends on the scheduler and is not asserted.
    const measuredAt = ms.slice(kept.length + missed.length).map((m) => Date.parse(m.startedAt));
    measuredAt.forEach((at, k) => expect(at).toBeGreaterThanOrEqual(t0 + (kept.length + missed.length + k) * 200 - 5));
    expect([...measuredAt].sort((a, b) => a - b)).toEqual(measuredAt);
    expect(new Set(measuredAt).size).toBe(measuredAt.length);
    // Missed slots verified nothing: they are counted as inconclusive, never as passes.
    const [row] = watchRows(second.getState().session, checklist);
    expect(row.missed).toBe(missed.length);
    expect(row.verdict.counts.inconclusive).toBe(missed.length);
    expect(row.verdict.counts.successful).toBe(10 - missed.length);
    expect(onDisk().watches[0].criteria[0].measurements).toHaveLength(10);
  });

  it('missed slots over inconclusive_limit end the window inconclusive at resume: nothing more is measured', async () => {
    const checklist = watchChecklist({ interval: '200ms', count: 10, failureLimit: 1, inconclusiveLimit: 0 });
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const { files, session } = await watchedThenClosed(checklist, prom.url, 2);
    const queries = prom.calls.length;
    const reopened = await files.open(session.id, 'alice');
    const second = wizard(checklist, reopened, { PROMETHEUS_URL: prom.url }, () => Date.now() + 1000);
    await second.getState().flush();
    const record = latest(second)!;
    expect(second.getState().watching).toBe(false);
    expect(record.stopped).toBe('ended');
    const [row] = watchRows(second.getState().session, checklist);
    expect(row.verdict.phase).toBe('inconclusive');
    expect(row.verdict.message).toMatch(new RegExp(`^${row.missed} measurements? without a verdict \\(inconclusive or error\\) > inconclusive_limit 0`));
    await new Promise((r) => setTimeout(r, 300));
    expect(prom.calls.length).toBe(queries);
  });

  it('another operator resuming the session continues the window (file mode: the lock means one wizard), and the session says who continued it', async () => {
    const checklist = watchChecklist({ count: 50, interval: '200ms', inconclusiveLimit: 49 });
    const prom = await fakeProm({ error_ratio: [0.01], requests: [500] });
    const { files, session } = await watchedThenClosed(checklist, prom.url, 1);
    const reopened = await files.open(session.id, 'grace');
    const grace = wizard(checklist, reopened, { PROMETHEUS_URL: prom.url }, undefined, 'grace');
    expect(grace.getState().watching).toBe(true);
    const n = measured(grace);
    await until(() => measured(grace) >= n + 2, 10_000, 'two measurements by grace');
    const record = latest(grace)!;
    expect(record.by).toBe('alice');
    expect(record.continuedBy).toEqual(['grace']);
    expect(record.stopped).toBeUndefined();
    expect(grace.getState().session.events.filter((e) => e.what === 'watch.continue').map((e) => e.who)).toEqual(['grace']);
    // What grace's wizard measured is real samples, never "the wizard was closed".
    expect(record.criteria[0].measurements.slice(n).every((m) => !m.missed && m.phase === 'successful')).toBe(true);
    // s while it runs here: one line, no second window.
    grace.getState().startWatch();
    expect(grace.getState().error).toBe('a watch is running already (x stops it)');
    expect(grace.getState().session.watches).toHaveLength(1);
  });
});
