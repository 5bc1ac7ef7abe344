/** The checklist made safe to show on a terminal. */
import { forTerminal } from '../text/escape.js';
import type { Checklist } from './types.js';

/**
 * The checklist as the wizard shows it: every text a person reads (titles,
 * item text, guidance, probe annotations as written) through forTerminal.
 * Ids, lines and probe parameters are left alone: probes run as written.
 */
export function forTerminalChecklist(checklist: Checklist): Checklist {
  const guidance = (g: Checklist['sections'][number]['guidance']) => g.map((x) => ({ ...x, text: forTerminal(x.text) }));
  return {
    ...checklist,
    title: forTerminal(checklist.title),
    sections: checklist.sections.map((s) => ({ ...s, title: forTerminal(s.title), path: s.path.map(forTerminal), guidance: guidance(s.guidance) })),
    items: checklist.items.map((i) => ({
      ...i,
      text: forTerminal(i.text),
      guidance: i.guidance && guidance(i.guidance),
      probes: i.probes.map((p) => ({ ...p, raw: forTerminal(p.raw), label: p.label === undefined ? undefined : forTerminal(p.label) })),
    })),
    signoff: { roles: checklist.signoff.roles.map(forTerminal), statuses: checklist.signoff.statuses.map(forTerminal), fields: checklist.signoff.fields.map(forTerminal) },
  };
}
