import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import type { Checklist } from '../checklist/types.js';
import { forTerminal } from '../text/escape.js';
import { clipMiddle } from '../text/clip.js';
import type { WizardStore } from '../store/wizard-store.js';
import { commandChoices } from '../store/command-plan.js';
import type { ShownStep } from '../store/commands-slice.js';
import { shortTime } from './time-text.js';
import { Footer, footerHeight } from './footer.js';
import { isCtrlC } from './keymap.js';
import { fit } from './scroll.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useWizard } from './use-wizard.js';
import { TextField } from './text-field.js';
import { TeamLine, teamHeight } from './status-lines.js';

export interface CommandConfirmProps {
  store: WizardStore;
  checklist: Checklist;
}

const CHOOSE_HINTS = ['↑↓ choose', 'Enter this one', 'Esc back', 'Ctrl-C quit'];
const CONFIRM_HINTS = ['Enter run', '↑↓/PgUp/PgDn scroll', 'Esc back (stops a run)', 'Ctrl-C quit'];
const RUNNING_HINTS = ['↑↓/PgUp/PgDn/g/G scroll', 'Esc stop the run', 'Ctrl-C quit'];

type PaneTone = 'command' | 'plain' | 'bad' | 'dim';
const PANE_COLOR: Record<PaneTone, { color?: string; dim?: boolean }> = { command: { color: 'cyan' }, plain: {}, bad: { color: 'red' }, dim: { dim: true } };

/** A run's lines for the output pane: each command after `$`, what it printed, a failing status; then what did not run. */
function paneLines(steps: ShownStep[], notRun: string[] = []): { text: string; tone: PaneTone }[] {
  const out: { text: string; tone: PaneTone }[] = [];
  for (const s of steps) {
    s.command.split('\n').forEach((l, i) => out.push({ text: `${i ? '>' : '$'} ${forTerminal(l)}`, tone: 'command' }));
    const body = forTerminal(s.output).replace(/\n$/, '');
    if (body) for (const l of body.split('\n')) out.push({ text: l, tone: 'plain' });
    if (s.exitCode !== 0) out.push({ text: s.exitCode === null ? '✗ stopped' : `✗ exit ${s.exitCode}`, tone: 'bad' });
  }
  for (const t of notRun) out.push({ text: `· not run: ${forTerminal(t.split('\n')[0])}${t.includes('\n') ? ' …' : ''}`, tone: 'dim' });
  return out;
}

/** Seconds or milliseconds, short. */
const took = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/**
 * `r`: the section's command blocks. Alternatives (one block holding e.g. a
 * Kubernetes and a Docker Compose rollback) are separate choices, picked with
 * ink-select-input; only the chosen one runs, after the operator types its
 * first word (and, for a block that calls kubectl in a context that does not
 * look like the session's environment, the context's name). Before a run the
 * whole script scrolls; once one runs (or was recorded) the pane shows it
 * command by command and scrolls back to its first line. The verdict is the
 * first failing command, in red.
 */
