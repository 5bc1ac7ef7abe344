import React from 'react';
import { Text } from 'ink';
import type { WizardStore } from '../store/wizard-store.js';
import { useWizard } from './use-wizard.js';

/** The rollback banner, the error line and the one-time notice (each at most one line). */
export function StatusLines({ store }: { store: WizardStore }) {
  const banner = useWizard(store, (s) => s.banner);
  const error = useWizard(store, (s) => s.error);
  const notice = useWizard(store, (s) => s.notice);
  return (
    <>
      {banner ? (
        <Text color="red" bold wrap="truncate">
          ⚠ ROLLBACK CRITERION MET: {banner.criterion}{banner.sectionId ? ' — R: rollback procedures' : ''}
        </Text>
      ) : null}
      {error ? (
        <Text color="red" wrap="truncate">
          ✗ {error}
        </Text>
      ) : null}
      {notice ? (
        <Text color="yellow" wrap="truncate">
          ℹ {notice}
        </Text>
      ) : null}
    </>
  );
}

export function statusHeight(s: { banner?: unknown; error?: string; notice?: string }): number {
  return (s.banner ? 1 : 0) + (s.error ? 1 : 0) + (s.notice ? 1 : 0);
}
