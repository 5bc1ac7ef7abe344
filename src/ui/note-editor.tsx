import React, { useState } from 'react';
import { Box, Text } from 'ink';
import type { Checklist } from '../checklist/types.js';
import type { WizardStore } from '../store/wizard-store.js';
import { Footer } from './footer.js';
import { useFormKeys } from './use-form-keys.js';
import { useWizard } from './use-wizard.js';
import { TextField } from './text-field.js';
import { TeamLine } from './status-lines.js';
import { isSecretName } from '../secrets/patterns.js';

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
      <TeamLine store={store} />
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
  const pendingCount = useWizard(store, (s) => {
    const section = checklist.sections.find((x) => x.id === s.cursor.sectionId);
    return section?.itemIds.filter((id) => (s.session.items[id]?.state ?? 'pending') === 'pending').length ?? 0;
  });
  const active = useWizard(store, (s) => s.screen === 'skip-reason' && !s.exit);
  useFormKeys(store, active);
  return (
    <Box flexDirection="column">
      <TeamLine store={store} />
      <Text bold wrap="truncate">
        {reasonFor === 'section' ? `Mark every pending item of this section n/a${pendingCount ? ` (${pendingCount})` : ''}` : reasonFor === 'skipped' ? 'Skip' : `Mark ${reasonFor === 'na' ? 'n/a' : 'done'} (it failed)`}
        {reasonFor === 'section' ? '' : `: ${item?.text ?? ''}`}
      </Text>
      <Text>{reasonFor === 'section' ? 'Why do they not apply? (required; recorded on each item and in the report):' : reasonFor === 'skipped' ? 'Reason (required):' : 'Why is it fine now? (required; recorded in the log):'}</Text>
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
      <Footer hints={[reasonFor === 'skipped' ? 'Enter skip' : reasonFor === 'section' ? 'Enter mark n/a' : 'Enter save', 'Esc cancel', 'Ctrl-C quit']} />
    </Box>
  );
}

/**
 * Give a variable the current item's probes need, for this session (`v`): the
 * name, why it is asked, and its value (masked when the name is a secret's).
 * Tab goes to the next unset name.
 */
export function SetVariable({ store }: { store: WizardStore }) {
  const names = useWizard(store, (s) => s.variableForm?.names ?? []);
  const error = useWizard(store, (s) => s.error);
  const active = useWizard(store, (s) => s.screen === 'set-variable' && !s.exit);
  const [at, setAt] = useState(0);
  const [value, setValue] = useState('');
  const name = names[Math.min(at, names.length - 1)] ?? '';
  const secret = isSecretName(name);
  useFormKeys(store, active, {
    onField: (d) => {
      setAt((i) => (i + d + names.length) % Math.max(1, names.length));
      setValue('');
    },
  });
  return (
    <Box flexDirection="column">
      <TeamLine store={store} />
      <Text bold wrap="truncate">
        Set {name} for this session
      </Text>
      <Text dimColor wrap="wrap">
        {secret
          ? 'A secret: used by the probes of this run, recorded as given (never its value); after a resume, v asks again.'
          : 'Recorded in the session (who, when, the value) and used by the probes from now on.'}
        {names.length > 1 ? ` Unset here: ${names.join(', ')} (Tab: next).` : ''}
      </Text>
      <Box>
        <Text color="cyan">{name} = </Text>
        <TextField
          value={value}
          mask={secret}
          onChange={(v) => {
            setValue(v);
            if (v.trim() && store.getState().error) store.getState().dismiss();
          }}
          onSubmit={(v) => {
            void store.getState().giveVariable(name, v.trim());
            setValue('');
          }}
          focus={active}
        />
      </Box>
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Footer hints={['Enter set', ...(names.length > 1 ? ['Tab next'] : []), 'Esc cancel', 'Ctrl-C quit']} />
    </Box>
  );
}
