/**
 * `deploy-wizard validate [FILE]`: parse a checklist and check every probe
 * annotation against its kind's schema. Exit 0 with counts, or exit 1 with one
 * `FILE:LINE: message` line per problem. Loads only the parser and the probe
 * schemas (never a probe library).
 */
import { loadChecklist } from '../../checklist/load.js';
import { displayPath } from '../../display-path.js';
import { validateProbe } from '../../probes/registry.js';
import { problemLine, summaryLine } from '../../checklist/summary.js';
import { evidenceStrength } from '../../verdict/items.js';
import type { GlobalOptions } from '../globals.js';

/** `validate [FILE]`: exit 0 with a summary line, 1 with the problems; unusable files throw a UserError (exit 2). */
export async function run(_opts: Record<string, any>, globals: GlobalOptions, args: string[]): Promise<number> {
  const file = args[0] ?? displayPath(globals.checklist);
  const { checklist, problems } = await loadChecklist(file, validateProbe, args[0] ? { argumentOf: 'validate' } : globals.checklistGiven ? 'flag' : 'default');
  if (problems.length) {
    for (const p of problems) process.stdout.write(problemLine(p) + '\n');
    process.stderr.write(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  const strength = checklist.items.map((item) => evidenceStrength(item));
  const evidence = {
    proved: strength.filter((s) => s === 'proved').length,
    partly: strength.filter((s) => s === 'partly').length,
    byHand: strength.filter((s) => s === 'by-hand').length,
    withReason: checklist.items.filter((item, i) => strength[i] !== 'proved' && item.manual !== undefined).length,
  };
  process.stdout.write(summaryLine(file, checklist, evidence) + '\n');
  return 0;
}


