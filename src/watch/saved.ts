/**
 * A watch saved in a session (started in the wizard) as the outcome the watch
 * formatters take, so the session report renders it with `formatMarkdown`
 * like `deploy-wizard watch --format md` does. Pure.
 */
import type { Checklist, Criterion } from '../checklist/types.js';
import type { WatchRecord } from '../session/schema.js';
import { savedVerdict, worstPhase } from './judge.js';
import type { CriterionWatch, WatchOutcome } from './run.js';

/** The outcome of a saved watch; a criterion the checklist no longer has keeps its saved text and annotation. */
export function savedOutcome(record: WatchRecord, checklist: Pick<Checklist, 'criteria'>): { outcome: WatchOutcome; elapsedMs: number } {
  const known = new Map((checklist.criteria ?? []).map((c) => [c.id, c]));
  const watches: CriterionWatch[] = record.criteria.map((c) => {
    const criterion: Criterion = known.get(c.id) ?? { id: c.id, text: c.text, sectionId: '', line: 0, window: {}, probe: { kind: c.kind, raw: c.spec, params: {}, line: 0 } };
    return { criterion, limits: c.limits, measurements: c.measurements, verdict: savedVerdict(c, record.stopped) };
  });
  const met = watches.find((w) => w.verdict.phase === 'failed');
  const last = record.stoppedAt ?? record.criteria.flatMap((c) => c.measurements.map((m) => m.finishedAt)).sort().at(-1) ?? record.startedAt;
  return {
    outcome: { watches, phase: met ? 'failed' : worstPhase(watches.map((w) => w.verdict.phase)), met, interrupted: record.stopped === 'operator' },
    elapsedMs: Math.max(0, Date.parse(last) - Date.parse(record.startedAt)),
  };
}
