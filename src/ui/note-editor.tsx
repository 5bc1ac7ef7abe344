import React, { useState } from 'react';
import { Box, Text } from 'ink';
import type { Checklist } from '../checklist/types.js';
import type { WizardStore } from '../store/wizard-store.js';
import { Footer } from './footer.js';
import { useFormKeys } from './use-form-keys.js';
import { useWizard } from './use-wizard.js';
import { TextField } from './text-field.js';

export interface ItemFormProps {
  store: WizardStore;
  checklist: Checklist;
}

function useCurrentItem(store: WizardStore, checklist: Checklist) {
  const itemId = useWizard(store, (s) => s.cursor.itemId);
  return checklist.items.find((i) => i.id === itemId);
}

/** Add or edit the note of the current item (Enter saves, an empty note removes it). */
export function NoteEditor({ store, checklist }: ItemFormProps) {
  const item = useCurrentItem(store, checklist);
  const initial = useWizard(store, (s) => (item ? s.session.items[item.id]?.note ?? '' : ''));
  const [value, setValue] = useState(initial);
  const active = useWizard(store, (s) => s.screen === 'note-editor' && !s.exit);
  useFormKeys(store, active);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">Note for: {item?.text}</Text>
      <Box>
        <Text color="cyan">› </Text>
        <TextField value={value} onChange={(v) => setValue(v)} onSubmit={(v) => void store.getState().note(v)} focus={active} />
      </Box>
      <Footer hints={['Enter save', 'Esc cancel', 'Ctrl-C quit']} />
    </Box>
  );
}

/** Ask why the current item is skipped (or, when it failed, why it is done / n/a anyway); an empty reason is refused. */
export function SkipReason({ store, checklist }: ItemFormProps) {
  const item = useCurrentItem(store, checklist);
  const [value, setValue] = useState('');
  const error = useWizard(store, (s) => s.error);
  const reasonFor = useWizard(store, (s) => s.reasonFor ?? 'skipped');
  const active = useWizard(store, (s) => s.screen === 'skip-reason' && !s.exit);
  useFormKeys(store, active);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {reasonFor === 'skipped' ? 'Skip' : `Mark ${reasonFor === 'na' ? 'n/a' : 'done'} (it failed)`}: {item?.text}
      </Text>
      <Text>{reasonFor === 'skipped' ? 'Reason (required):' : 'Why is it fine now? (required; recorded in the log):'}</Text>
      <Box>
        <Text color="cyan">› </Text>
        <TextField
          value={value}
          onChange={(v) => {
            setValue(v);
            // "a reason is required" is answered by typing one.
            if (v.trim() && store.getState().error) store.getState().dismiss();
          }}
          onSubmit={(v) => void store.getState().skip(v)}
          focus={active}
        />
      </Box>
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Footer hints={[reasonFor === 'skipped' ? 'Enter skip' : 'Enter save', 'Esc cancel', 'Ctrl-C quit']} />
    </Box>
  );
}
