/**
 * The interactive wizard commands: `deploy-wizard` (resume picker or start),
 * `start`, `resume [ID]`, `join ID`. This is the I/O edge of the UI: it loads
 * the checklist, variables and session store, injects the side effects into
 * the wizard store, mounts Ink, and turns Ctrl-C/SIGTERM/SIGHUP into exit 130.
 * Ink and React are imported only after the terminal check, probe libraries
 * only when a probe runs.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { displayPath } from '../../display-path.js';
import { watchTerminal } from '../terminal.js';
import { EXIT_HANGUP, EXIT_INTERRUPTED, type Lifecycle } from '../lifecycle.js';
import { shippedChecklistPath, type GlobalOptions } from '../globals.js';
import type { Checklist } from '../../checklist/types.js';
import type { OpenSession, SessionStore } from '../../session/store.js';
import type { Session } from '../../session/schema.js';
import type { Signer } from '../../signing/signer.js';
import type { Vars } from '../../config/vars.js';
import type { CommandRunner, WizardDeps, WizardState, WizardStore } from '../../store/wizard-store.js';
import { deliveryChange, openNotifier } from '../../notify/notify.js';
import { parseCache } from '../parse-cache.js';
import { announcer, notifyingSession } from '../../notify/session-events.js';
import { storeArg, storeSecretMasked } from '../../session/select-store.js';
import { readOnlyLine } from '../../session/signoff.js';

type Opts = Record<string, any>;
type Mode = { kind: 'default' } | { kind: 'start' } | { kind: 'resume'; id?: string } | { kind: 'join'; id: string };

const NO_TTY_MESSAGE = 'deploy-wizard needs a terminal for the interactive wizard; use `deploy-wizard check` for automated checks';

export const runStart = (o: Opts, g: GlobalOptions, _a: string[], life: Lifecycle) => runWizard({ kind: 'start' }, o, g, life);
export const runResume = (o: Opts, g: GlobalOptions, a: string[], life: Lifecycle) => runWizard({ kind: 'resume', id: a[0] }, o, g, life);
export const runJoin = (o: Opts, g: GlobalOptions, a: string[], life: Lifecycle) => runWizard({ kind: 'join', id: a[0] }, o, g, life);
export const runDefault = (o: Opts, g: GlobalOptions, _a: string[], life: Lifecycle) => runWizard({ kind: 'default' }, o, g, life);

/** `git config user.name`, else $USER, else the OS account name. */
/** The operator a new session is offered, and where the name came from (shown beside it, so it reads as a guess to check). */
async function defaultOperator(): Promise<{ name: string; from: string }> {
  const fromGit = await new Promise<string>((resolve) => {
    execFile('git', ['config', 'user.name'], { timeout: 2000 }, (err, stdout) => resolve(err ? '' : String(stdout).trim()));
  });
  if (fromGit) return { name: fromGit, from: 'git config user.name' };
  if (process.env.USER) return { name: process.env.USER, from: '$USER' };
  try {
    const name = userInfo().username;
    if (name) return { name, from: 'your login name' };
  } catch {
    /* no account name: the placeholder below */
  }
  return { name: 'operator', from: 'no name found' };
}

/** After SIGTERM, how long a cancelled command block has to end before everything it started is killed. */
const BLOCK_GRACE_MS = 500;

/**
 * Run a command block command by command (src/probes/shell-steps.ts: one bash,
 * errexit + pipefail, each command's text, status, duration and output) through
 * the one process runner of the probes (src/probes/process-tree.ts): its own
 * process group, output piped (never inherited while Ink owns the terminal).
 * Abort sends the group SIGTERM, then kills whatever is left of its tree
 * (setsid-escaped descendants included) and stops reading its pipes, so a
 * cancel or a lost terminal never waits on it.
 */
