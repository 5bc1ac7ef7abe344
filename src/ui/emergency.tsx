import React, { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { WizardStore } from '../store/wizard-store.js';
import { fillIncidentTemplate, findIncidentTemplate, templateChoices, type IncidentFields } from '../store/incident.js';
import { emergencyTarget, ownIncidentDraft } from '../store/incident-slice.js';
import { TeamLine } from './status-lines.js';
import { Footer } from './footer.js';
import { useFormKeys } from './use-form-keys.js';
import { useWizard } from './use-wizard.js';
import { TextField } from './text-field.js';

type Field = { name: keyof IncidentFields; label: string; hint: string; choices?: string[] };

/**
 * The incident form: Status and Severity are the template's own values
 * (ink-select-input), the rest free text; fills the checklist's communication
 * template, shown below the fields as it will be sent. On an open incident it
 * updates that incident (prefilled with its latest values) instead of opening
 * another. Placeholders show in [brackets] so they never look like typed
 * values (also under NO_COLOR).
 */
export function Emergency({ store }: { store: WizardStore }) {
  const active = useWizard(store, (s) => s.screen === 'emergency' && !s.exit);
  const error = useWizard(store, (s) => s.error);
  const checklist = useWizard(store, (s) => s.checklist);
  const [template] = useState(() => findIncidentTemplate(checklist));
  const [allowed] = useState(() => templateChoices(template));
  const operator = useWizard(store, (s) => s.operator);
  // The open incident `!` updates (fixed when the form opens), else a new one.
  const [target] = useState(() => emergencyTarget(store.getState().session));
  const fields: Field[] = [
    { name: 'status', label: 'Status', hint: allowed.statuses.join('/'), choices: allowed.statuses },
    { name: 'severity', label: 'Severity', hint: allowed.severities.join('/'), choices: allowed.severities },
    { name: 'impact', label: 'Impact', hint: 'description of user impact' },
    { name: 'eta', label: 'ETA', hint: 'estimated time to resolution' },
    { name: 'actions', label: 'Actions', hint: 'current actions being taken' },
  ];
  // Opens on what this operator typed and did not log last time (the draft any way out keeps), else on the open incident's latest values.
  const [values, setValues] = useState<IncidentFields>(() => {
    const draft = ownIncidentDraft(store.getState().session, store.getState().operator);
    const from = draft && draft.incident === target?.n ? draft : target?.fields;
    const { status = '', severity = '', impact = '', eta = '', actions = '' } = from ?? {};
    return { status, severity, impact, eta, actions };
  });
  const valuesRef = useRef(values);
  valuesRef.current = values;
  // q, Ctrl-C, SIGTERM, SIGHUP: the typed fields are kept as the incident draft before the session saves.
  useEffect(() => store.getState().onLeaving(() => store.getState().saveIncidentDraft(valuesRef.current, target?.n)), [store, target]);
  const [field, setField] = useState(0);
  const onSelect = Boolean(fields[field].choices);
  const move = (d: number) => setField((f) => (f + d + fields.length) % fields.length);
  // On a select, ↑↓ move within its choices (ink-select-input); Tab moves between fields.
  useFormKeys(store, active, { onField: move, arrows: !onSelect });
  const submit = (i: number, v: IncidentFields) => (i < fields.length - 1 ? move(1) : void store.getState().saveEmergency(v, target?.n));
  // The message as it will read: the template filled with what the form holds.
  const message = fillIncidentTemplate(template, { ...values, ...Object.fromEntries(fields.filter((f) => !values[f.name]).map((f) => [f.name, `[${f.hint}]`])) } as IncidentFields)
    .split('\n')
    .filter((l) => l.trim());
  return (
    <Box flexDirection="column">
      <TeamLine store={store} />
      <Text bold color="red" wrap="truncate">
        EMERGENCY — {target ? `update of incident ${target.n} (opened ${target.openedAt.slice(11, 16)} UTC by ${target.openedBy})` : 'new incident'} — {operator}
      </Text>
      {fields.map((f, i) => (
        <Box key={f.name} flexDirection={i === field && f.choices ? 'column' : 'row'}>
          <Text color={i === field ? 'cyan' : undefined}>
            {i === field ? '▶ ' : '  '}
            {f.label.padEnd(9)}
            {i === field && f.choices ? <Text dimColor>(↑↓ choose, Enter)</Text> : null}
          </Text>
          {i === field && f.choices ? (
            <Box marginLeft={4}>
              <SelectInput
                items={f.choices.map((c) => ({ label: c, value: c }))}
                initialIndex={Math.max(0, f.choices.indexOf(values[f.name]))}
                isFocused={active}
                onSelect={(item) => {
                  const next = { ...values, [f.name]: item.value };
                  valuesRef.current = next;
                  setValues(next);
                  submit(i, next);
                }}
              />
            </Box>
          ) : i === field ? (
            <TextField
              value={values[f.name]}
              onChange={(v) => {
                const next = { ...values, [f.name]: v };
                valuesRef.current = next;
                setValues(next);
              }}
              onSubmit={() => submit(i, values)}
              placeholder={`[${f.hint}]`}
              focus={active}
            />
          ) : (
            <Text dimColor={!values[f.name]}>{values[f.name] || `[${f.hint}]`}</Text>
          )}
        </Box>
      ))}
      <Text dimColor>Message as it will read:</Text>
      {message.map((line, i) => (
        <Text key={i} dimColor wrap="truncate">
          {'  '}
          {line}
        </Text>
      ))}
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Footer hints={['Enter next (on Actions: save)', 'Tab field', 'Esc cancel', 'Ctrl-C quit']} />
    </Box>
  );
}
