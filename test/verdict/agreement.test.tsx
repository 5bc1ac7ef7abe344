/**
 * One rule in one place, seen from the outside: the wizard's banner, the
 * report and `check` give the same rollback verdict for the same results; the
 * wizard, the resume picker, `list --json` and the report give the same counts
 * for the same session (the numbers that used to disagree: "26/175 ✗7" in the
 * wizard against "33/175" in `list`).
 */
import React from 'react';
import { describe, expect, it } from 'vitest';
import { jobsFor } from '../../src/cli/commands/check.js';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import { renderTable, toJsonRows } from '../../src/cli/commands/list.js';
import type { CheckEntry } from '../../src/report/check-output.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { formatJson, formatText, summarize } from '../../src/report/check-output.js';
import { buildRecord } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { createFileStore } from '../../src/session/file-store.js';
import { summarize as teamSummarize } from '../../src/session/pg-doc.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { Overview } from '../../src/ui/overview.js';
import { ResumePicker } from '../../src/ui/resume-picker.js';
import { SignoffScreen } from '../../src/ui/signoff/signoff-screen.js';
import { rollbackLimits, triggeredLines, type CriterionVerdict } from '../../src/verdict/rollback.js';
import { renderUi } from '../helpers/render.js';
import { tempDir } from '../session/helpers.js';
import { buildChecklist } from '../ui/fixtures.js';
import { makeStore, scriptedRunner, type Script } from '../ui/store-helpers.js';

const monitoring = 'post-deployment/monitoring';

/** Two error-rate checks (the second worse), a 5xx count that is not a rate, and a baseline. */
function rollbackChecklist() {
  return buildChecklist([
    { title: 'Post-Deployment', depth: 1 },
    {
      title: 'Monitoring',
      items: [
        { text: 'Error rates within limits', probes: [{ kind: 'prometheus', raw: 'prometheus query="q1" max=0.05' }] },
        { text: 'Error rates monitored', probes: [{ kind: 'prometheus', raw: 'prometheus query="q2" max=0.05 name="error rate"' }] },
        { text: '5xx responses per second', probes: [{ kind: 'prometheus', raw: `prometheus query='sum(rate(x{status=~"5.."}[5m]))' max=20` }] },
        { text: 'Response times within acceptable limits', probes: [{ kind: 'baseline', raw: 'baseline url=x' }] },
      ],
    },
    { title: 'Rollback Procedures', depth: 1, guidance: [{ kind: 'text', text: 'Roll back.' }] },
  ]);
}

const metricsByItem: Record<string, Record<string, number>> = {
  [`${monitoring}/error-rates-within-limits`]: { value: 0.061 },
  [`${monitoring}/error-rates-monitored`]: { value: 0.093 },
  [`${monitoring}/5xx-responses-per-second`]: { value: 12 },
  [`${monitoring}/response-times-within-acceptable-limits`]: { increase_pct: 63, p50_ms: 163, baseline_ms: 100 },
};
const script: Script = (job) => {
  const metrics = metricsByItem[job.itemId ?? ''];
  return { status: job.spec.kind === 'baseline' || (metrics.value ?? 0) > 0.05 ? 'fail' : 'pass', metrics };
};

const met = (v: CriterionVerdict[]) => triggeredLines(v);