export function blockRunner(vars: Vars): CommandRunner {
  return async (script, { signal, onSteps }) => {
    const { runBlock } = await import('../../probes/shell-steps.js');
    return runBlock(script, { env: { ...vars }, signal, graceMs: BLOCK_GRACE_MS, onUpdate: onSteps });
  };
}

/**
 * Import Ink for a terminal we know is interactive (checked above). Two things
 * in its dependencies are decided once, at import, from the environment:
 * - is-in-ci: with CI=true Ink paints only the last frame at exit, which would
 *   leave a person at a blank screen (CI runners do give ptys to tests);
 * - yoga, its layout engine, compiled to WebAssembly, fetches its embedded
 *   binary with the global fetch when there is one, loading Node's internal
 *   HTTP client first: ~40 ms of start-up for a data: URL.
 * Both are hidden for the import only; child processes still see CI.
 */
async function loadInk(): Promise<typeof import('ink')> {
  const saved = { fetch: globalThis.fetch, CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  (globalThis as { fetch?: unknown }).fetch = undefined;
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await import('ink');
  } finally {
    globalThis.fetch = saved.fetch;
    if (saved.CI !== undefined) process.env.CI = saved.CI;
    if (saved.CONTINUOUS_INTEGRATION !== undefined) process.env.CONTINUOUS_INTEGRATION = saved.CONTINUOUS_INTEGRATION;
  }
}

const shown = displayPath;

/**
 * Why the wizard was told to stop from outside (the lifecycle's reason: the
 * terminal hung up, or an interrupt signal arrived), and who acts on it. Both
 * cancel probes, save and exit; the lifecycle gives the code.
 */
interface StopRequest {
  readonly why?: 'hangup' | 'interrupt';
  /** Set once the wizard can act on it; called for every request. */
  act?: () => void;
}

async function runWizard(mode: Mode, opts: Opts, globals: GlobalOptions, life: Lifecycle): Promise<number> {
  // `join` is team mode: without a team store there is nothing to join (a file session is resumed).
  if (mode.kind === 'join' && !globals.store) {
    throw new UserError(`join opens a team session: give --store postgres://… (or DEPLOY_WIZARD_STORE); a session in ${shown(globals.sessionsDir)} is opened with deploy-wizard resume ${mode.id}`);
  }
  // Decided before Ink is imported: a pipe cannot drive the wizard.
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UserError(NO_TTY_MESSAGE);
  const stop: StopRequest = {
    get why() {
      return life.reason;
    },
  };
  // Every signal (and a lost terminal) from here on: cancel, save, exit with the lifecycle's code.
  const release = life.handle({ onStop: () => stop.act?.() });
  const terminal = watchTerminal(() => life.stop('hangup'));
  // Raw mode at once, not when Ink mounts: a key typed while the first frame is
  // being prepared would otherwise be echoed, line-buffered and (Enter arrives
  // as \n, not \r) misread; in raw mode it waits unread for Ink's input hook.
  process.stdin.setRawMode(true);
  try {
    const code = await runWizardOnTerminal(mode, opts, globals, stop);
    return stop.why === 'hangup' || terminal.lost() ? EXIT_HANGUP : code;
  } finally {
    if (process.stdin.isRaw) process.stdin.setRawMode(false);
    terminal.release();
    release();
  }
}