export function CommandConfirm({ store, checklist }: CommandConfirmProps) {
  const { rows, columns } = useTerminalSize();
  const sectionId = useWizard(store, (s) => s.cursor.sectionId);
  const command = useWizard(store, (s) => s.command);
  const dryRun = useWizard(store, (s) => s.dryRun);
  const error = useWizard(store, (s) => s.error);
  const active = useWizard(store, (s) => s.screen === 'command-confirm' && !s.exit);
  // Team mode's line, as on every screen: a person about to run a command must see who is here, and that they are offline.
  const team = useWizard(store, (s) => teamHeight(s));
  const choices = commandChoices(checklist.sections.find((s) => s.id === sectionId));
  const [stage, setStage] = useState<'choose' | 'confirm'>(choices.length > 1 ? 'choose' : 'confirm');
  const [value, setValue] = useState('');
  const [top, setTop] = useState(0);
  /** The output pane's first line shown; undefined: follow the end. */
  const [paneTop, setPaneTop] = useState<number | undefined>(undefined);
  const choice = choices[command?.index ?? 0];
  const script = choice ? choice.script.split('\n') : [];

  const steps = command?.steps;
  const pane = steps ? paneLines(steps, command?.running ? [] : command?.notRun) : undefined;
  const legacyOut = forTerminal(command?.output ?? '').replace(/\n+$/, '').split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
  const kube = command?.kube;
  const kubeRows = kube ? (kube.looking || kube.matches ? 1 : 2) : 0;
  const hints = command?.running ? RUNNING_HINTS : CONFIRM_HINTS;
  // Rows: title, variables, kube, script window or pane (+ its position line), status, prompt, error, footer; never past rows-1.
  const fixed = team + 1 + (command?.variables.length ?? 0) + kubeRows + (command?.wouldRun ? 1 : 0) + 1 + 1 + 1 + (error ? 1 : 0) + footerHeight(hints, columns);
  const room = Math.max(3, rows - 1 - fixed);
  const hasLegacyOut = !pane && Boolean(command && (command.running || command.output));
  const outRoom = hasLegacyOut ? Math.min(legacyOut.length, Math.max(2, Math.floor(room / 2))) : 0;
  const scriptRoom = pane ? 0 : Math.max(2, room - outRoom);
  const maxTop = Math.max(0, script.length - scriptRoom);
  const start = Math.min(top, maxTop);
  const paneRoom = pane ? room : 0;
  const paneMax = pane ? Math.max(0, pane.length - paneRoom) : 0;
  const paneStart = paneTop === undefined ? paneMax : Math.min(paneTop, paneMax);

  useInput(
    (input, key) => {
      const s = store.getState();
      if (isCtrlC(input, key)) return void s.interrupt();
      if (key.escape) {
        if (s.command?.running) return s.cancelProbes();
        if (stage === 'confirm' && choices.length > 1) {
          setValue('');
          return setStage('choose');
        }
        return s.closeScreen();
      }
      if (stage !== 'confirm') return;
      if (pane) {
        const to = (n: number) => setPaneTop(Math.max(0, Math.min(paneMax, n)));
        if (key.upArrow) to(paneStart - 1);
        else if (key.downArrow) to(paneStart + 1);
        else if (key.pageUp) to(paneStart - paneRoom + 1);
        else if (key.pageDown) to(paneStart + paneRoom - 1);
        // While it runs the prompt is gone, so g/G are free for the pane.
        else if (s.command?.running && input === 'g') to(0);
        else if (s.command?.running && input === 'G') setPaneTop(undefined);
        return;
      }
      if (key.upArrow) setTop(Math.max(0, start - 1));
      else if (key.downArrow) setTop(Math.min(maxTop, start + 1));
      else if (key.pageUp) setTop(Math.max(0, start - scriptRoom + 1));
      else if (key.pageDown) setTop(Math.min(maxTop, start + scriptRoom - 1));
    },
    { isActive: active },
  );
  if (!choice || !command) return <Text color="red">No command block here.</Text>;

  if (stage === 'choose') {
    const preview = Math.max(1, rows - 1 - team - 2 - choices.length - 1 - footerHeight(CHOOSE_HINTS, columns));
    return (
      <Box flexDirection="column">
        <TeamLine store={store} />
        <Text bold wrap="truncate">
          {choices.length} commands here — choose one; only the chosen one runs
          {dryRun ? <Text color="yellow"> (DRY RUN)</Text> : null}
        </Text>
        <SelectInput
          items={choices.map((c, i) => ({ key: String(i), label: fit(forTerminal(`${c.label}  (${c.script.split('\n').length} lines)`), columns - 4), value: i }))}
          initialIndex={command.index}
          isFocused={active}
          onHighlight={(item) => store.getState().chooseCommand(item.value)}
          onSelect={(item) => {
            store.getState().chooseCommand(item.value);
            setTop(0);
            setPaneTop(undefined);
            setStage('confirm');
          }}
        />
        <Text dimColor>preview:</Text>
        {script.slice(0, preview).map((l, i) => (
          <Text key={i} color="cyan" dimColor wrap="truncate">
            │ {forTerminal(l)}
          </Text>
        ))}
        <Footer hints={CHOOSE_HINTS} width={columns} />
      </Box>
    );
  }

  const done = command.exitCode !== undefined && !command.running;
  const shownScript = script.slice(start, start + scriptRoom);
  const shownPane = pane ? pane.slice(paneStart, paneStart + paneRoom) : [];
  const total = steps?.reduce((n, s) => n + s.durationMs, 0) ?? 0;
  const asking = Boolean(kube?.asking);
  return (
    <Box flexDirection="column">
      <TeamLine store={store} />
      <Text bold wrap="truncate">
        {choices.length > 1 ? `${command.index + 1}/${choices.length} ` : ''}
        {forTerminal(choice.label)}
        {dryRun ? <Text color="yellow"> — DRY RUN: nothing will be executed</Text> : null}
      </Text>
      {command.variables.map((v) => (
        <Text key={v.variable} wrap="truncate" color={v.value ? undefined : 'red'}>
          {v.placeholder} → ${'{'}
          {v.variable}
          {'}'} {v.value ? `= ${forTerminal(v.value)}` : `is not set: set ${v.variable} (--env-file or the environment)`}
        </Text>
      ))}
      {kube ? (
        <Text wrap="truncate" color={kube.looking ? 'cyan' : kube.matches ? 'green' : 'yellow'}>
          {kube.looking
            ? 'kube context: asking kubectl…'
            : kube.context
              ? `kube context: ${forTerminal(kube.context)} · namespace: ${forTerminal(kube.namespace ?? 'unknown')}${kube.problem ? ` (${forTerminal(kube.problem)})` : ''}`
              : `kube context: unknown — ${forTerminal(kube.problem ?? 'kubectl did not say')}`}
        </Text>
      ) : null}
      {kube && !kube.looking && !kube.matches ? (
        <Text wrap="truncate" color={asking ? 'red' : 'yellow'}>
          ⚠ {kube.context ? `context ${forTerminal(kube.context)} does not look like environment ${forTerminal(store.getState().session.environment)}` : 'no kube context to check against the environment'}
          {kube.confirmed ? ' — confirmed' : ': you will be asked again'}
        </Text>
      ) : null}
      {pane
        ? shownPane.map((l, i) => (
            <Text key={`p${i}`} wrap="truncate" color={PANE_COLOR[l.tone].color} dimColor={PANE_COLOR[l.tone].dim}>
              {l.text || ' '}
            </Text>
          ))
        : shownScript.map((l, i) => (
            <Text key={i} color="cyan" wrap="truncate">
              │ {forTerminal(l) || ' '}
            </Text>
          ))}
      <Text dimColor wrap="truncate">
        {pane
          ? pane.length > paneRoom
            ? `output lines ${paneStart + 1}–${paneStart + shownPane.length} of ${pane.length} (↑↓ PgUp/PgDn scroll)`
            : `(output: ${pane.length} lines, all shown)`
          : script.length > scriptRoom
            ? `│ lines ${start + 1}–${start + shownScript.length} of ${script.length} (↑↓ scroll)`
            : `│ (${script.length} lines, all shown)`}
      </Text>
      {command.wouldRun ? (
        <Text color="yellow">
          {/* The middle gives way: the program and the last arguments (the URL, the file) stay readable. */}
          {clipMiddle(`would run: ${command.wouldRun}`, columns)}
        </Text>
      ) : null}
      {(outRoom ? legacyOut.slice(-outRoom) : []).map((l, i) => (
        <Text key={`o${i}`} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
      {command.running ? <Text color="cyan">running… (Esc stops it)</Text> : null}
      {done ? (
        <Text color={command.failed ? 'red' : 'green'} wrap="truncate">
          {command.failed ? `✗ ${forTerminal(command.failed)}` : `✓ ${forTerminal(command.verdict ?? 'exit 0')}`}
          {steps ? ` · ${took(total)} — recorded` : ' — output saved as evidence'}
        </Text>
      ) : null}
      {!done && !command.running && command.last ? (
        <Text color={command.last.failed ? 'red' : 'green'} wrap="truncate">
          last run {shortTime(command.last.at)} by {forTerminal(command.last.who)}: {command.last.failed ? '✗' : '✓'} {forTerminal(command.last.verdict)}
        </Text>
      ) : null}
      {!command.running ? (
        <Box>
          <Text>
            {asking ? (
              <>
                Type <Text bold>{forTerminal(kube!.word)}</Text> and Enter to run in this context anyway:{' '}
              </>
            ) : (
              <>
                Type <Text bold>{choice.word}</Text> and Enter to {dryRun ? 'show what would run' : done || command.last ? 'run again' : 'run'}:{' '}
              </>
            )}
          </Text>
          <TextField
            value={value}
            onChange={(v) => setValue(v)}
            onSubmit={(v) => {
              setValue('');
              setPaneTop(undefined);
              void store.getState().runCommandBlock(v);
            }}
            focus={active}
          />
        </Box>
      ) : null}
      {error ? (
        <Text color="red" wrap="truncate">
          ✗ {forTerminal(error)}
        </Text>
      ) : null}
      <Footer hints={hints} width={columns} />
    </Box>
  );
}
