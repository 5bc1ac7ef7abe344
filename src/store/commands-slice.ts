/** The section's command blocks: choosing one, confirming it with its first word, running it (or showing it under --dry-run). */
import type { StateCreator } from 'zustand/vanilla';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import { commandChoices, judgeRun, missingVariables } from './command-plan.js';

export interface CommandState {
  /** Index into the section's command choices (blocks, or the alternatives of one; src/store/command-plan.ts). */
  index: number;
  output: string;
  running: boolean;
  exitCode?: number | null;
  /** Set under --dry-run once confirmed: what would have run. */
  wouldRun?: string;
  /** After a run: why it counts as failed (non-zero exit, killed, a `… FAILED` line), else undefined. */
  failed?: string;
  /** Placeholders of the chosen script, the variable each maps to and its (redacted) value when set. */
  variables: { placeholder: string; variable: string; value?: string }[];
}

export interface CommandsSlice {
  command?: CommandState;
  dryRun: boolean;
  /** Choose among the section's command choices (relative move). */
  selectCommand(delta: number): void;
  /** Choose the command choice at `index` (the alternatives picker). */
  chooseCommand(index: number): void;
  /** Run the selected block once the operator typed its first word. */
  runCommandBlock(confirmation: string): Promise<void>;
}

/** Bytes of command output kept in the screen and in the evidence. */
const OUTPUT_LIMIT = 16_000;

/** A fresh command state for choice `index` of the current section (its variables and their values, redacted). */
export function commandAt(ctx: WizardContext, index: number): CommandState {
  const choice = commandChoices(ctx.section())[index];
  const vars = ctx.deps.vars;
  const variables = (choice?.variables ?? []).map((v) => ({ ...v, value: vars[v.variable] ? ctx.redact(vars[v.variable]) : undefined }));
  return { index, output: '', running: false, variables };
}

export const commandsSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], CommandsSlice> =>
  (set, get) => {
    const { deps, redact } = ctx;

    /** Run the selected command block once the operator typed its first word. */
    const runCommandBlockNow = async (confirmation: string) => {
      const c = get().command;
      const choice = commandChoices(ctx.section())[c?.index ?? -1];
      if (!c || !choice || c.running) return;
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
      if (deps.dryRun || !deps.runCommand) {
        set({ command: { ...c, wouldRun: `bash -c ${JSON.stringify(redact(choice.script))}` } });
        return;
      }
      const ctl = new AbortController();
      ctx.controllers.command = ctl;
      set({ command: { ...c, output: '', running: true, exitCode: undefined, failed: undefined } });
      let output = '';
      let exitCode: number | null = null;
      try {
        ({ exitCode } = await deps.runCommand(choice.script, {
          signal: ctl.signal,
          onOutput: (chunk) => {
            output = (output + chunk).slice(-OUTPUT_LIMIT);
            set({ command: { ...get().command!, output: redact(output) } });
          },
        }));
      } catch (err) {
        output += `\n${err instanceof Error ? err.message : String(err)}`;
      } finally {
        ctx.controllers.command = undefined;
      }
      const shown = redact(output);
      const verdict = judgeRun(exitCode, shown);
      const failed = verdict.failed ? verdict.why : undefined;
      set({ command: { ...get().command!, output: shown, running: false, exitCode, failed } });
      await ctx.applyNow({
        type: 'command.run',
        sectionId: get().cursor.sectionId,
        itemId: get().cursor.itemId,
        command: redact(choice.script),
        exitCode,
        output: shown,
        ...(failed ? { failed } : {}),
      });
    };

    return {
      dryRun: Boolean(deps.dryRun),
      selectCommand(delta) {
        const c = get().command;
        const n = commandChoices(ctx.section()).length;
        if (!c || c.running || n === 0) return;
        set({ command: commandAt(ctx, (c.index + delta + n) % n) });
      },
      chooseCommand(index) {
        const c = get().command;
        const n = commandChoices(ctx.section()).length;
        if (!c || c.running || index < 0 || index >= n) return;
        if (index !== c.index) set({ command: commandAt(ctx, index), error: undefined });
      },
      runCommandBlock(confirmation) {
        return ctx.tracked(runCommandBlockNow(confirmation));
      },
    };
  };
