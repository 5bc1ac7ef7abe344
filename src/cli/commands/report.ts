/**
 * `deploy-wizard report ID [--format md|json] [--out FILE]`: the release record
 * of a session, read without locking (a wizard may still have it open).
 * Unknown ids and unreadable files are one line, exit 2.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadChecklist } from '../../checklist/load.js';
import { validateProbe } from '../../probes/registry.js';
import type { Checklist } from '../../checklist/types.js';
import { UserError } from '../../errors.js';
import { createRedactor } from '../../secrets/redactor.js';
import { loadVars } from '../../config/vars.js';
import { writeOutputFile } from '../../report/files.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import type { Session } from '../../session/schema.js';
import { openStore } from '../../session/select-store.js';
import { findPreviousSession } from '../../session/previous.js';
import type { GlobalOptions } from '../globals.js';

/**
 * The checklist to report against: an explicit --checklist, else the one the
 * session names when it is still there, else the default. A hash that differs
 * from the session's is shown in the report header, not refused.
 */
export async function checklistFor(session: Session, globals: GlobalOptions, explicit: boolean): Promise<Checklist> {
  const named = resolve(session.checklist.path);
  const path = !explicit && existsSync(named) ? named : globals.checklist;
  return (await loadChecklist(path, validateProbe, explicit ? 'flag' : 'default')).checklist;
}

export async function run(opts: Record<string, any>, globals: GlobalOptions, args: string[]): Promise<number> {
  const id = args[0];
  if (!id) throw new UserError('deploy-wizard report: give a session id (see deploy-wizard list)');
  const format = opts.format === 'json' ? 'json' : 'md';
  const store = await openStore(globals);
  const [session, previous] = await (async () => {
    const s = await store.read(id);
    return [s, await findPreviousSession(store, s)] as const;
  })().finally(() => store.end?.());
  const checklist = await checklistFor(session, globals, typeof opts.checklist === 'string');
  // Second net: the store redacts on write, but a report must never leak even an older file.
  const vars = await loadVars({ envFile: globals.envFile, config: globals.config, env: process.env });
  const redact = createRedactor(vars);
  const text = format === 'json' ? renderJson(session, checklist, { previous, redact }) : renderMarkdown(session, checklist, { previous, redact });
  if (typeof opts.out === 'string') {
    const out = resolve(opts.out);
    try {
      await writeOutputFile(out, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'I/O error';
      throw new UserError(`deploy-wizard report: cannot write ${opts.out} (${code}); choose another --out FILE`);
    }
    process.stderr.write(`report of session ${session.id} written to ${opts.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
