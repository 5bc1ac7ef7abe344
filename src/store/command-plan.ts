/**
 * What `r` offers and how a run is judged (pure: no I/O). A fenced block may
 * hold alternatives, each under its own comment header separated by a blank
 * line (the reference checklist's Immediate Rollback Steps:
 * `# Kubernetes rollback` / `# Docker Compose rollback`): each is a choice of
 * its own, and only the chosen one runs. Placeholders of the reference
 * (`yourdomain.com`) become the app's variables (`${DOMAIN}`).
 */
import type { Section } from '../checklist/types.js';
import type { Vars } from '../probes/types.js';
import type { CommandRun, Session } from '../session/schema.js';
import { commandBlocks, firstWord } from './progress.js';
import { blockVerdict } from '../verdict/command-run.js';

// The verdict of a run is the verdict core's; re-exported for the store and the views.
export { blockVerdict, judgeRun } from '../verdict/command-run.js';

export interface CommandChoice {
  /** What the operator picks from: the alternative's header, or the block's first line. */
  label: string;
  /** The script that runs (placeholders already mapped to variables). */
  script: string;
  /** Index of the fenced block in the section. */
  block: number;
  /** The word typed to confirm. */
  word: string;
  /** Placeholders found and the variable each maps to. */
  variables: { placeholder: string; variable: string }[];
}

/**
 * Placeholders of the app's own checklist text and the variable of its
 * .env.production each stands for (env.production.example: DOMAIN=yourdomain.com).
 */
const PLACEHOLDERS: readonly { placeholder: string; variable: string }[] = [{ placeholder: 'yourdomain.com', variable: 'DOMAIN' }];

/** Split a block into paragraphs (blank-line separated), each with its leading `# ...` header when it has one. */
function paragraphs(script: string): { header?: string; text: string }[] {
  return script
    .replace(/\n+$/, '')
    .split(/\n\s*\n/)
    .map((p) => {
      const first = p.split('\n')[0].trim();
      return { header: first.startsWith('#') && !first.startsWith('#!') ? first.replace(/^#+\s*/, '') : undefined, text: p };
    });
}

/** The last word of a header, without a parenthesised remark: "Kubernetes rollback" → "rollback". */
function kindOf(header: string): string {
  return header.replace(/\(.*?\)/g, '').trim().split(/\s+/).at(-1)!.toLowerCase();
}

/**
 * Alternatives in one block: two or more paragraphs, every one under a header,
 * all headers naming the same kind of step ("… rollback"). Steps of one script
 * ("# Check application health", "# Check all services") stay one block.
 */
export function alternatives(script: string): { header: string; text: string }[] | undefined {
  const ps = paragraphs(script);
  if (ps.length < 2 || ps.some((p) => !p.header)) return undefined;
  const kinds = new Set(ps.map((p) => kindOf(p.header!)));
  return kinds.size === 1 ? ps.map((p) => ({ header: p.header!, text: p.text })) : undefined;
}

/** Map the reference's placeholders to `${VAR}` references. */
export function mapPlaceholders(script: string): { script: string; variables: CommandChoice['variables'] } {
  let out = script;
  const variables: CommandChoice['variables'] = [];
  for (const p of PLACEHOLDERS) {
    if (!out.includes(p.placeholder)) continue;
    out = out.split(p.placeholder).join(`\${${p.variable}}`);
    variables.push(p);
  }
  return { script: out, variables };
}

/** Every choice `r` offers in a section: each block, or each alternative of a block. */
export function commandChoices(section: Section | undefined): CommandChoice[] {
  return commandBlocks(section).flatMap((b, block) => {
    const alts = alternatives(b.text);
    const parts = alts ?? [{ header: undefined as string | undefined, text: b.text }];
    return parts.map((p) => {
      const { script, variables } = mapPlaceholders(p.text.replace(/\n+$/, ''));
      const label = p.header ?? script.split('\n').find((l) => l.trim() && !l.startsWith('#!'))?.replace(/^#+\s*/, '') ?? script;
      return { label, script, block, word: firstWord(script), variables };
    });
  });
}

/** Variables a choice needs that are not set (it must not run against an empty host). */
export function missingVariables(choice: CommandChoice, vars: Vars): string[] {
  return choice.variables.map((v) => v.variable).filter((name) => !vars[name]);
}

/** Whether a script calls kubectl (a word of its own, outside comments). */
export function callsKubectl(script: string): boolean {
  return script.split('\n').some((l) => /(^|[\s;&|(`$])kubectl(\s|$)/.test(l.replace(/(^|\s)#.*$/, '')));
}

/** A kube context looks like the session's environment when its name contains the environment's name (case aside). */
export function contextMatches(context: string | undefined, environment: string): boolean {
  return Boolean(context && environment.trim() && context.toLowerCase().includes(environment.trim().toLowerCase()));
}

/** A recorded run as the section and the command screen show it. */
export interface RecordedRun {
  at: string;
  who: string;
  block?: string;
  failed: boolean;
  /** `✗ exit 60: curl …`'s text after the mark: the verdict, one line. */
  verdict: string;
  run: CommandRun;
}

/** The latest recorded run of a block of section `sectionId` (of block `label` when given); older events without steps are not matched. */
export function lastRunOf(session: Session, sectionId: string | undefined, label?: string): RecordedRun | undefined {
  if (!sectionId) return undefined;
  for (let i = session.events.length - 1; i >= 0; i--) {
    const e = session.events[i];
    const run = e.what === 'command.run' ? e.run : undefined;
    if (!run || run.sectionId !== sectionId || (label !== undefined && run.block !== label)) continue;
    const v = blockVerdict(run.exitCode, run.steps);
    return { at: e.at, who: e.who, block: run.block, failed: Boolean(run.failed) || v.failed, verdict: run.failed ?? v.why, run };
  }
  return undefined;
}
