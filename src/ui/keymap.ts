/**
 * Key tables: one per screen, pure. The footer, the help screen and the input
 * hooks all read these, so every key that works is shown and vice versa.
 */
import type { Key } from 'ink';
import type { WizardState, WizardStore } from '../store/wizard-store.js';

type KeyName = 'up' | 'down' | 'left' | 'right' | 'return' | 'escape' | 'tab';

export interface KeyBinding {
  /** Characters typed (case-sensitive) and/or named keys. */
  chars?: string[];
  keys?: KeyName[];
  /** As shown in the footer, e.g. "↑↓/jk". */
  label: string;
  /** Short footer text, e.g. "move". */
  hint: string;
  /** Longer text for the help screen (at most 29 characters: two columns fit 80). */
  help: string;
  run: (s: ReturnType<WizardStore['getState']>) => void;
}

/** Whether an Ink key event matches a binding. */
export function matches(b: KeyBinding, input: string, key: Key): boolean {
  if (b.keys?.some((k) => keyPressed(k, key))) return true;
  return Boolean(input && !key.ctrl && !key.meta && b.chars?.includes(input));
}

function keyPressed(name: KeyName, key: Key): boolean {
  switch (name) {
    case 'up':
      return key.upArrow;
    case 'down':
      return key.downArrow;
    case 'left':
      return key.leftArrow;
    case 'right':
      return key.rightArrow;
    case 'return':
      return key.return;
    case 'escape':
      return key.escape;
    case 'tab':
      return key.tab;
  }
}

/** Is this Ctrl-C (raw mode delivers it as input, not SIGINT)? */
export function isCtrlC(input: string, key: Key): boolean {
  return key.ctrl && input === 'c';
}

const common: KeyBinding[] = [
  { chars: ['!'], label: '!', hint: 'emergency', help: 'emergency (incident) form', run: (s) => s.openEmergency() },
  { chars: ['S'], label: 'S', hint: 'sign-off', help: 'open the sign-off screen', run: (s) => s.openScreen('signoff') },
  { chars: ['?'], label: '?', hint: 'help', help: 'show this help', run: (s) => s.openScreen('help') },
  { chars: ['q'], label: 'q', hint: 'save+quit', help: 'save and quit (resume later)', run: (s) => void s.quit() },
];

const watch: KeyBinding = { chars: ['w'], label: 'w', hint: 'watch', help: 'watch the rollback criteria', run: (s) => s.openScreen('watch') };

const rollback: KeyBinding = {
  chars: ['R'],
  label: 'R',
  hint: 'rollback',
  help: 'jump to Rollback Procedures',
  run: (s) => s.jumpToRollback(),
};

export const SECTION_KEYS: KeyBinding[] = [
  { chars: ['k'], keys: ['up'], label: '↑↓/kj', hint: 'move', help: 'previous item', run: (s) => s.moveItem(-1) },
  { chars: ['j'], keys: ['down'], label: '', hint: '', help: 'next item', run: (s) => s.moveItem(1) },
  { chars: ['h'], keys: ['left'], label: '←→/hl', hint: 'section', help: 'previous section', run: (s) => s.moveSection(-1) },
  { chars: ['l'], keys: ['right'], label: '', hint: '', help: 'next section', run: (s) => s.moveSection(1) },
  { keys: ['return'], label: 'Enter', hint: 'details', help: 'details: evidence, note, log', run: (s) => s.openScreen('detail') },
  { chars: ['d'], label: 'd', hint: 'done', help: 'mark the item done', run: (s) => void s.mark('done') },
  { chars: ['f'], label: 'f', hint: 'fail', help: 'mark the item failed', run: (s) => void s.mark('failed') },
  { chars: ['s'], label: 's', hint: 'skip', help: 'skip the item, with a reason', run: (s) => s.openScreen('skip-reason') },
  { chars: ['n'], label: 'n', hint: 'n/a', help: 'mark the item not applicable', run: (s) => void s.mark('na') },
  { chars: ['N'], label: 'N', hint: 'rest n/a', help: 'rest of section n/a (reason)', run: (s) => s.settleSection() },
  { chars: ['u'], label: 'u', hint: 'undo', help: 'set the item back to pending', run: (s) => void s.mark('pending') },
  { chars: ['e'], label: 'e', hint: 'note', help: 'add or edit the item note', run: (s) => s.openScreen('note-editor') },
  { chars: ['v'], label: 'v', hint: 'set var', help: "give a probe's unset variable", run: (s) => s.askVariables() },
  { chars: ['p'], label: 'p', hint: 'probe', help: "run the item's probes", run: (s) => void s.runItemProbes() },
  { chars: ['P'], label: 'P', hint: 'all probes', help: 'run every probe of the section', run: (s) => void s.runSectionProbes() },
  { chars: ['r'], label: 'r', hint: 'run cmd', help: 'run a command block (confirm)', run: (s) => s.openScreen('command-confirm') },
  { chars: ['a'], label: 'a', hint: 'announce', help: "send item's message (confirm)", run: (s) => s.askAnnounce() },
  {
    chars: ['g'],
    keys: ['escape'],
    label: 'Esc/g',
    hint: 'cancel/overview',
    help: 'cancel probes, else overview',
    run: (s) => (Object.keys(s.running).length > 0 ? s.cancelProbes() : s.showOverview()),
  },
  watch,
  rollback,
  ...common,
];

