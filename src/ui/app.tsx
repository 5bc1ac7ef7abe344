import React, { Suspense, lazy, useEffect, useState } from 'react';
import { Box, Text, useApp } from 'ink';
import type { Checklist } from '../checklist/types.js';
import type { SessionSummary } from '../session/store.js';
import type { WizardStore } from '../store/wizard-store.js';
import { CommandConfirm } from './command-confirm.js';
import { AnnounceConfirm } from './announce-confirm.js';
import { DetailView } from './detail-view.js';
import { Emergency } from './emergency.js';
import { HelpScreen } from './help-screen.js';
import { NoteEditor, SetVariable, SkipReason } from './note-editor.js';
import { Overview } from './overview.js';
import { FinishedProbes } from './probe-lines.js';
import { ResumePicker, type PickerChoice, type ResumePickerProps } from './resume-picker.js';
import { SectionView } from './section-view.js';
import { useKeyByKey } from './stdin-keys.js';
import { useCleanResize } from './use-clean-resize.js';
import { useScreenKeys } from './use-screen-keys.js';
import { useWizard } from './use-wizard.js';

export interface PickerSetup {
  sessions: SessionSummary[];
  defaults: ResumePickerProps['defaults'];
  /** Environments of all existing sessions (the new-session form offers them after staging and production). */
  environments?: string[];
  /** Ask who resumes a chosen session (no --operator given). */
  askWho?: boolean;
  /** `start --env NAME` without --operator: ask only who runs it. */
  confirmOperator?: boolean;
  /** Said once above the sessions, e.g. that a session file could not be read. */
  notice?: string;
  /** Opens or creates the chosen session and builds its store (I/O lives in the caller). */
  choose: (choice: PickerChoice) => Promise<WizardStore>;
}

export interface AppProps {
  checklist: Checklist;
  /** The wizard store; leave out to start on the resume picker. */
  store?: WizardStore;
  picker?: PickerSetup;
  /** Called on Ctrl-C before a session is open (the caller exits 130). */
  onInterrupt?: () => void;
}

/**
 * The lifecycle root: the only component that calls `exit()`. It shows the
 * resume picker until a session is open, then routes the store's screen.
 */
export function App({ checklist, store: initial, picker, onInterrupt }: AppProps) {
  const { exit } = useApp();
  // Before Ink's first read: every handler below gets one key per input (src/ui/stdin-keys.ts).
  useKeyByKey();
  useCleanResize();
  const [store, setStore] = useState<WizardStore | undefined>(initial);
  const [pickError, setPickError] = useState<string>();
  const [opening, setOpening] = useState(false);

  if (!store) {
    if (!picker) return <Text color="red">Nothing to show.</Text>;
    return (
      <ResumePicker
        sessions={picker.sessions}
        defaults={picker.defaults}
        environments={picker.environments}
        askWho={picker.askWho}
        confirmOperator={picker.confirmOperator}
        notice={picker.notice}
        error={opening ? undefined : pickError}
        isActive={!opening}
        onCancel={() => exit()}
        onInterrupt={() => {
          onInterrupt?.();
          exit();
        }}
        onChoose={(c) => {
          setOpening(true);
          picker.choose(c).then(
            (s) => setStore(s),
            (err: unknown) => {
              setPickError(err instanceof Error ? err.message : String(err));
              setOpening(false);
            },
          );
        }}
      />
    );
  }
  return <Wizard store={store} checklist={checklist} onExit={() => exit()} />;
}

function Wizard({ store, checklist, onExit }: { store: WizardStore; checklist: Checklist; onExit: () => void }) {
  const screen = useWizard(store, (s) => s.screen);
  const exiting = useWizard(store, (s) => s.exit);
  const unsaved = useWizard(store, (s) => s.unsaved);
  useScreenKeys(store);
  useEffect(() => {
    if (exiting) onExit();
  }, [exiting]);
  return (
    <Box flexDirection="column">
      <FinishedProbes store={store} checklist={checklist} />
      {screen === 'overview' || screen === 'resume-picker' ? <Overview store={store} checklist={checklist} /> : null}
      {screen === 'section' ? <SectionView store={store} checklist={checklist} /> : null}
      {screen === 'help' ? <HelpScreen /> : null}
      {screen === 'detail' ? <DetailView store={store} checklist={checklist} /> : null}
      {screen === 'note-editor' ? <NoteEditor store={store} checklist={checklist} /> : null}
      {screen === 'skip-reason' ? <SkipReason store={store} checklist={checklist} /> : null}
      {screen === 'set-variable' ? <SetVariable store={store} /> : null}
      {screen === 'command-confirm' ? <CommandConfirm store={store} checklist={checklist} /> : null}
      {screen === 'emergency' ? <Emergency store={store} /> : null}
      {screen === 'announce' ? <AnnounceConfirm store={store} /> : null}
      {screen === 'watch' ? (
        <Suspense fallback={<Text dimColor>loading the watch screen…</Text>}>
          <WatchScreen store={store} checklist={checklist} />
        </Suspense>
      ) : null}
      {screen === 'signoff' ? (
        <Suspense fallback={<Text dimColor>loading sign-off…</Text>}>
          <SignoffScreen store={store} checklist={checklist} isActive={!exiting} />
        </Suspense>
      ) : null}
      {exiting && !unsaved ? <Text dimColor>{exiting === 'quit' ? 'Saved — quitting.' : 'Interrupted — saved.'}</Text> : null}
      {exiting && unsaved ? (
        <Text color="red" bold wrap="wrap">
          {exiting === 'quit' ? 'Quitting' : 'Interrupted'} — NOT everything was saved ({unsaved.count} change{unsaved.count === 1 ? '' : 's'}).
        </Text>
      ) : null}
    </Box>
  );
}

/**
 * The sign-off screen (another engineer's, src/ui/signoff/) loads on first use
 * so its code stays out of the first frame. It owns its own useInput, active
 * only while screen === 'signoff'.
 */
const SignoffScreen = lazy(() => import('./signoff/signoff-screen.js').then((m) => ({ default: m.SignoffScreen })));

/** The watch screen (and its sparkline library) loads on first use, out of the first frame. */
const WatchScreen = lazy(() => import('./watch-screen.js').then((m) => ({ default: m.WatchScreen })));
