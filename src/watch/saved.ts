/**
 * A watch saved in a session (started in the wizard) as the outcome the watch
 * formatters take, so the session report renders it with `formatMarkdown`
 * like `deploy-wizard watch --format md` does. Pure.
 */
import type { Checklist, Criterion } from '../checklist/types.js';
import type { Session, WatchRecord } from '../session/schema.js';
import { sessionRollback, type CriterionVerdict } from '../verdict/rollback.js';
import { criterionState, savedVerdict, STATE_JSON, STATE_ROLLBACK, worstPhase, type WindowVerdict } from './judge.js';
import { figureText } from './format.js';
import type { CriterionWatch, WatchOutcome } from './run.js';
import { clockText } from '../grammar/time-format.js';

/** The outcome of a saved watch; a criterion the checklist no longer has keeps its saved text and annotation. */
export function savedOutcome(record: WatchRecord, checklist: Pick<Checklist, 'criteria'>): { outcome: WatchOutcome; elapsedMs: number } {
  const known = new Map((checklist.criteria ?? []).map((c) => [c.id, c]));
  const watches: CriterionWatch[] = record.criteria.map((c) => {
    const criterion: Criterion = known.get(c.id) ?? { id: c.id, text: c.text, sectionId: '', line: 0, window: {}, probe: { kind: c.kind, raw: c.spec, params: {}, line: 0 } };
    return { criterion, limits: c.limits, measurements: c.measurements, verdict: savedVerdict(c, record.stopped), ...(c.cannot ? { cannot: c.cannot } : {}), ...(c.reference ? { reference: c.reference } : {}) };
  });
  const met = watches.find((w) => w.verdict.phase === 'failed');
  const last = record.stoppedAt ?? record.criteria.flatMap((c) => c.measurements.map((m) => m.finishedAt)).sort().at(-1) ?? record.startedAt;
  return {
    outcome: { watches, phase: met ? 'failed' : worstPhase(watches.map((w) => w.verdict.phase)), met, interrupted: record.stopped === 'operator' },
    elapsedMs: Math.max(0, Date.parse(last) - Date.parse(record.startedAt)),
  };
}

/**
 * The window of the session that decides a criterion: the latest in which it
 * was met (a rollback decision is a record: a later window does not erase it),
 * else the latest that watched it.
 */
function decidingWindows(session: Pick<Session, 'watches'>): { record: WatchRecord; c: WatchRecord['criteria'][number]; verdict: WindowVerdict }[] {
  const out = new Map<string, { record: WatchRecord; c: WatchRecord['criteria'][number]; verdict: WindowVerdict }>();
  for (const record of session.watches ?? []) {
    for (const c of record.criteria) {
      const verdict = savedVerdict(c, record.stopped);
      const before = out.get(c.text);
      if (!before || verdict.phase === 'failed' || before.verdict.phase !== 'failed') out.set(c.text, { record, c, verdict });
    }
  }
  return [...out.values()];
}

/**
 * The rollback criteria as the verdict core judged them from single samples,
 * with the session's watches folded in (one verdict per criterion, from
 * decidingWindows): a criterion met in any window is `triggered` (whatever
 * one sample said), a window that ended without meeting it is `ok` where no
 * sample measured it (a sample that did keeps its verdict, both figures
 * shown), a live window says `running (N/M samples)`; a criterion the core
 * does not list gets its own row. The banner and the report ask this, so
 * they agree.
 */
export function withWatchVerdicts(verdicts: readonly CriterionVerdict[], session: Pick<Session, 'watches'>): CriterionVerdict[] {
  const out = [...verdicts];
  const several = (session.watches?.length ?? 0) > 1;
  for (const { record, c, verdict: saved } of decidingWindows(session)) {
    const latest = c.measurements.at(-1);
    // The figure with its unit (`32 ms` for a latency), as the watch screen shows it.
    const shown = latest && figureText(latest, c.kind);
    const figure = shown !== undefined ? `${shown}, ` : '';
    const which = several ? ` (window started ${clockText(record.startedAt, { seconds: false })} by ${record.by})` : '';
    const progress = `${c.measurements.length}/${c.limits.count} samples`;
    // One vocabulary: a window stopped before its end (x, sign-off) is incomplete, never "within limits".
    const state = criterionState(saved, { cannot: c.cannot, window: record.stopped ? 'stopped' : 'live' });
    const stoppedEarly = record.stopped === 'signoff' ? ', stopped at sign-off' : record.stopped === 'operator' ? ', stopped by the operator' : '';
    const observed =
      state === 'met'
        ? `${figure}${saved.counts.failed} failed > failure_limit ${c.limits.failureLimit}${which}`
        : state === 'cannot-measure'
          ? `${saved.message}${which}`
          : state === 'incomplete' || state === 'running'
            ? `${figure}${state} (${progress}${stoppedEarly})${which}`
            : `${figure}${STATE_JSON[state]} over ${progress}${which}`;
    const verdict: CriterionVerdict['verdict'] = STATE_ROLLBACK[state];
    const i = out.findIndex((x) => x.criterion === c.text);
    if (i < 0) out.push({ criterion: c.text, observed, threshold: `watched: failure_limit ${c.limits.failureLimit}`, verdict, state });
    else if (out[i].verdict === 'unmeasured') out[i] = { ...out[i], observed, verdict, state };
    // Both judged: each figure shown, the criterion met when either says so.
    else out[i] = { ...out[i], observed: `${out[i].observed}; watched: ${observed}`, verdict: verdict === 'triggered' ? verdict : out[i].verdict };
  }
  return out;
}

/**
 * The rollback criteria of a session, decided once: the verdict core's
 * single-sample judgement with the session's watches folded in. The report
 * lists them; the wizard's banner shows the first one met (store/rollback.ts).
 */
export function evaluateRollback(session: Pick<Session, 'items' | 'watches'>, checklist: Pick<Checklist, 'items' | 'criteria'>, previous?: Pick<Session, 'items'>): CriterionVerdict[] {
  return withWatchVerdicts(sessionRollback(session, checklist, previous), session);
}
