/**
 * `deploy-wizard verify ID|FILE`: a session (id in the store, or its JSON
 * file), or an exported Markdown or JSON report. Offline: checks every
 * signature and the record's fingerprint against allowed_signers and prints one
 * line per signature. A Markdown report is also rendered again from the record
 * it embeds: a visible line that differs is named. Exit 0 when every required
 * role has a valid key signature, 1 otherwise, 2 for bad input.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { displayPath } from '../../display-path.js';
import { renderReportBody } from '../../report/markdown.js';
import { extractRecord, RecordError } from '../../report/signed-record.js';
import { SessionSchema, type Session } from '../../session/schema.js';
import { DEFAULT_ROLES, signatureStatus, sessionFingerprint, signoffRoles } from '../../session/signoff.js';
import { sessionSigners } from '../../signing/guard.js';
import { loadSigningConfig } from '../../signing/setup.js';
import { verifySession } from '../../signing/verify.js';
import type { AllowedSigners } from '../../signing/allowed-signers.js';
import type { GlobalOptions } from '../globals.js';

const clip = (s: string, n = 60) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);

/** The first visible line that is not the one the record gives, named with the heading it is under. */
function compareLines(visible: string, expected: string): string[] {
  const a = visible.replace(/\n+$/, '').split('\n');
  const b = expected.replace(/\n+$/, '').split('\n');
  const out: string[] = [];
  const n = Math.max(a.length, b.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    count++;
    if (first < 0) first = i;
  }
  if (first < 0) return out;
  let heading = '';
  for (let i = first; i >= 0; i--) {
    if (/^#{1,6} /.test(b[i] ?? '')) {
      heading = b[i].replace(/^#+ /, '');
      break;
    }
  }
  const under = heading ? ` (under "${heading}")` : '';
  // Both lines shown around their first differing character: a long table row is cut where it is the same.
  const from = a[first] !== undefined && b[first] !== undefined ? Math.max(0, firstDifference(a[first], b[first]) - 24) : 0;
  const around = (line: string) => (from > 0 ? `…${line.slice(from)}` : line);
  const what = a[first] === undefined ? `is missing: the record gives ${clip(b[first])}` : b[first] === undefined ? `reads ${clip(a[first])}, which the record does not have` : `reads ${clip(around(a[first]))}, the signed record gives ${clip(around(b[first]))}`;
  out.push(`✗ report line ${first + 1}${under} ${what}${count > 1 ? ` (${count} lines differ in all)` : ''}`);
  return out;
}

interface Input {
  /** Absent: a report with names only (nothing to verify; `problems` says so). */
  session?: Session;
  roles: string[];
  /** Problems found in the report itself (edited lines, fields that disagree with the record). */
  problems: string[];
  what: string;
}

function parseSession(doc: unknown, where: string): Session {
  const r = SessionSchema.safeParse(doc);
  if (!r.success) throw new UserError(`deploy-wizard verify: ${where} is not a session deploy-wizard can read (${r.error.issues[0]?.path.join('.') || 'shape'}: ${r.error.issues[0]?.message}); give a session id, a session JSON, or a report`);
  return r.data;
}

async function readInput(arg: string, globals: GlobalOptions): Promise<Input> {
  const path = resolve(arg);
  if (existsSync(path) && statSync(path).isFile()) {
    const text = readFileSync(path, 'utf8');
    const shown = displayPath(path);
    if (text.trimStart().startsWith('{')) {
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new UserError(`deploy-wizard verify: ${shown} is not valid JSON (truncated?); give a session JSON or a report exported with deploy-wizard report`);
      }
      if ('reportFormat' in doc) {
        const session = parseSession(doc.session, `${shown} (its "session")`);
        const problems: string[] = [];
        if (doc.fingerprint !== sessionFingerprint(session)) problems.push(`✗ ${shown}: "fingerprint" ${clip(String(doc.fingerprint))} is not the fingerprint of the session it holds (${sessionFingerprint(session)})`);
        const sigs = JSON.stringify(doc.signatures);
        if (sigs !== JSON.stringify(signatureStatus(session))) problems.push(`✗ ${shown}: "signatures" differ from the signatures of the session it holds`);
        const roles = (doc.signing as { roles?: unknown } | undefined)?.roles;
        return { session, roles: Array.isArray(roles) && roles.every((r) => typeof r === 'string') ? roles : DEFAULT_ROLES, problems, what: `JSON report ${shown}` };
      }
      const session = parseSession(doc, shown);
      return { session, roles: await rolesFor(session, globals), problems: [], what: `session file ${shown}` };
    }
    let split;
    try {
      split = extractRecord(text);
    } catch (err) {
      if (err instanceof RecordError) throw new UserError(`deploy-wizard verify: ${shown}: ${err.message}; verify the report as it was written (or its session: deploy-wizard verify ID)`);
      throw err;
    }
    if (!split.record) {
      if (/^# Deployment report/m.test(text)) {
        const names = /names, not signatures/.test(text);
        return { roles: [], problems: [names ? `names, not signatures: ${shown} records typed names; no SSH key signed its sign-off, so there is nothing to verify` : `✗ ${shown} embeds no signed record: it was written without SSH-key signatures, or the record was removed`], what: `Markdown report ${shown}` };
      }
      throw new UserError(`deploy-wizard verify: ${shown} is neither a session nor a deploy-wizard report; give a session id, a session JSON, or a report`);
    }
    const rec = split.record;
    const session = parseSession(rec.session, `${shown} (its signed record)`);
    const problems = compareLines(split.visible, renderReportBody(session, rec.checklist, { previous: rec.previous ? parseSession(rec.previous, `${shown} (its previous session)`) : undefined }));
    return { session, roles: signoffRoles(rec.checklist), problems, what: `Markdown report ${shown}` };
  }
  if (existsSync(path)) throw new UserError(`deploy-wizard verify: ${displayPath(path)} is a directory, not a file; give a session id, a session JSON file, or a report (.md or .json)`);
  if (/[/\\]|\.(md|json)$/i.test(arg)) throw new UserError(`deploy-wizard verify: ${arg} does not exist; give a session id (deploy-wizard list) or an existing report or session file`);
  const { openStore } = await import('../../session/select-store.js');
  const store = await openStore(globals);
  const session = await store.read(arg).finally(() => store.end?.());
  return { session, roles: await rolesFor(session, globals), problems: [], what: `session ${arg}` };
}

