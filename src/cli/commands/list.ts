/**
 * `deploy-wizard list [--json]`: every session in the sessions folder, newest
 * first: id, environment, operators, progress, status, last update. Damaged
 * files are shown as `corrupt` rows so one bad file does not hide the rest.
 */
import { basename } from 'node:path';
import type { GlobalOptions } from '../globals.js';
import { openStore, storePlace } from '../../session/select-store.js';
import { displayPath } from '../../session/session-file.js';
import { compactRelative, formatRelative, percentDone, progressFields, progressFigures, statusWord } from '../../session/summary.js';
import { provedFigures } from '../../verdict/items.js';
import type { SessionSummary } from '../../session/store.js';
import { forTerminal } from '../../text/escape.js';
import { fit } from '../../ui/scroll.js';

/** JSON rows: relative and ISO time both, so scripts need not parse "5 min ago". */
export function toJsonRows(rows: SessionSummary[], now: Date = new Date()) {
  return rows.map((r) =>
    r.status === 'corrupt'
      ? { id: r.id, status: r.status, problem: r.problem, file: r.file, updatedAt: r.updatedAt }
      : {
          id: r.id,
          environment: r.environment,
          operators: r.operators,
          ...progressFields(r),
          status: r.status,
          ...(r.outcome ? { outcome: r.outcome } : {}),
          ...(r.overridden ? { overridden: true } : {}),
          updatedAt: r.updatedAt,
          updated: formatRelative(r.updatedAt, now),
        },
  );
}

/**
 * A plain text table (no colour needed: status words carry the meaning).
 * Given a width (stdout's columns on a terminal), rows are fitted to it: the
 * id is never shortened (people copy it); the last update is written short,
 * then the operator and environment are cut. A damaged file is a `corrupt`
 * row; what is wrong with it is said under the table, not in a column.
 */
export function renderTable(rows: SessionSummary[], now: Date = new Date(), width?: number): string {
  const head = ['ID', 'ENV', 'OPERATOR', 'SETTLED', 'STATUS', 'UPDATED'];
  const clean = (cell: string) => forTerminal(cell).replace(/\s*\n\s*/g, ' '); // names come from session files: no escape sequences
  let body = rows.map((r) =>
    (r.status === 'corrupt'
      ? [r.id, '-', '-', '-', 'corrupt', formatRelative(r.updatedAt, now)]
      : // Settled, then of those how many their probes verified (`✓N`) or partly (`~N`); the rest was ticked by hand.
        [r.id, r.environment, r.operators.join(', ') || '-', [`${progressFigures(r)} ${percentDone(r)}%`, provedFigures(r)].filter(Boolean).join(' '), statusWord(r), formatRelative(r.updatedAt, now)]
    ).map(clean),
  );
  const widthsOf = () => head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const sep = 2;
  const total = (w: number[]) => w.reduce((a, b) => a + b, 0) + sep * (w.length - 1);
  let widths = widthsOf();
  if (width && total(widths) > width) {
    body = body.map((row) => row.map((c, i) => (i === 5 ? compactRelative(c) : i === 4 ? c.replace(/ \(override\)$/, '*') : c)));
    widths = widthsOf();
    // Operator, then environment, give up cells (down to 8 and 6) until the row fits.
    for (const [col, min] of [[2, 8], [1, 6]] as const) {
      const over = total(widths) - width;
      if (over <= 0) break;
      widths[col] = Math.max(min, head[col].length, widths[col] - over);
      body = body.map((row) => row.map((c, i) => (i === col ? fit(c, widths[col]) : c)));
    }
  }
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join(' '.repeat(sep))
      .trimEnd();
  const problems = rows
    .filter((r) => r.status === 'corrupt')
    .map((r) => clean(`${r.file ? basename(r.file) : r.id}: ${r.problem ?? 'unreadable'}; kept as it is`));
  const notes = problems.length ? ['', `Could not be read (${problems.length}):`, ...problems.map((p) => `  ${p}`)] : [];
  if (body.some((row) => row[4].endsWith('*'))) notes.push('', '* completed with an override reason (see the report)');
  return [line(head), ...body.map(line), ...notes].join('\n') + '\n';
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
  process.stdout.write(renderTable(rows, new Date(), process.stdout.isTTY ? process.stdout.columns : undefined));
  return 0;
}
