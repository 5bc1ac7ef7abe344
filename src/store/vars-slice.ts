/**
 * Variables given in the wizard for this session (`v` on an item whose probes
 * name an unset variable): the probes, the watch and command blocks see the
 * value at once; the session records that it was given, by whom and when, and
 * its value only when it is no secret (the session core decides: changes.ts).
 * A secret given before a resume is asked for again: it was never written down.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Session } from '../session/schema.js';
import type { LayeredVars } from '../config/session-vars.js';
import { substitute, type Vars } from '../config/vars.js';
import type { Item } from '../checklist/types.js';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';

export interface VarsSlice {
  /** The variables the form asks for (the current item's unset ones), while it is open. */
  variableForm?: { names: string[] };
  /** Open the form for the current item's unset variables (an error when it has none). */
  askVariables(): void;
  /** Give `name` for this session: used from now on, recorded (a secret without its value). */
  giveVariable(name: string, value: string): Promise<void>;
}

/** Unset variables the item's probes reference, in the order they appear. */
function unsetVariables(item: Item | undefined, vars: Vars): string[] {
  const out: string[] = [];
  for (const spec of item?.probes ?? []) {
    for (const raw of Object.values(spec.params)) {
      if (typeof raw !== 'string') continue;
      for (const name of substitute(raw, vars).missing) if (!out.includes(name)) out.push(name);
    }
  }
  return out;
}

/** Values given in earlier runs of this session that were recorded (no secret ever was). */
export function recordedVariables(session: Session): { given: Record<string, string>; secret: string[] } {
  const given: Record<string, string> = {};
  const secret = new Set<string>();
  for (const e of session.events) {
    if (e.what !== 'vars.set' || !e.variable) continue;
    if (e.variable.value === undefined) secret.add(e.variable.name);
    else {
      given[e.variable.name] = e.variable.value;
      secret.delete(e.variable.name);
    }
  }
  return { given, secret: [...secret].filter((n) => !(n in given)) };
}

export const varsSlice =
  (ctx: WizardContext, layered: LayeredVars): StateCreator<Wizard, [], [], VarsSlice> =>
  (set, get) => ({
    askVariables() {
      const names = unsetVariables(ctx.currentItem(), layered.vars);
      if (!names.length) {
        set({ error: ctx.currentItem() ? "this item's probes have every variable they need" : 'no item selected' });
        return;
      }
      set({ error: undefined, variableForm: { names } });
      get().openScreen('set-variable');
    },
    async giveVariable(name, value) {
      if (!value.trim()) {
        set({ error: `type a value for ${name} (Esc: cancel)` });
        return;
      }
      const refused = await ctx.applyNow({ type: 'vars.set', name, value });
      if (refused) return;
      layered.give(name, value);
      ctx.varsChanged();
      const left = get().variableForm?.names.filter((n) => n !== name && !layered.vars[n]) ?? [];
      if (left.length) set({ variableForm: { names: left }, error: undefined, notice: `${name} set for this session` });
      else {
        set({ variableForm: undefined, error: undefined, notice: `${name} set for this session · p: run the probe` });
        get().closeScreen();
      }
    },
  });
