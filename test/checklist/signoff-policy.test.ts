/** The Sign-off section may say which roles one person can combine and which need someone independent. */
import { describe, expect, it } from 'vitest';
import { parseChecklist as parseWith } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';

const parseChecklist = (text: string, file: string) => parseWith(text, file, validateProbe);
import { signoffPolicy } from '../../src/session/signoff.js';
import { SIGNOFF_FOUR_ROLES } from '../helpers/checklists.js';

const DOC = (comment: string) => `# R

- [ ] one

${SIGNOFF_FOUR_ROLES}

${comment}

**Deployment Status**: [ ] SUCCESS [ ] FAILED
`;

const STATUSES = ['SUCCESS', 'FAILED'];

describe('signoff annotation', () => {
  it('reads combinable groups and independent roles into the policy', () => {
    const { checklist, problems } = parseChecklist(DOC('<!-- signoff: combine="DevOps Engineer + Security Officer" independent="Product Owner" -->'), 'r.md');
    expect(problems).toEqual([]);
    expect(signoffPolicy(checklist)).toEqual({
      roles: ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'],
      combinable: [['DevOps Engineer', 'Security Officer']],
      independent: ['Product Owner'],
      statuses: STATUSES,
    });
  });

  it('reports an unknown role or key with its line', () => {
    const { problems } = parseChecklist(DOC('<!-- signoff: combine="Tech Lead + CTO" quorum=2 -->'), 'r.md');
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '14: signoff annotation names "CTO", which is not a role of the Sign-off table above (Tech Lead, DevOps Engineer, Security Officer, Product Owner)',
      '14: signoff annotation: "quorum=2" is not understood; use combine="Role A + Role B", independent="Role" or signatures=required',
    ]);
  });

  it('leaves the shipped policy alone when there is no annotation: every role a different person', () => {
    const { checklist } = parseChecklist(DOC(''), 'r.md');
    expect(signoffPolicy(checklist)).toEqual({ roles: ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'], statuses: STATUSES });
  });
});
