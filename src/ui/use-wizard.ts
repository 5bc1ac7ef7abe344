/** Subscribe a component to a slice of the wizard store (zustand's useStore over the vanilla store). */
import { useStore } from 'zustand';
import type { WizardActions, WizardState, WizardStore } from '../store/wizard-store.js';

export function useWizard<T>(store: WizardStore, selector: (s: WizardState & WizardActions) => T): T {
  return useStore(store, selector);
}
