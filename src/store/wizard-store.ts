/**
 * The wizard's state machine: a zustand vanilla store (no React), so tests and
 * non-interactive callers drive it directly and the Ink view only subscribes.
 * Side effects arrive as injected dependencies (session, probe runner, command
 * runner, incident writer); every change goes to `session.apply` at once.
 *
 * One slice per concern (zustand's slices pattern), each in its own file and
 * composed below; what the slices share is the context (wizard-context.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createWizardContext, type WizardDeps } from './wizard-context.js';
import { navigationSlice, type NavigationSlice } from './navigation-slice.js';
import { itemsSlice, type ItemsSlice } from './items-slice.js';
import { probeRunsSlice, type ProbeRunsSlice } from './probe-runs-slice.js';
import { commandsSlice, type CommandsSlice } from './commands-slice.js';
import { incidentSlice, type IncidentSlice } from './incident-slice.js';
import { syncSlice, type SyncSlice } from './sync-slice.js';
import { signoffSlice, type SignoffSlice } from './signoff-slice.js';
import { createWatchSlice, type WatchSlice } from './watch-slice.js';
import { recordedVariables, varsSlice, type VarsSlice } from './vars-slice.js';
import { layeredVars } from '../config/session-vars.js';
import { announceSlice, type AnnounceSlice } from './announce-slice.js';

export type { CommandRunner, WizardDeps } from './wizard-context.js';
export type { RunningProbe, RunSummary } from './probe-runs-slice.js';
export type { Completion, SignoffDraft, SignoffFeedback, SigningKeyState } from './signoff-slice.js';
export { teamLine, unsavedLine, type TeamStatus } from './sync-slice.js';

/** The whole store: the slices' state and actions. */
export type Wizard = NavigationSlice & ItemsSlice & ProbeRunsSlice & CommandsSlice & IncidentSlice & SyncSlice & SignoffSlice & WatchSlice & VarsSlice & AnnounceSlice;

type ActionKey = { [K in keyof Wizard]-?: Wizard[K] extends (...args: never[]) => unknown ? K : never }[keyof Wizard];
/** The store's state (everything but its actions). */
export type WizardState = Omit<Wizard, ActionKey>;
export type WizardStore = StoreApi<Wizard>;

/** Create the wizard store over an open session. */
export function createWizardStore(input: WizardDeps): WizardStore {
  // Variables given in the wizard sit over the configured ones; recorded ones of earlier runs come back.
  const layered = layeredVars(input.vars);
  const recorded = recordedVariables(input.session.current());
  for (const [name, value] of Object.entries(recorded.given)) layered.give(name, value);
  const deps: WizardDeps = { ...input, vars: layered.vars };
  if (recorded.secret.some((n) => !layered.vars[n])) {
    const names = recorded.secret.filter((n) => !layered.vars[n]);
    const again = `${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} given in an earlier run and ${names.length === 1 ? 'is a secret' : 'are secrets'} (never written down): v gives ${names.length === 1 ? 'it' : 'them'} again`;
    deps.notice = deps.notice ? `${deps.notice} · ${again}` : again;
  }
  const store = createStore<Wizard>()((...a) => {
    const ctx = createWizardContext(deps, a[0], a[1]);
    return {
      ...navigationSlice(ctx)(...a),
      ...itemsSlice(ctx)(...a),
      ...probeRunsSlice(ctx)(...a),
      ...commandsSlice(ctx)(...a),
      ...incidentSlice(ctx)(...a),
      ...syncSlice(ctx)(...a),
      ...signoffSlice(ctx)(...a),
      ...varsSlice(ctx, layered)(...a),
      ...announceSlice(ctx)(...a),
      ...createWatchSlice({ checklist: deps.checklist, vars: deps.vars, operator: deps.operator, now: ctx.now, presenceSettleMs: deps.presenceSettleMs })(...a),
    };
  });
  // A watch left unfinished in the session continues where its window is now (unless its starter is here, measuring it).
  store.getState().resumeWatch();
  // Team mode: when the starter leaves, a wizard still open takes the window over.
  store.subscribe((s, prev) => {
    if (s.team?.here !== prev.team?.here) s.resumeWatch();
  });
  return store;
}