describe('rollback verdict: banner, report and check agree', () => {
  it('the worst error rate of an error-rate check and the baseline increase, the same words everywhere', async () => {
    const checklist = rollbackChecklist();
    // The wizard: run the section's probes; the banner is the first criterion met.
    const { store, session } = makeStore({ checklist, script });
    store.getState().openSection(monitoring);
    await store.getState().runSectionProbes();
    await store.getState().flush();
    const banner = store.getState().banner?.criterion;

    // The report, from the session the wizard wrote.
    const record = buildRecord(session.current(), checklist);
    const markdown = renderMarkdown(session.current(), checklist);

    // `check`: the same jobs the command builds, run by the same script, formatted as the command does.
    const { jobs, context } = jobsFor(checklist, checklist.sections);
    const results = await scriptedRunner(script).run(jobs, {} as never);
    const entries: CheckEntry[] = jobs.map((job, i) => ({ result: results[i], ...context.get(job)! }));
    const checkDoc = JSON.parse(formatJson(entries, summarize(results, 5)));
    const checkText = formatText(entries, summarize(results, 5));

    const expected = ['Error rate exceeds 5% of requests: 9.3% (Error rates monitored)', 'Response time increases by more than 50%: +63% (+63 ms) (Response times within acceptable limits)'];
    expect(met(record.rollback)).toEqual(expected);
    expect(met(checkDoc.rollback)).toEqual(expected);
    expect(checkDoc.rollback).toEqual(record.rollback);
    expect(banner).toBe(expected[0]);
    for (const line of expected) expect(checkText).toContain(`ROLLBACK CRITERION MET: ${line}`);
    expect(markdown).toContain('| Error rate exceeds 5% of requests | 9.3% (Error rates monitored) | &gt; 5% | 🔴 **rollback criterion met** |');
    // The 5xx count (12 per second) is not a fraction of requests: nobody reads it as 1200%.
    expect(JSON.stringify([record.rollback, checkDoc.rollback, banner])).not.toMatch(/1200|5xx responses/);
  });

  it('within limits: no banner, and the report and check say ok for both measured criteria', async () => {
    const checklist = rollbackChecklist();
    const calm: Script = (job) => ({ status: 'pass', metrics: job.spec.kind === 'baseline' ? { increase_pct: 10 } : { value: 0.01 } } as Partial<ProbeResult>);
    const { store, session } = makeStore({ checklist, script: calm });
    store.getState().openSection(monitoring);
    await store.getState().runSectionProbes();
    const { jobs, context } = jobsFor(checklist, checklist.sections);
    const results = await scriptedRunner(calm).run(jobs, {} as never);
    const checkDoc = JSON.parse(formatJson(jobs.map((job, i) => ({ result: results[i], ...context.get(job)! })), summarize(results, 5)));
    const report = buildRecord(session.current(), checklist).rollback;
    expect(store.getState().banner).toBeUndefined();
    expect(report.slice(0, 2).map((v) => v.verdict)).toEqual(['ok', 'ok']);
    expect(checkDoc.rollback).toEqual(report);
  });
  it('without a stored baseline, banner and report both judge the response time against the previous session', async () => {
    const checklist = buildChecklist([
      { title: 'Post-Deployment', depth: 1 },
      { title: 'Monitoring', items: [{ text: 'Health endpoint fast', probes: [{ kind: 'http', raw: 'http url=x' }] }] },
      { title: 'Rollback Procedures', depth: 1, guidance: [{ kind: 'text', text: 'Roll back.' }] },
    ]);
    const id = `${monitoring}/health-endpoint-fast`;
    const before = makeStore({ checklist, script: () => ({ status: 'pass', metrics: { latency_ms: 40 } }) });
    before.store.getState().openSection(monitoring);
    await before.store.getState().runItemProbes();
    const previous = { ...before.session.current(), id: 'previous', createdAt: '2026-11-20T10:00:00.000Z', status: 'completed' as const };
    const { store, session } = makeStore({ checklist, script: () => ({ status: 'pass', metrics: { latency_ms: 70 } }), deps: { previousSession: async () => previous } });
    store.getState().openSection(monitoring);
    await store.getState().runItemProbes();
    await store.getState().flush();
    const expected = 'Response time increases by more than 50%: +75% (+30 ms) (Health endpoint fast)';
    expect(store.getState().banner?.criterion).toBe(expected);
    expect(met(buildRecord(session.current(), checklist, { previous }).rollback)).toEqual([expected]);
    expect(session.current().items[id].probes[0].metrics).toEqual({ latency_ms: 70 });
  });
});

/**
 * A checklist whose watch criteria set their own thresholds (10 % errors, +80 %
 * response time): the single-sample verdict reads the same limits `watch` does.
 */
function strictChecklist() {
  const { checklist, problems } = parseChecklist(
    `# Post-Deployment
## Monitoring
- [ ] Error rates monitored
  <!-- probe: prometheus url=http://127.0.0.1:1 query="q" max=0.10 name="error rate" -->
- [ ] Response times within acceptable limits
  <!-- probe: baseline url=http://127.0.0.1:1/health/ -->
# Rollback Procedures
## Rollback Decision Criteria
- Error rate exceeds 10% of requests
  <!-- watch: prometheus url=http://127.0.0.1:1 query="q" max=0.10 name="error rate" interval=1s count=3 -->
- Response time increases by more than 80%
  <!-- watch: baseline url=http://127.0.0.1:1/health/ max_increase_pct=80 interval=1s count=3 -->
`,
    'strict.md',
    validateProbe,
  );
  expect(problems).toEqual([]);
  return checklist;
}

/** The three readers of one run: the wizard's banner, the report (JSON record and Markdown) and `check` (JSON and text). */
async function threeReaders(checklist: ReturnType<typeof strictChecklist>, script: Script) {
  const { store, session } = makeStore({ checklist, script });
  store.getState().openSection(monitoring);
  await store.getState().runSectionProbes();
  await store.getState().flush();
  const { jobs, context } = jobsFor(checklist, checklist.sections);
  const results = await scriptedRunner(script).run(jobs, {} as never);
  const entries: CheckEntry[] = jobs.map((job, i) => ({ result: results[i], ...context.get(job)! }));
  const limits = rollbackLimits(checklist);
  return {
    banner: store.getState().banner?.criterion,
    record: buildRecord(session.current(), checklist).rollback,
    markdown: renderMarkdown(session.current(), checklist),
    check: JSON.parse(formatJson(entries, summarize(results, 5), limits)).rollback as CriterionVerdict[],
    checkText: formatText(entries, summarize(results, 5), false, limits),
  };
}

