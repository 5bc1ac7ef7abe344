/** Subscribe a component to a slice of the wizard store (zustand's useStore over the vanilla store). */
import { useStore } from 'zustand';
import type { WizardStore } from '../store/wizard-store.js';

export function useWizard<T>(store: WizardStore, selector: (s: ReturnType<WizardStore['getState']>) => T): T {
  return useStore(store, selector);
}
