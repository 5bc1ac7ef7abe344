/**
 * The interactive wizard commands: `deploy-wizard` (resume picker or start),
 * `start`, `resume [ID]`, `join ID`. This is the I/O edge of the UI: it loads
 * the checklist, variables and session store, injects the side effects into
 * the wizard store, mounts Ink, and turns Ctrl-C/SIGTERM/SIGHUP into exit 130.
 * Ink and React are imported only after the terminal check, probe libraries
 * only when a probe runs.
 */
import { execFile, spawn } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { UserError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import type { Checklist } from '../../checklist/types.js';
import type { OpenSession, SessionStore } from '../../session/store.js';
import type { Vars } from '../../probes/types.js';
import type { CommandRunner, WizardStore } from '../../store/wizard-store.js';

type Opts = Record<string, any>;
type Mode = { kind: 'default' } | { kind: 'start' } | { kind: 'resume'; id?: string } | { kind: 'join'; id: string };

export const NO_TTY_MESSAGE = 'deploy-wizard needs a terminal for the interactive wizard; use `deploy-wizard check` for automated checks';

export const runStart = (o: Opts, g: GlobalOptions, _a: string[]) => runWizard({ kind: 'start' }, o, g);
export const runResume = (o: Opts, g: GlobalOptions, a: string[]) => runWizard({ kind: 'resume', id: a[0] }, o, g);
export const runJoin = (o: Opts, g: GlobalOptions, a: string[]) => runWizard({ kind: 'join', id: a[0] }, o, g);
export const runDefault = (o: Opts, g: GlobalOptions, _a: string[]) => runWizard({ kind: 'default' }, o, g);

/** `git config user.name`, else $USER, else the OS account name. */
export async function defaultOperator(): Promise<string> {
  const fromGit = await new Promise<string>((resolve) => {
    execFile('git', ['config', 'user.name'], { timeout: 2000 }, (err, stdout) => resolve(err ? '' : String(stdout).trim()));
  });
  if (fromGit) return fromGit;
  if (process.env.USER) return process.env.USER;
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

/**
 * Run a command block with bash in its own process group, output piped (never
 * inherited while Ink owns the terminal); abort kills the whole group.
 */
export function bashRunner(vars: Vars): CommandRunner {
  return (script, { signal, onOutput }) =>
    new Promise((resolve) => {
      const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...vars } });
      const kill = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      };
      signal.addEventListener('abort', kill, { once: true });
      child.stdout.on('data', (b: Buffer) => onOutput(b.toString('utf8')));
      child.stderr.on('data', (b: Buffer) => onOutput(b.toString('utf8')));
      child.on('error', (err) => {
        onOutput(`${err.message}\n`);
        resolve({ exitCode: 127 });
      });
      child.on('close', (code) => {
        signal.removeEventListener('abort', kill);
        resolve({ exitCode: signal.aborted ? null : code });
      });
    });
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

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function runWizard(mode: Mode, opts: Opts, globals: GlobalOptions): Promise<number> {
  // Decided before Ink is imported: a pipe cannot drive the wizard.
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UserError(NO_TTY_MESSAGE);
  // Raw mode at once, not when Ink mounts: a key typed while the first frame is
  // being prepared would otherwise be echoed, line-buffered and (Enter arrives
  // as \n, not \r) misread; in raw mode it waits unread for Ink's input hook.
  process.stdin.setRawMode(true);
  try {
    return await runWizardOnTerminal(mode, opts, globals);
  } finally {
    if (process.stdin.isRaw) process.stdin.setRawMode(false);
  }
}

