/**
 * The sign-off policy annotation of a checklist's Sign-off section, for the
 * parser: roles one person may combine, roles that must be independent of
 * the operator, and whether signatures are required. Pure.
 */
import type { Token } from 'markdown-it';
import { findComments, splitWords } from './annotations.js';
import { lineOf, newlines } from './tokens.js';
import type { SignoffSpec } from './types.js';

/**
 * `<!-- signoff: combine="DevOps Engineer + Security Officer" independent="Product Owner" -->`
 * in the Sign-off section: roles one person may hold together, and roles
 * whose signer must not have operated the deployment; `signatures=required`:
 * every sign-off action needs the signer's SSH key (src/signing/). Names must be roles of the table above.
 */
export function readSignoffPolicy(t: Token, signoff: SignoffSpec, problem: (line: number, message: string) => void): void {
  for (const c of findComments(t.content)) {
    const m = /^\s*signoff\s*:/i.exec(c.body);
    if (!m || !c.terminated) continue;
    const line = lineOf(t) + newlines(t.content, c.offset);
    const split = splitWords(c.body.slice(m[0].length).trim());
    if (!split.ok) {
      problem(line, split.message);
      continue;
    }
    const roles = signoff.roles;
    const known = (role: string) => {
      if (roles.includes(role)) return true;
      problem(line, `signoff annotation names "${role}", which is not a role of the Sign-off table above (${roles.join(', ') || 'none yet'})`);
      return false;
    };
    for (const word of split.words) {
      const eq = word.indexOf('=');
      const key = eq < 0 ? word : word.slice(0, eq);
      const names = (eq < 0 ? '' : word.slice(eq + 1)).split(key === 'combine' ? '+' : ',').map((r) => r.trim()).filter(Boolean);
      if (key === 'combine' && names.length >= 2) {
        if (names.every(known)) (signoff.combinable ??= []).push(names);
      } else if (key === 'independent' && names.length) {
        if (names.every(known)) (signoff.independent ??= []).push(...names);
      } else if (key === 'signatures' && names.join(',') === 'required') {
        signoff.signatures = 'required';
      } else {
        problem(line, `signoff annotation: "${word}" is not understood; use combine="Role A + Role B", independent="Role" or signatures=required`);
      }
    }
  }
}