async function runWizardOnTerminal(mode: Mode, opts: Opts, globals: GlobalOptions, stop: StopRequest): Promise<number> {
  // Ink's chalk reads FORCE_COLOR, not NO_COLOR, when it loads: translate first.
  if (!globals.color) process.env.FORCE_COLOR = '0';

  // Ask git for the operator now (a child process: ~10 ms, far more on a loaded
  // machine); it answers while the checklist is read.
  const operatorName = typeof opts.operator === 'string' && opts.operator.trim() ? Promise.resolve({ name: opts.operator.trim(), from: '--operator' }) : defaultOperator();
  // Start loading the view while the checklist and session are read: the first frame waits for both.
  const ui = { ink: loadInk(), app: import('../../ui/app.js') };
  void ui.ink.catch(() => {});
  void ui.app.catch(() => {});
  // A start with an unchanged checklist reads the parse result kept by the last one (no parser, no probe schemas).
  const [{ loadChecklistCached }, { forTerminalChecklist }] = await Promise.all([import('../../checklist/load.js'), import('../../checklist/for-terminal.js')]);
  const validator = () => import('../../probes/registry.js').then((m) => m.validateProbe);
  const loaded = await loadChecklistCached(globals.checklist, validator, parseCache(), globals.checklistGiven ? 'flag' : 'default');
  const problems = loaded.problems;
  // Everything the wizard shows comes from this copy: item text cannot drive the terminal.
  const checklist = forTerminalChecklist(loaded.checklist);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${shown(p.file)}:${p.line}: ${p.message}\n`);
    process.stderr.write(`${shown(globals.checklist)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix them (deploy-wizard validate lists them) and start again\n`);
    return 2;
  }
  const [{ loadVars }, { createRedactor }, { openStore, storePlace }, summary, { reconcileOpenSession }, { signoffPolicy }] = await Promise.all([
    import('../../config/vars.js'),
    import('../../secrets/redactor.js'),
    import('../../session/select-store.js'),
    import('../../session/summary.js'),
    import('../../session/resume.js'),
    import('../../session/signoff.js'),
  ]);
  // The checklist's sign-off rules, stored in the session so its core applies them to every writer.
  const policy = signoffPolicy(checklist);
  const vars = await loadVars({ envFile: globals.envFile, config: globals.config, env: process.env });
  const redact = createRedactor(vars);
  const logging = new Set<Promise<unknown>>();
  const notifier = await openNotifier(
    opts,
    globals,
    vars,
    // A failure is shown once; every outcome, delivered or not, is recorded (what, to whom, the answer; never the URL).
    (line, first) => void (first && wizard?.setState({ notice: line })),
    (delivery) => {
      if (!open) return;
      const entry: Promise<unknown> = open
        .apply(deliveryChange(delivery))
        .catch(() => {})
        .finally(() => logging.delete(entry));
      logging.add(entry);
    },
  );
  const store = await openStore(globals, redact);
  // Who may sign and with which key (src/signing/): a malformed allowed_signers is one FILE:LINE line before anything opens.
  const signingSetup = await import('../../signing/setup.js');
  const signingConfig = signingSetup.loadSigningConfig({
    flag: globals.allowedSigners,
    configFile: globals.config,
    checklist: globals.checklist,
    checklistRequires: checklist.signoff.signatures === 'required',
    shown,
  });
  const given = typeof opts.operator === 'string' && opts.operator.trim() ? opts.operator.trim() : undefined;
  // A new session may start under the account's name (looked up while the checklist was read);
  // an existing one is never joined under a guessed one.
  const { name: operator, from: operatorFrom } = await operatorName;
  // The environment is the record's first fact: given with --env, or chosen on the new-session form, never assumed.
  const environment = typeof opts.env === 'string' && opts.env.trim() ? opts.env.trim() : undefined;

  let open: OpenSession | undefined;
  let wizard: WizardStore | undefined;

  /** Open (or create) the session and build the wizard store around it. */
  const begin = async (choice: { id: string; who?: string } | { start: { environment: string; operator: string } }, notice?: string): Promise<WizardStore> => {
    let who = 'who' in choice && choice.who ? choice.who : operator;
    if ('start' in choice) {
      who = choice.start.operator;
      open = notifyingSession(await store.create({
        environment: choice.start.environment,
        operator: who,
        checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id), policy },
      }), notifier.notify, checklist);
      notifier.notify({ kind: 'session.start', sessionId: open.id, environment: choice.start.environment, operator: who });
    } else {
      open = notifyingSession(await store.open(choice.id, who), notifier.notify, checklist);
      const { added, removed } = await reconcileOpenSession(open, { hash: checklist.hash, items: checklist.items, policy });
      if (added.length || removed.length) {
        notice = `the checklist changed since this session started: ${added.length} item${added.length === 1 ? '' : 's'} added, ${removed.length} removed`;
      }
      if (!open.current().operators.includes(who)) await open.apply({ type: 'operator.join', name: who });
    }
    // No BASELINE_P50_MS given: the baseline stored by the last SUCCESS session of this environment.
    // Through the session store: the sessions folder, or the team's PostgreSQL in team mode.
    const [{ findBaselineSession, findPreviousSession }, { withInheritedBaseline }] = await Promise.all([import('../../session/previous.js'), import('../../session/baseline.js')]);
    // One precedence (chooseBaseline): this session's own baseline measurement, the last SUCCESS session's, BASELINE_P50_MS.
    const inherited = withInheritedBaseline(vars, await findBaselineSession(store, open.current()), open.current());
    if (inherited.from && !notice) notice = `baseline p50 ${inherited.from.p50} ms from ${inherited.from.own ? 'this session' : `session ${inherited.from.sessionId} (the last SUCCESS of ${open.current().environment})`}`;
    const held = open;
    const previousSession = () => findPreviousSession(store, held.current());
    const setup = signingSetup.setupChange(open.current(), signingConfig);
    if (setup) {
      try {
        await open.apply(setup);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        notice = err.message;
      }
    }
    // A completed session opens read-only: said at once (its refusal's own words), not only when a key is refused.
    if (open.current().status === 'completed') notice = readOnlyLine(open.current());
    const signing = await signingSetup.signerFor(open.current(), signingConfig, who);
    // `a` on an item sends its announcement through the notifier; each outcome is in the session before its probe runs again.
    const announce = notifier.targets.length ? announcer(notifier, () => held.current(), who, () => Promise.allSettled([...logging])) : undefined;
    wizard = await buildStore(open, checklist, inherited.vars, who, Boolean(opts.dryRun), globals.sessionsDir, previousSession, notice, signing, announce);
    if (stop.why) void wizard.getState().interrupt();
    return wizard;
  };

  /** Who resumes `id`: --operator, else asked (the session's operators, or someone else); undefined when cancelled. */
  const identify = async (id: string): Promise<string | undefined> => {
    if (given) return given;
    const doc = await store.read(id);
    const [React, { render }, { IdentityPicker }, { readOnlyLine }] = await Promise.all([
      import('react').then((m) => m.default),
      ui.ink,
      import('../../ui/identity-picker.js'),
      import('../../session/signoff.js'),
    ]);
    let answer: string | undefined;
    const asked = render(
      React.createElement(IdentityPicker, {
        sessionId: id,
        operators: doc.operators,
        readOnly: doc.status === 'completed' ? readOnlyLine(doc) : undefined,
        onChoose: (name: string) => {
          answer = name;
          done();
        },
        onCancel: () => done(),
      }),
      { exitOnCtrlC: false },
    );
    // The question leaves no trace above the wizard: its last frame is drawn empty before it goes.
    const done = () => {
      asked.rerender(React.createElement(React.Fragment));
      asked.unmount();
    };
    stop.act = done;
    await asked.waitUntilExit();
    stop.act = undefined;
    asked.cleanup();
    return answer;
  };

  let pickerSessions: Awaited<ReturnType<SessionStore['list']>> | undefined;
  // The new-session form offers the same environments on every route (environmentChoices).
  let knownEnvironments: string[] = [];
  let pickerNotice: string | undefined;
  // `start` records who runs the release: given with --operator, or confirmed on the form (the account's name prefilled).
  if (mode.kind === 'start' && environment && given) await begin({ start: { environment, operator } });
  else if (mode.kind === 'start') {
    pickerSessions = [];
    knownEnvironments = summary.environmentsOf(await store.list());
  }
  else if (mode.kind === 'resume' || mode.kind === 'join') {
    let id = mode.id;
    if (!id) {
      // The latest readable one; files that could not be read are named once, not passed over in silence.
      const rows = await store.list();
      const notice = summary.unreadableNotice(rows);
      if (notice) process.stderr.write(`${notice}\n`);
      id = summary.unfinished(rows)[0]?.id;
    }
    if (!id) throw new UserError(`no unfinished session to resume in ${storePlace(globals, shown(globals.sessionsDir))}; start one with deploy-wizard start${storeArg(globals.store, process.env, { from: globals.storeFrom, config: globals.config, shown })}`);
    const who = await identify(id);
    if (!who || stop.why) {
      await (store as { end?: () => Promise<void> }).end?.();
      return EXIT_INTERRUPTED;
    }
    await begin({ id, who });
  }
  else {
    const all = await store.list();
    const rows = summary.unfinished(all);
    pickerNotice = summary.unreadableNotice(all);
    if (rows.length === 0 && environment && given) {
      if (pickerNotice) process.stderr.write(`${pickerNotice}\n`);
      await begin({ start: { environment, operator } });
    } else {
      pickerSessions = rows;
      knownEnvironments = summary.environmentsOf(all);
    }
  }

  const [React, { render }, { App }] = await Promise.all([import('react').then((m) => m.default), ui.ink, ui.app]);
  let signalled = false;
  const instance = render(
    React.createElement(App, {
      checklist,
      store: wizard,
      // The picker offers --env first when given; it never assumes one.
      picker: pickerSessions ? { sessions: pickerSessions, notice: pickerNotice, defaults: { environment, operator, operatorFrom }, environments: knownEnvironments, askWho: !given, confirmOperator: true, choose: (c) => begin(c) } : undefined,
      onInterrupt: () => {
        signalled = true;
      },
    }),
    { exitOnCtrlC: false },
  );

  // SIGTERM/SIGHUP/terminal loss (and SIGINT, should one arrive outside raw mode): cancel, save, exit.
  stop.act = () => {
    if (wizard) void wizard.getState().interrupt();
    else instance.unmount();
  };
  // A stop that came during start-up acts now, on the first frame.
  if (stop.why) stop.act();
  try {
    await instance.waitUntilExit();
  } finally {
    stop.act = undefined;
    instance.cleanup();
    if (wizard) {
      await wizard.getState().flush();
      wizard.getState().dispose();
    }
    // Messages still in flight get a moment, never the exit: a hanging webhook cannot hold the wizard.
    await notifier.close(2000);
    await Promise.allSettled([...logging]);
    await open?.close();
    await (store as { end?: () => Promise<void> }).end?.();
  }
  const state = wizard?.getState();
  // Unsaved work is never reported as saved: say what, why, and how to get it back; exit 1 ("not everything saved").
  if (state?.unsaved && open) process.stderr.write(`\n${unsavedExitMessage(open.id, state.unsaved, globals)}\n`);
  // Every way out of an open session that saved says how to come back (q, Ctrl-C, SIGTERM alike).
  if (state && open && !state.unsaved) process.stdout.write(savedExitMessage(open.id, globals));
  if (state?.exit === 'interrupt' || signalled || stop.why) return EXIT_INTERRUPTED;
  if (state?.unsaved) return 1;
  return 0;
}

/** A word a POSIX shell reads back as is (quoted when it must be). */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that resumes a session where it was opened: a non-default
 * checklist, sessions directory, variables (--env-file, --config), allowed
 * signers or team store (typed as a flag) is part of it, so the probes see the
 * same variables again. A store URL is shown with its password masked. The
 * command is the installed bin's, whose shebang ends Node's own options, so
 * Node does not take its --env-file.
 */
export function resumeCommand(id: string, globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const q = shellWord;
  const parts = ['deploy-wizard', 'resume', q(id)];
  if (globals.checklist !== resolve(shippedChecklistPath())) parts.push('--checklist', q(shown(globals.checklist)));
  if (globals.sessionsDir !== resolve('sessions')) parts.push('--sessions-dir', q(shown(globals.sessionsDir)));
  const fromEnv = env.DEPLOY_WIZARD_ENV_FILE?.trim() && resolve(env.DEPLOY_WIZARD_ENV_FILE.trim()) === globals.envFile;
  if (globals.envFile && !fromEnv) parts.push('--env-file', q(shown(globals.envFile)));
  const store = storeArg(globals.store, env, { from: globals.storeFrom, config: globals.config, shown });
  if (globals.config && !store.startsWith(' --config ')) parts.push('--config', q(shown(globals.config)));
  if (globals.allowedSigners) parts.push('--allowed-signers', q(shown(globals.allowedSigners)));
  return parts.join(' ') + store;
}

/**
 * The last words after a clean quit. The command stands on a line of its own,
 * so a terminal that wraps it at 80 columns never splits it mid-id among other
 * words, and a triple-click copies it whole.
 */
export function savedExitMessage(id: string, globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const masked = storeSecretMasked(globals.store, env, globals.storeFrom)
    ? `(the store password is masked: set DEPLOY_WIZARD_STORE to the URL and use --store "$DEPLOY_WIZARD_STORE", or put it in a --config file's "store")\n`
    : '';
  return `\nSaved session ${id}. Resume with:\n${resumeCommand(id, globals, env)}\n${masked}`;
}

/**
 * The last words when changes could not be saved: what, why, and the commands
 * that restore them: the resume command as it was opened (a non-default
 * --checklist, --sessions-dir and store named, like after a clean quit).
 */
export function unsavedExitMessage(id: string, u: NonNullable<WizardState['unsaved']>, globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const n = `${u.count} change${u.count === 1 ? '' : 's'}`;
  const target = shellWord(shown(join(globals.sessionsDir, `${id}.json`)));
  const resume = resumeCommand(id, globals, env);
  const restore = u.copy
    ? `The session with every change is in ${u.copy}: once saving works, restore it with: cp ${u.copy} ${target} && ${resume}`
    : `Resume with: ${resume} and make ${u.count === 1 ? 'it' : 'them'} again.`;
  return `NOT SAVED: ${n} to session ${id} could not be written — ${u.reason}.\n${restore}`;
}

async function buildStore(
  open: OpenSession,
  checklist: Checklist,
  vars: Vars,
  operator: string,
  dryRun: boolean,
  sessionsDir: string,
  previousSession: () => Promise<Session | undefined>,
  notice?: string,
  signing: { signer?: Signer; problem?: string } = {},
  announce?: WizardDeps['announce'],
): Promise<WizardStore> {
  const { createWizardStore } = await import('../../store/wizard-store.js');
  return createWizardStore({
    announce,
    checklist,
    session: open,
    vars,
    operator,
    dryRun,
    notice,
    previousSession,
    signer: signing.signer,
    signerProblem: signing.problem,
    // The runner (and the probe libraries behind it) loads on the first probe, not for the first frame.
    runProbes: async (jobs, options) => (await import('../../probes/runner.js')).runProbes(jobs, options),
    runCommand: blockRunner(vars),
    kubeContext: async () => (await import('../../probes/kubectl.js')).currentKubeContext({ ...vars }),
    writeIncident: async (n, text) => {
      const { writeTextAtomic } = await import('../../report/files.js');
      const file = join(sessionsDir, `${open.id}-incident-${n}.md`);
      await writeTextAtomic(file, text.endsWith('\n') ? text : text + '\n');
      return shown(file);
    },
    incidentPath: (n) => shown(join(sessionsDir, `${open.id}-incident-${n}.md`)),
    writeReport: async (session) => {
      const { writeReport } = await import('../../report/files.js');
      return shown(await writeReport(sessionsDir, session, checklist, { vars, previous: await previousSession() }));
    },
  });
}
