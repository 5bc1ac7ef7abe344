/**
 * The release record as JSON: the whole (redacted) session plus what the
 * Markdown report computes, so a machine reads the same verdicts a person does.
 */
import type { Checklist } from '../checklist/types.js';
import { createRedactor, redactDeep } from '../secrets/redactor.js';
import type { Session } from '../session/schema.js';
import { completionGuard, sessionFingerprint, signatureStatus, signoffRoles } from '../session/signoff.js';
import { embedsRecord } from './signed-record.js';
import { memoRedactor, type ReportOptions } from './markdown.js';
import { blockVerdict } from '../verdict/command-run.js';
import { evaluateRollback, needsAttention, responseTimes, summarizeSections } from './model.js';

/** 2: `summary.progress.done` is done or verified only; what was done + skipped + n/a is `settled`. */
const REPORT_FORMAT_VERSION = 2;

/** The report object (see renderJson for the text). */
export function buildRecord(session: Session, checklist: Checklist, opts: ReportOptions = {}) {
  const fingerprint = sessionFingerprint(session);
  const signatures = signatureStatus(session);
  const redact = memoRedactor(opts.redact ?? createRedactor(opts.vars ?? {}));
  const s = redactDeep(session, redact);
  const prev = opts.previous ? redactDeep(opts.previous, redact) : undefined;
  const guard = s.signoff.status ? completionGuard(s, checklist, s.signoff.status, s.signoff.override?.reason) : undefined;
  return {
    reportFormat: REPORT_FORMAT_VERSION,
    fingerprint,
    checklist: {
      path: s.checklist.path,
      title: checklist.title || s.checklist.title,
      sessionHash: s.checklist.hash,
      currentHash: checklist.hash,
      changedSinceStart: checklist.hash !== s.checklist.hash,
    },
    summary: summarizeSections(s, checklist),
    attention: needsAttention(s, checklist),
    rollback: evaluateRollback(s, checklist, prev),
    responseTimes: responseTimes(s, checklist, prev),
    previousSessionId: prev?.id,
    guard,
    commands: commandRuns(s),
    signatures: redactDeep(signatures, redact),
    /** Roles the sign-off needs (what `deploy-wizard verify` requires a valid key signature for) and whether keys signed at all. */
    signing: { roles: signoffRoles(checklist), keys: embedsRecord(session), allowedSigners: s.signing?.source },
    session: s,
  };
}

/**
 * Each command block run, under its step (section): who, when, kube context,
 * the verdict (its first failure) and each command with its exit status.
 * Runs recorded before steps were kept give their event's first line only.
 */
function commandRuns(s: Session) {
  return s.events
    .filter((e) => e.what === 'command.run')
    .map((e) => {
      if (!e.run) return { at: e.at, by: e.who, result: (e.detail ?? '').split('\n')[0] };
      const v = blockVerdict(e.run.exitCode, e.run.steps);
      const { steps, ...run } = e.run;
      return {
        at: e.at,
        by: e.who,
        ...run,
        failed: e.run.failed ?? (v.failed ? v.why : undefined),
        result: e.run.failed ?? v.why,
        steps: steps.map((st) => ({ command: st.command, exitCode: st.exitCode, durationMs: st.durationMs, truncated: st.truncated })),
      };
    });
}

/** Pretty JSON of the whole record, newline-terminated. */
export function renderJson(session: Session, checklist: Checklist, opts: ReportOptions = {}): string {
  return JSON.stringify(buildRecord(session, checklist, opts), null, 2) + '\n';
}
