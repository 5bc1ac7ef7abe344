/**
 * The section's command blocks: choosing one, confirming it with its first
 * word (and, before a block that calls kubectl, the kube context when it does
 * not look like the session's environment), running it command by command
 * (or showing it under --dry-run), and recording the run in the session.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { KubeContext } from '../probes/types.js';
import type { CommandRun } from '../session/schema.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { blockVerdict, callsKubectl, commandChoices, contextMatches, judgeRun, lastRunOf, missingVariables, type RecordedRun } from './command-plan.js';

/** One command of a run, as the screen shows it (redacted). */
export type ShownStep = CommandRun['steps'][number];

/** kubectl's context before a block that calls it: being asked, or what it said and whether the operator must confirm it. */
interface KubeState {
  looking: boolean;
  context?: string;
  namespace?: string;
  problem?: string;
  /** The context's name contains the session's environment. */
  matches: boolean;
  /** What the operator types to run in a context that does not match: its name (or `anyway` when none is known). */
  word: string;
  /** The confirmation is being asked. */
  asking?: boolean;
  confirmed?: boolean;
}

export interface CommandState {
  /** Index into the section's command choices (blocks, or the alternatives of one; src/store/command-plan.ts). */
  index: number;
  /** The run's output as one text (a runner that records no steps). */
  output: string;
  running: boolean;
  exitCode?: number | null;
  /** Set under --dry-run once confirmed: what would have run. */
  wouldRun?: string;
  /** After a run: why it counts as failed (`exit 60: curl …`, stopped, a `… FAILED` line), else undefined. */
  failed?: string;
  /** After a run: its verdict, one line (`exit 0 (2 commands)`, or `failed`). */
  verdict?: string;
  /** The run command by command (live while it runs), redacted. */
  steps?: ShownStep[];
  /** Commands that did not run (after the first failure, or a stop). */
  notRun?: string[];
  /** The last run of this block recorded in the session (when the screen opened), shown until it runs again. */
  last?: RecordedRun;
  /** Placeholders of the chosen script, the variable each maps to and its (redacted) value when set. */
  variables: { placeholder: string; variable: string; value?: string }[];
  /** For a block that calls kubectl. */
  kube?: KubeState;
}

export interface CommandsSlice {
  command?: CommandState;
  dryRun: boolean;
  /** Choose among the section's command choices (relative move). */
  selectCommand(delta: number): void;
  /** Choose the command choice at `index` (the alternatives picker). */
  chooseCommand(index: number): void;
  /**
   * Run the selected block once the operator typed its first word; when the
   * kube context is being confirmed, `confirmation` is the context's name.
   */
  runCommandBlock(confirmation: string): Promise<void>;
  /** Ask kubectl for its context when the chosen block calls kubectl (the screen shows it before anything runs). */
  lookUpKubeContext(): Promise<void>;
}

/** Characters of output kept on screen for a runner that records no steps. */
const OUTPUT_LIMIT = 16_000;

/** A fresh command state for choice `index` of the current section (its variables and their values, redacted; its last recorded run). */
export function commandAt(ctx: WizardContext, index: number, session = ctx.session.current()): CommandState {
  const section = ctx.section();
  const choice = commandChoices(section)[index];
  const vars = ctx.deps.vars;
  const variables = (choice?.variables ?? []).map((v) => ({ ...v, value: vars[v.variable] ? ctx.redact(vars[v.variable]) : undefined }));
  const last = choice ? lastRunOf(session, section?.id, choice.label) : undefined;
  const kube = choice && callsKubectl(choice.script) && ctx.deps.kubeContext ? { looking: true, matches: false, word: '' } : undefined;
  return { index, output: '', running: false, variables, ...(last ? { last, steps: last.run.steps, notRun: last.run.notRun } : {}), ...(kube ? { kube } : {}) };
}

/** A command's output as one text: each command after `$ `, then what it printed. */
function runText(steps: ShownStep[]): string {
  return steps.map((s) => `$ ${s.command}\n${s.output}${s.output && !s.output.endsWith('\n') ? '\n' : ''}${s.exitCode === 0 ? '' : `[exit ${s.exitCode ?? 'stopped'}]\n`}`).join('');
}