async function rolesFor(session: Session, globals: GlobalOptions): Promise<string[]> {
  try {
    const { checklistFor } = await import('./report.js');
    return signoffRoles(await checklistFor(session, globals, false));
  } catch {
    return DEFAULT_ROLES;
  }
}

export async function run(_opts: Record<string, unknown>, globals: GlobalOptions, args: string[]): Promise<number> {
  const arg = args[0];
  if (!arg) throw new UserError('deploy-wizard verify: give a session id, a session JSON file, or a report (.md or .json)');
  const input = await readInput(arg, globals);
  const out = (l: string) => process.stdout.write(`${l}\n`);
  const session = input.session;
  if (!session) {
    input.problems.forEach(out);
    return 1;
  }
  // Your repository's allowed_signers (flag, config, next to the checklist) first; else the copy the session carries.
  const cfg = loadSigningConfig({ flag: globals.allowedSigners, configFile: globals.config, checklist: globals.checklist, shown: displayPath });
  let allowed: AllowedSigners | undefined = cfg.file?.allowed;
  let source = cfg.file ? `allowed signers ${cfg.file.path}` : '';
  if (!allowed) {
    const recorded = sessionSigners(session);
    if (typeof recorded === 'string') throw new UserError(`deploy-wizard verify: the allowed_signers the session carries cannot be read (${recorded}); give --allowed-signers FILE`);
    allowed = recorded;
    source = recorded ? `the allowed signers the record carries (from ${recorded.path}); give --allowed-signers FILE to check against your own copy` : 'no allowed_signers';
  }
  out(`verifying ${input.what} against ${source}`);
  input.problems.forEach(out);
  const res = verifySession(session, sessionFingerprint(session), input.roles, allowed);
  res.lines.forEach(out);
  // The last line is the verdict: valid signatures under an edited report are not a verified report.
  if (input.problems.length) out(`✗ not verified: the report ${input.problems.length === 1 ? 'has the problem' : `has the ${input.problems.length} problems`} shown above, whatever its signatures say`);
  return res.ok && input.problems.length === 0 ? 0 : 1;
}

/** Index of the first character where `a` and `b` differ (the shorter length when one starts the other). */
function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