async function runWizardOnTerminal(mode: Mode, opts: Opts, globals: GlobalOptions): Promise<number> {
  // Ink's chalk reads FORCE_COLOR, not NO_COLOR, when it loads: translate first.
  if (!globals.color) process.env.FORCE_COLOR = '0';

  // Ask git for the operator now (a child process: ~10 ms, far more on a loaded
  // machine); it answers while the checklist is read.
  const operatorName = typeof opts.operator === 'string' && opts.operator.trim() ? Promise.resolve(opts.operator.trim()) : defaultOperator();
  // Start loading the view while the checklist and session are read: the first frame waits for both.
  const ui = { ink: loadInk(), app: import('../../ui/app.js') };
  void ui.ink.catch(() => {});
  void ui.app.catch(() => {});
  const { loadChecklist } = await import('../../checklist/load.js');
  const { checklist, problems } = await loadChecklist(globals.checklist);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${shown(p.file)}:${p.line}: ${p.message}\n`);
    process.stderr.write(`${shown(globals.checklist)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix them (deploy-wizard validate lists them) and start again\n`);
    return 2;
  }
  const [{ loadVars }, { createRedactor }, { openStore }, summary, { reconcileOpenSession }] = await Promise.all([
    import('../../probes/vars.js'),
    import('../../probes/redact.js'),
    import('../../session/select-store.js'),
    import('../../session/summary.js'),
    import('../../session/resume.js'),
  ]);
  const vars = await loadVars({ envFile: globals.envFile, config: globals.config, env: process.env });
  const redact = createRedactor(vars);
  const store = await openStore(globals, redact);
  const operator = await operatorName;
  const environment = typeof opts.env === 'string' && opts.env.trim() ? opts.env.trim() : 'production';

  let open: OpenSession | undefined;
  let wizard: WizardStore | undefined;
  let ended = false;

  /** Open (or create) the session and build the wizard store around it. */
  const begin = async (choice: { id: string } | { start: { environment: string; operator: string } }, notice?: string): Promise<WizardStore> => {
    let who = operator;
    if ('start' in choice) {
      who = choice.start.operator;
      open = await store.create({
        environment: choice.start.environment,
        operator: who,
        checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title, itemIds: checklist.items.map((i) => i.id) },
      });
    } else {
      open = await store.open(choice.id, who);
      const { added, removed } = await reconcileOpenSession(open, checklist);
      if (added.length || removed.length) {
        notice = `the checklist changed since this session started: ${added.length} item${added.length === 1 ? '' : 's'} added, ${removed.length} removed`;
      }
      if (!open.current().operators.includes(who)) await open.apply({ type: 'operator.join', name: who });
    }
    wizard = await buildStore(open, checklist, vars, who, Boolean(opts.dryRun), globals.sessionsDir, notice);
    if (ended) void wizard.getState().interrupt();
    return wizard;
  };

  let pickerSessions: Awaited<ReturnType<SessionStore['list']>> | undefined;
  if (mode.kind === 'start') await begin({ start: { environment, operator } });
  else if (mode.kind === 'resume') {
    const id = mode.id ?? (await summary.findLatestUnfinished(store))?.id;
    if (!id) throw new UserError(`no unfinished session to resume in ${shown(globals.sessionsDir)}; start one with deploy-wizard start`);
    await begin({ id });
  } else if (mode.kind === 'join') await begin({ id: mode.id });
  else {
    const rows = summary.unfinished(await store.list());
    if (rows.length === 0) await begin({ start: { environment, operator } });
    else pickerSessions = rows;
  }

  const [React, { render }, { App }] = await Promise.all([import('react').then((m) => m.default), ui.ink, ui.app]);
  let signalled = false;
  const instance = render(
    React.createElement(App, {
      checklist,
      store: wizard,
      picker: pickerSessions ? { sessions: pickerSessions, defaults: { environment, operator }, choose: (c) => begin(c) } : undefined,
      onInterrupt: () => {
        signalled = true;
      },
    }),
    { exitOnCtrlC: false },
  );

  // SIGTERM/SIGHUP (and SIGINT, should one arrive outside raw mode): cancel, save, exit 130.
  const onSignal = () => {
    signalled = true;
    ended = true;
    if (wizard) void wizard.getState().interrupt();
    else instance.unmount();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
    instance.cleanup();
    if (wizard) {
      await wizard.getState().flush();
      wizard.getState().dispose();
    }
    await open?.close();
    await (store as { end?: () => Promise<void> }).end?.();
  }
  const state = wizard?.getState();
  if (state?.exit === 'interrupt' || signalled) return 130;
  if (state && open) process.stdout.write(`\nSaved session ${open.id}. Resume with: deploy-wizard resume ${open.id}\n`);
  return 0;
}

async function buildStore(
  open: OpenSession,
  checklist: Checklist,
  vars: Vars,
  operator: string,
  dryRun: boolean,
  sessionsDir: string,
  notice?: string,
): Promise<WizardStore> {
  const { createWizardStore } = await import('../../store/wizard-store.js');
  return createWizardStore({
    checklist,
    session: open,
    vars,
    operator,
    dryRun,
    notice,
    // The runner (and the probe libraries behind it) loads on the first probe, not for the first frame.
    runProbes: async (jobs, options) => (await import('../../probes/runner.js')).runProbes(jobs, options),
    runCommand: bashRunner(vars),
    writeIncident: async (n, text) => {
      await mkdir(sessionsDir, { recursive: true });
      const file = join(sessionsDir, `${open.id}-incident-${n}.md`);
      await writeFile(file, text.endsWith('\n') ? text : text + '\n', { mode: 0o600 });
      return shown(file);
    },
    writeReport: async (session) => {
      const { writeReport } = await import('../../report/files.js');
      return shown(await writeReport(sessionsDir, session, checklist, { vars }));
    },
  });
}
