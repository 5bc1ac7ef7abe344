import React, { useState } from 'react';
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { WizardStore } from '../store/wizard-store.js';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, type IncidentFields } from '../store/incident.js';
import { Footer } from './footer.js';
import { cleanInput, useFormKeys } from './use-form-keys.js';
import { useWizard } from './use-wizard.js';

const FIELDS: { name: keyof IncidentFields; label: string; hint: string }[] = [
  { name: 'status', label: 'Status', hint: INCIDENT_STATUSES.join('/') },
  { name: 'severity', label: 'Severity', hint: INCIDENT_SEVERITIES.join('/') },
  { name: 'impact', label: 'Impact', hint: 'description of user impact' },
  { name: 'eta', label: 'ETA', hint: 'estimated time to resolution' },
  { name: 'actions', label: 'Actions', hint: 'current actions being taken' },
];

/** The incident form: fills the checklist's communication template, saved next to the session. */
export function Emergency({ store }: { store: WizardStore }) {
  const active = useWizard(store, (s) => s.screen === 'emergency' && !s.exit);
  const error = useWizard(store, (s) => s.error);
  const [values, setValues] = useState<IncidentFields>({ status: 'INVESTIGATING', severity: 'HIGH', impact: '', eta: '', actions: '' });
  const [field, setField] = useState(0);
  const move = (d: number) => setField((f) => (f + d + FIELDS.length) % FIELDS.length);
  useFormKeys(store, active, { onField: move });
  const submit = (i: number, v: IncidentFields) => (i < FIELDS.length - 1 ? move(1) : void store.getState().saveEmergency(v));
  return (
    <Box flexDirection="column">
      <Text bold color="red">
        EMERGENCY — incident communication
      </Text>
      {FIELDS.map((f, i) => (
        <Box key={f.name}>
          <Text color={i === field ? 'cyan' : undefined}>
            {i === field ? '▶ ' : '  '}
            {f.label.padEnd(9)}
          </Text>
          {i === field ? (
            <TextInput
              value={values[f.name]}
              onChange={(v) => {
                setValues({ ...values, [f.name]: cleanInput(v) });
              }}
              onSubmit={() => submit(i, values)}
              placeholder={f.hint}
              focus={active}
            />
          ) : (
            <Text dimColor={!values[f.name]}>{values[f.name] || f.hint}</Text>
          )}
        </Box>
      ))}
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Footer hints={['Enter next (on Actions: save)', 'Tab/↑↓ field', 'Esc cancel', 'Ctrl-C quit']} />
    </Box>
  );
}