export const OVERVIEW_KEYS: KeyBinding[] = [
  { chars: ['k'], keys: ['up'], label: '↑↓/kj', hint: 'move', help: 'previous section', run: (s) => s.moveOverview(-1) },
  { chars: ['j'], keys: ['down'], label: '', hint: '', help: 'next section', run: (s) => s.moveOverview(1) },
  { chars: ['G'], label: 'g/G', hint: 'first/last', help: 'last section (g: first)', run: (s) => s.moveOverview(Number.MAX_SAFE_INTEGER) },
  { chars: ['g'], label: '', hint: '', help: 'first section', run: (s) => s.moveOverview(-Number.MAX_SAFE_INTEGER) },
  { chars: ['l'], keys: ['right', 'return'], label: 'Enter/→/l', hint: 'open', help: 'open the highlighted section', run: (s) => s.openSection() },
  { chars: ['h'], keys: ['left', 'escape'], label: 'Esc/←/h', hint: 'back', help: 'back to where you were', run: (s) => s.openSection(s.cursor.sectionId) },
  watch,
  rollback,
  ...common,
];

/** The watch screen: start and stop the watch of the rollback criteria; it goes on while you walk elsewhere. */
export const WATCH_KEYS: KeyBinding[] = [
  { chars: ['s'], label: 's', hint: 'start', help: 'start watching the criteria (after a criterion met: asks y/n first)', run: (s) => s.startWatch() },
  { chars: ['x'], label: 'x', hint: 'stop', help: 'stop the watch for good (asks y/n first: the window ends incomplete)', run: (s) => s.askStopWatch() },
  { chars: ['y'], label: '', hint: '', help: 'yes: start the new window, or stop the running one (when asked)', run: (s) => s.answerWatch(true) },
  { chars: ['n'], label: '', hint: '', help: 'no: keep things as they are (when asked)', run: (s) => s.answerWatch(false) },
  { chars: ['w', 'h'], keys: ['escape', 'left'], label: 'Esc/w', hint: 'back', help: 'back (the watch goes on)', run: (s) => (s.back === 'overview' ? s.showOverview() : s.openSection(s.cursor.sectionId)) },
  { chars: ['g'], label: 'g', hint: 'overview', help: 'overview (the watch goes on)', run: (s) => s.showOverview() },
  rollback,
  ...common,
];

/** The question before an announcement goes out: the text and its targets are on the screen. */
export const ANNOUNCE_KEYS: KeyBinding[] = [
  { chars: ['y'], label: 'y', hint: 'send', help: 'send it now', run: (s) => void s.answerAnnounce(true) },
  { chars: ['n'], keys: ['escape'], label: 'n/Esc', hint: 'do not send', help: 'back, nothing sent', run: (s) => void s.answerAnnounce(false) },
];

export const HELP_KEYS: KeyBinding[] = [
  { chars: ['?', 'q', 'h'], keys: ['escape', 'return', 'left'], label: 'Esc/?', hint: 'back', help: 'close help', run: (s) => s.closeScreen() },
];

/**
 * Footer hints ("↑↓/kj move") for a table; bindings with an empty label share the previous one.
 * `R` shows only under the rollback banner, `a` only on an item that has an announcement (`announces`).
 */
export function hints(table: KeyBinding[], state?: Pick<WizardState, 'banner'> & { announces?: boolean }): string[] {
  return table
    .filter((b) => b.label !== '' && (b.label !== 'R' || state?.banner) && (b.label !== 'a' || state?.announces))
    .map((b) => `${b.label} ${b.hint}`);
}

/** Pack hints into as few lines as fit the width (two spaces apart). */
export function packHints(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const h of items) {
    const next = line ? `${line}  ${h}` : h;
    if (next.length > width && line) {
      lines.push(line);
      line = h;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