describe('rollback thresholds come from the checklist\'s watch criteria, for all three readers', () => {
  const figures = (rate: number, increase: number): Script => (job) =>
    (job.spec.kind === 'baseline' ? { status: 'pass', metrics: { increase_pct: increase, p50_ms: 100 + increase, baseline_ms: 100 } } : { status: 'pass', metrics: { value: rate } }) as Partial<ProbeResult>;

  it('9.3 % errors and +63 %: met under the defaults (above), within the checklist\'s 10 % and +80 %', async () => {
    const checklist = strictChecklist();
    expect(rollbackLimits(checklist)).toEqual({
      errorRate: { criterion: 'Error rate exceeds 10% of requests', max: 0.1 },
      latency: { criterion: 'Response time increases by more than 80%', maxIncreasePct: 80, minIncreaseMs: 25 },
    });
    const r = await threeReaders(checklist, figures(0.093, 63));
    expect(r.banner).toBeUndefined();
    expect(r.record.slice(0, 2)).toEqual([
      { criterion: 'Error rate exceeds 10% of requests', observed: '9.3% (Error rates monitored)', threshold: '> 10%', verdict: 'ok' },
      { criterion: 'Response time increases by more than 80%', observed: '+63% (+63 ms) (Response times within acceptable limits)', threshold: '> +80% and > +25 ms', verdict: 'ok' },
    ]);
    expect(r.check).toEqual(r.record);
    expect(r.checkText).not.toContain('ROLLBACK CRITERION MET');
    expect(r.markdown).toContain('| Error rate exceeds 10% of requests | 9.3% (Error rates monitored) | &gt; 10% | ');
    expect(r.markdown).not.toContain('rollback criterion met');
  });

  it('12 % errors and +85 %: the checklist\'s criteria are met, named and bounded as the checklist says', async () => {
    const r = await threeReaders(strictChecklist(), figures(0.12, 85));
    const expected = ['Error rate exceeds 10% of requests: 12% (Error rates monitored)', 'Response time increases by more than 80%: +85% (+85 ms) (Response times within acceptable limits)'];
    expect(r.banner).toBe(expected[0]);
    expect(met(r.record)).toEqual(expected);
    expect(r.check).toEqual(r.record);
    for (const line of expected) expect(r.checkText).toContain(`ROLLBACK CRITERION MET: ${line}`);
    expect(r.markdown).toContain('| Error rate exceeds 10% of requests | 12% (Error rates monitored) | &gt; 10% | 🔴 **rollback criterion met** |');
  });

  it('exactly at the limit is within it (strictly above meets it, as the probes judge); no figure stays unmeasured, never ok', async () => {
    const at = await threeReaders(strictChecklist(), figures(0.1, 80));
    expect(at.record.slice(0, 2).map((v) => v.verdict)).toEqual(['ok', 'ok']);
    expect(at.check).toEqual(at.record);
    const none = await threeReaders(strictChecklist(), () => ({ status: 'inconclusive', reason: 'no-data', summary: 'no series' }));
    expect(none.banner).toBeUndefined();
    expect(none.record.slice(0, 2)).toEqual([
      { criterion: 'Error rate exceeds 10% of requests', observed: 'not measured', threshold: '> 10%', verdict: 'unmeasured' },
      { criterion: 'Response time increases by more than 80%', observed: 'not measured', threshold: '> +80% and > +25 ms', verdict: 'unmeasured' },
    ]);
    expect(none.check).toEqual(none.record);
  });
});

