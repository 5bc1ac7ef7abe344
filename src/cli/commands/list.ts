/**
 * `deploy-wizard list [--json]`: every session in the sessions folder, newest
 * first: id, environment, operators, progress, status, last update. Damaged
 * files are shown as `corrupt` rows so one bad file does not hide the rest.
 */
import type { GlobalOptions } from '../globals.js';
import { openStore, storePlace } from '../../session/select-store.js';
import { displayPath } from '../../session/session-file.js';
import { formatRelative, percentDone, progressText } from '../../session/summary.js';
import type { SessionSummary } from '../../session/store.js';
import { forTerminal } from '../../report/escape.js';

/** JSON rows: relative and ISO time both, so scripts need not parse "5 min ago". */
export function toJsonRows(rows: SessionSummary[], now: Date = new Date()) {
  return rows.map((r) =>
    r.status === 'corrupt'
      ? { id: r.id, status: r.status, problem: r.problem, file: r.file, updatedAt: r.updatedAt }
      : {
          id: r.id,
          environment: r.environment,
          operators: r.operators,
          done: r.done,
          failed: r.failed,
          total: r.total,
          percent: percentDone(r),
          status: r.status,
          updatedAt: r.updatedAt,
          updated: formatRelative(r.updatedAt, now),
        },
  );
}

/** A plain text table (no colour needed: status words carry the meaning). */
export function renderTable(rows: SessionSummary[], now: Date = new Date()): string {
  const head = ['ID', 'ENV', 'OPERATOR', 'PROGRESS', 'STATUS', 'UPDATED'];
  const body = rows.map((r) =>
    (r.status === 'corrupt'
      ? [r.id, '-', '-', '-', 'corrupt', `${formatRelative(r.updatedAt, now)} (${r.problem ?? 'unreadable'})`]
      : [r.id, r.environment, r.operators.join(', ') || '-', `${progressText(r)} ${percentDone(r)}%`, r.status, formatRelative(r.updatedAt, now)]
    ).map((cell) => forTerminal(cell).replace(/\s*\n\s*/g, ' ')), // names come from session files: no escape sequences
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n') + '\n';
}

export async function run(opts: Record<string, any>, globals: GlobalOptions, _args: string[]): Promise<number> {
  const store = await openStore(globals);
  const rows = await store.list().finally(() => store.end?.());
  if (opts.json) {
    process.stdout.write(JSON.stringify(toJsonRows(rows), null, 2) + '\n');
    return 0;
  }
  if (!rows.length) {
    const shown = displayPath(globals.sessionsDir);
    process.stdout.write(`No sessions in ${storePlace(globals, /^[./]/.test(shown) ? shown : `./${shown}`)}.\n`);
    return 0;
  }
  process.stdout.write(renderTable(rows));
  return 0;
}