export const commandsSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], CommandsSlice> =>
  (set, get) => {
    const { deps, redact } = ctx;
    /** The lookup under way for the command state it was started for. */
    let lookup: { for: KubeState; done: Promise<KubeState | undefined> } | undefined;

    const redactStep = (s: ShownStep): ShownStep => ({ command: redact(s.command), exitCode: s.exitCode, durationMs: s.durationMs, output: redact(s.output), truncated: s.truncated });

    const kubeState = (k: KubeContext): KubeState => {
      const environment = get().session.environment;
      const context = k.context ? redact(k.context) : undefined;
      return { looking: false, context, namespace: k.namespace ? redact(k.namespace) : undefined, problem: k.problem ? redact(k.problem) : undefined, matches: contextMatches(k.context, environment), word: context ?? 'anyway' };
    };

    const lookUp = (): Promise<KubeState | undefined> => {
      const c = get().command;
      if (!c?.kube?.looking || !deps.kubeContext) return Promise.resolve(c?.kube);
      // One question per opening of the block (its fresh `kube`), however many ask.
      if (lookup?.for === c.kube) return lookup.done;
      const started = c;
      const done = deps
        .kubeContext()
        .catch((err: unknown): KubeContext => ({ problem: err instanceof Error ? err.message.split('\n')[0] : String(err) }))
        .then((k) => {
          const kube = kubeState(k);
          // Still the same block on screen: show it.
          const now = get().command;
          if (now && now.index === started.index && now.kube?.looking) set({ command: { ...now, kube: { ...kube, asking: now.kube.asking, confirmed: now.kube.confirmed } } });
          return kube;
        });
      lookup = { for: c.kube, done };
      return done;
    };

    /** Run the selected command block once the operator typed its first word (and confirmed the kube context when asked). */
    const runCommandBlockNow = async (confirmation: string) => {
      const c = get().command;
      const section = ctx.section();
      const choice = commandChoices(section)[c?.index ?? -1];
      if (!c || !choice || c.running) return;
      if (c.kube?.asking) {
        if (confirmation.trim() !== c.kube.word) {
          set({ error: `type "${c.kube.word}" to run this block in kube context ${c.kube.context ?? '(none)'}, or Esc to go back` });
          return;
        }
        set({ command: { ...c, kube: { ...c.kube, asking: false, confirmed: true } }, error: undefined });
      } else {
        const word = choice.word;
        if (confirmation.trim() !== word) {
          set({ error: `type "${word}" to confirm running this block` });
          return;
        }
        // A placeholder of the reference (yourdomain.com) must not run against an empty host.
        const missing = missingVariables(choice, deps.vars);
        if (missing.length) {
          set({ error: `set ${missing.join(', ')} (--env-file or the environment) before running this block: it uses ${choice.variables.map((v) => v.placeholder).join(', ')}` });
          return;
        }
        set({ error: undefined });
        if (c.kube && !deps.dryRun) {
          const kube = (await lookUp()) ?? c.kube;
          const now = get().command!;
          const k = { ...kube, confirmed: now.kube?.confirmed };
          // A context that does not look like this session's environment is confirmed by name first.
          if (!k.matches && !k.confirmed) {
            set({ command: { ...now, kube: { ...k, asking: true } } });
            return;
          }
        }
      }
      if (deps.dryRun || !deps.runCommand) {
        set({ command: { ...get().command!, wouldRun: `bash -Eeo pipefail -c ${JSON.stringify(redact(choice.script))}` } });
        return;
      }
      const ctl = new AbortController();
      ctx.controllers.command = ctl;
      const kube = get().command!.kube;
      set({ command: { ...get().command!, output: '', running: true, exitCode: undefined, failed: undefined, verdict: undefined, steps: undefined, notRun: undefined, last: undefined } });
      let output = '';
      let exitCode: number | null = null;
      let steps: ShownStep[] | undefined;
      let notRun: string[] | undefined;
      try {
        const r = await deps.runCommand(choice.script, {
          signal: ctl.signal,
          onOutput: (chunk) => {
            output = (output + chunk).slice(-OUTPUT_LIMIT);
            set({ command: { ...get().command!, output: redact(output) } });
          },
          onSteps: (live) => set({ command: { ...get().command!, steps: live.map(redactStep) } }),
        });
        exitCode = r.exitCode;
        steps = r.steps?.map(redactStep);
        notRun = r.notRun?.map(redact);
      } catch (err) {
        output += `\n${err instanceof Error ? err.message : String(err)}`;
      } finally {
        ctx.controllers.command = undefined;
      }
      const shown = steps ? runText(steps) : redact(output);
      const verdict = steps ? blockVerdict(exitCode, steps) : judgeRun(exitCode, shown);
      const failed = verdict.failed ? verdict.why : undefined;
      set({ command: { ...get().command!, output: shown, running: false, exitCode, failed, verdict: verdict.why, steps, notRun } });
      const run: CommandRun | undefined = steps
        ? {
            sectionId: section?.id,
            section: section?.title,
            block: choice.label,
            ...(kube?.context ? { context: kube.context } : {}),
            ...(kube?.namespace ? { namespace: kube.namespace } : {}),
            exitCode: verdict.failed ? (steps.find((s) => s.exitCode !== 0)?.exitCode ?? exitCode) : exitCode,
            ...(failed ? { failed } : {}),
            steps,
            ...(notRun?.length ? { notRun } : {}),
          }
        : undefined;
      await ctx.applyNow({
        type: 'command.run',
        sectionId: get().cursor.sectionId,
        itemId: get().cursor.itemId,
        // The command as it ran (variables resolved, secrets masked) when the runner recorded it, else the block as written.
        command: steps ? [...steps.map((s) => s.command), ...(notRun ?? []).map((t) => `(not run) ${t}`)].join('\n') : redact(choice.script),
        exitCode: run ? run.exitCode : exitCode,
        output: steps ? steps.map((s) => s.output).join('') : shown,
        ...(failed ? { failed } : {}),
        ...(run ? { run } : {}),
      });
    };

    return {
      dryRun: Boolean(deps.dryRun),
      selectCommand(delta) {
        const c = get().command;
        const n = commandChoices(ctx.section()).length;
        if (!c || c.running || n === 0) return;
        set({ command: commandAt(ctx, (c.index + delta + n) % n, get().session) });
        void lookUp();
      },
      chooseCommand(index) {
        const c = get().command;
        const n = commandChoices(ctx.section()).length;
        if (!c || c.running || index < 0 || index >= n) return;
        if (index !== c.index) {
          set({ command: commandAt(ctx, index, get().session), error: undefined });
          void lookUp();
        }
      },
      runCommandBlock(confirmation) {
        return ctx.tracked(runCommandBlockNow(confirmation));
      },
      async lookUpKubeContext() {
        await lookUp();
      },
    };
  };