describe('counts: wizard, picker, list --json and the report agree', () => {
  it('a failed item is counted apart, never as progress, by every reader of the same session file', async () => {
    const checklist = buildChecklist([
      { title: 'Deploy', depth: 1 },
      { title: 'Database', items: ['Backups verified', 'Migrations reviewed', { text: 'Health endpoint responding', probes: [{ kind: 'http', raw: 'http url=x' }] }] },
      { title: 'Monitoring', items: ['Alerts configured', 'Dashboards ready', 'Logs shipped', 'On-call paged'] },
    ]);
    const dir = tempDir('dw-agree-');
    const files = createFileStore(dir);
    const open = await files.create({ environment: 'production', operator: 'alice', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
    const runner = scriptedRunner(() => ({ status: 'fail', summary: 'GET /health/ 503' }));
    const store = createWizardStore({ checklist, session: open, runProbes: runner.run, vars: {}, operator: 'alice' });
    const s = store.getState();
    s.openSection('deploy/database');
    // Each mark moves the cursor on to the next item.
    await s.mark('done'); // Backups verified
    await store.getState().mark('failed'); // Migrations reviewed
    await store.getState().runItemProbes(); // Health endpoint: the probe fails the item
    store.getState().openSection('deploy/monitoring');
    await store.getState().mark('na');
    await store.getState().skip('owned by the SRE team');
    await store.getState().flush();
    const doc = open.current();
    expect(Object.values(doc.items).map((r) => r.state).sort()).toEqual(['done', 'failed', 'failed', 'na', 'pending', 'pending', 'skipped']);

    // Settled: 1 done + 1 skipped + 1 n/a; the failed two apart.
    const want = { settled: 3, done: 1, proved: 0, partly: 0, byHand: 1, skipped: 1, na: 1, failed: 2, total: 7 };
    // The wizard's overview header.
    const ui = await renderUi(<Overview store={store} checklist={checklist} />);
    expect(ui.frame()).toMatch(/— production — 3\/7 settled ✗2 \(1 by hand · 1 skipped · 1 n\/a\)/);
    ui.unmount();
    // The sign-off screen's header.
    const signoff = await renderUi(<SignoffScreen store={store} checklist={checklist} />);
    expect(signoff.frame()).toMatch(/^you are alice · names, not signatures · 0\/1 roles signed · 3\/7 settled ✗2 \(1 by hand · 1 skipped · /m);
    signoff.unmount();
    // The resume picker, from the store's list.
    const rows = await files.list();
    const picker = await renderUi(<ResumePicker sessions={rows} defaults={{ environment: 'production', operator: 'alice' }} onChoose={() => {}} onCancel={() => {}} now={new Date(doc.updatedAt)} />);
    expect(picker.frame()).toMatch(/3\/7 settled ✗2\s+just now/);
    picker.unmount();
    // `list` and `list --json`, and the team store's summary of the same document.
    expect(renderTable(rows, new Date(doc.updatedAt))).toMatch(/SETTLED[^\n]+\n\S+\s+production\s+alice\s+3\/7 ✗2 42%/);
    expect(toJsonRows(rows)[0]).toMatchObject({ ...want, percent: 42 });
    expect(teamSummarize(doc)).toMatchObject(want);
    // The report.
    expect(buildRecord(doc, checklist).summary.progress).toEqual(want);
    expect(buildRecord(doc, checklist).summary.total).toMatchObject({ done: 1, failed: 2, na: 1, skipped: 1, pending: 2, total: 7 });
    await open.close();
  });

  it('1 done + 1 skipped is 2 settled of which 1 done, in the wizard, picker, list, list --json, team summary and report alike', async () => {
    const checklist = buildChecklist([
      { title: 'Deploy', depth: 1 },
      { title: 'Database', items: ['Backups verified', 'Migrations reviewed', 'Indexes built'] },
    ]);
    const dir = tempDir('dw-agree-');
    const files = createFileStore(dir);
    const open = await files.create({ environment: 'production', operator: 'alice', checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) } });
    const store = createWizardStore({ checklist, session: open, runProbes: scriptedRunner(() => ({ status: 'pass' })).run, vars: {}, operator: 'alice' });
    store.getState().openSection('deploy/database');
    await store.getState().mark('done');
    store.getState().moveItem(1);
    await store.getState().skip('owned by the DBA');
    await store.getState().flush();
    const doc = open.current();
    const want = { settled: 2, done: 1, proved: 0, partly: 0, byHand: 1, skipped: 1, na: 0, failed: 0, total: 3 };
    const ui = await renderUi(<Overview store={store} checklist={checklist} />);
    expect(ui.frame()).toMatch(/— production — 2\/3 settled \(1 by hand · 1 skipped\)/);
    expect(ui.frame()).not.toMatch(/2\/3 done/);
    ui.unmount();
    const rows = await files.list();
    const picker = await renderUi(<ResumePicker sessions={rows} defaults={{ environment: 'production', operator: 'alice' }} onChoose={() => {}} onCancel={() => {}} now={new Date(doc.updatedAt)} />);
    expect(picker.frame()).toMatch(/2\/3 settled\s+just now/);
    picker.unmount();
    expect(renderTable(rows, new Date(doc.updatedAt))).toMatch(/SETTLED[^\n]+\n\S+\s+production\s+alice\s+2\/3 66%/);
    expect(toJsonRows(rows)[0]).toMatchObject({ ...want, percent: 66 });
    expect(teamSummarize(doc)).toMatchObject(want);
    const record = buildRecord(doc, checklist);
    expect(record.summary.progress).toEqual(want);
    expect(record.summary.total).toMatchObject({ done: 1, skipped: 1 });
    expect(renderMarkdown(doc, checklist)).toMatch(/\| \*\*All\*\* \| \*\*1\*\* \| \*\*0\*\* \| \*\*0\*\* \| \*\*1\*\* \|/);
    await open.close();
  });
});
