/**
 * The command line (the README's Commands section is the contract). This is the only module that
 * exits: commands return an exit code or throw a UserError, printed as one line.
 * Commands are imported lazily so `--version` and `--help` stay fast. The bin
 * script (./run.ts) runs `main`.
 */
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors.js';
import { resolveGlobals, type GlobalOptions } from './globals.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import { forTerminal } from '../text/escape.js';
import { createRedactor } from '../secrets/redactor.js';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/** A command: it returns its exit code; `life` owns abort, signals and the exit code (./lifecycle.ts). */
export type Runner = (opts: Record<string, any>, globals: GlobalOptions, args: string[], life: Lifecycle) => Promise<number>;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(onRun: (load: () => Promise<Runner>, opts: Record<string, any>, args: string[]) => void): Command {
  const program = new Command('deploy-wizard')
    .description('Walk a team through a production deployment checklist, with live probes, a resumable session, sign-off and a report.')
    .version(VERSION, '--version', 'print the version')
    .helpOption('--help', 'show help')
    .option('--checklist <file>', 'checklist Markdown file (default: the shipped Django-Twilio-Call checklist)')
    .option('--sessions-dir <dir>', 'where sessions are kept', './sessions')
    .option('--env-file <file>', 'dotenv file with variables for probes, e.g. .env.production (or DEPLOY_WIZARD_ENV_FILE)')
    .option('--config <file>', 'JSON config file with variables and defaults')
    .option('--store <url>', 'team mode: a postgres:// URL to keep sessions in (better: DEPLOY_WIZARD_STORE, or "store" in --config, so the password is not on the command line)')
    .option('--notify <url>', 'post {"text": …} to this webhook (Slack incoming-webhook shape) on session start, rollback criterion met, incident, sign-off (or "notify" in --config)')
    .option('--allowed-signers <file>', 'who may sign (git\'s allowed_signers format; default: allowed_signers next to the checklist, or "allowedSigners" in --config)')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride();

  const all = (cmd: Command): Record<string, any> => cmd.optsWithGlobals();

  program
    .command('start')
    .description('start a new session')
    .option('--env <name>', 'environment name, e.g. production or staging (asked when left out)')
    .option('--operator <name>', 'who is running the deployment (default: git user.name or $USER)')
    .option('--dry-run', 'show commands instead of running them')
    .action((_o, cmd: Command) => onRun(() => import('./commands/wizard.js').then((m) => m.runStart), all(cmd), []));

  program
    .command('resume')
    .description('resume a session (the latest unfinished one when ID is left out)')
    .argument('[id]', 'session id')
    .option('--operator <name>', 'who is resuming')
    .option('--dry-run', 'show commands instead of running them')
    .action((id: string | undefined, _o, cmd: Command) =>
      onRun(() => import('./commands/wizard.js').then((m) => m.runResume), all(cmd), id ? [id] : []),
    );

  program
    .command('join')
    .description('team mode: open a session another operator started')
    .argument('<id>', 'session id')
    .option('--operator <name>', 'who is joining')
    .action((id: string, _o, cmd: Command) => onRun(() => import('./commands/wizard.js').then((m) => m.runJoin), all(cmd), [id]));

  program
    .command('list')
    .description('list sessions: id, env, operator, progress, status, last update')
    .option('--json', 'print JSON')
    .action((_o, cmd: Command) => onRun(() => import('./commands/list.js').then((m) => m.run), all(cmd), []));

  program
    .command('check')
    .description('run every probe, no prompts; exit 0 all pass, 1 any fail or nothing verified, 2 usage/config error')
    .option('--section <text>', 'only sections whose title or path contains TEXT (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .option('--out <file>', 'write the output to FILE instead of stdout')
    .option('--concurrency <n>', 'probes run at once', '8')
    .option('--timeout <ms>', 'default deadline per probe in ms', '10000')
    .option('--strict', 'a skipped or inconclusive probe fails the run (exit 1)')
    .action((_o, cmd: Command) => onRun(() => import('./commands/check.js').then((m) => m.run), all(cmd), []));

  program
    .command('watch')
    .description('judge the rollback criteria over a window; exit 0 none met, 1 one met, 3 inconclusive, 130 interrupted')
    .option('--for <duration>', 'length of the window, e.g. 30m, 2h (default: each criterion\'s own, else 30m)')
    .option('--interval <duration>', 'time between measurements, e.g. 30s (default: each criterion\'s own, else 30s)')
    .option('--env <name>', 'environment whose last SUCCESS session gives the baseline when BASELINE_P50_MS is unset (no default: without it no environment is named)')
    .option('--section <text>', 'only criteria in sections whose title or path contains TEXT (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format (JSON/JUnit/Markdown report on stdout, the lines on stderr)').choices(['text', 'json', 'junit', 'md']).default('text'))
    .action((_o, cmd: Command) => onRun(() => import('./commands/watch.js').then((m) => m.run), all(cmd), []));

  program
    .command('report')
    .description('print or write the report of a session')
    .argument('<id>', 'session id')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write the report to FILE instead of stdout')
    .action((id: string, _o, cmd: Command) => onRun(() => import('./commands/report.js').then((m) => m.run), all(cmd), [id]));

  program
    .command('verify')
    .description('check a session\'s or a report\'s SSH signatures against allowed_signers, offline; exit 0 every role validly signed, 1 not, 2 bad input')
    .argument('<id|file>', 'session id, session JSON, or a Markdown/JSON report')
    .action((id: string, _o, cmd: Command) => onRun(() => import('./commands/verify.js').then((m) => m.run), all(cmd), [id]));

  program
    .command('migrate')
    .description('team mode: create or upgrade the store schema (a DBA runs it once; then a role with DML rights is enough)')
    .action((_o, cmd: Command) => onRun(() => import('./commands/migrate.js').then((m) => m.run), all(cmd), []));

  program
    .command('validate')
    .description('check a checklist: counts, or FILE:LINE: message for each problem')
    .argument('[file]', 'checklist file (default: --checklist or the shipped one)')
    .action((file: string | undefined, _o, cmd: Command) =>
      onRun(() => import('./commands/validate.js').then((m) => m.run), all(cmd), file ? [file] : []),
    );

  // No command: interactive (resume an unfinished session or start one).
  program.action((_o, cmd: Command) => onRun(() => import('./commands/wizard.js').then((m) => m.runDefault), all(cmd), []));

  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: () => {} });
  }
  return program;
}

/**
 * One line for an error that reached the top (a stack trace only under
 * DEBUG=deploy-wizard), as it may be printed: secrets masked by shape (a
 * message can quote a value: a key, a URL) and made safe for a terminal (no
 * escape sequences, no bidi or other format controls).
 */
export function errorLine(err: unknown): string {
  return forTerminal(shapesOnly(rawLine(err)));
}

const shapesOnly = createRedactor();

function rawLine(err: unknown): string {
  if (err instanceof UserError) return err.message;
  if (process.env.DEBUG?.includes('deploy-wizard') && err instanceof Error && err.stack) return err.stack;
  const msg = err instanceof Error ? err.message : String(err);
  return `deploy-wizard: unexpected error: ${msg.split('\n')[0]} (set DEBUG=deploy-wizard for details)`;
}

/**
 * A leading `--` is dropped: `node dist/deploy-wizard.js -- check --env-file F`
 * and `npx deploy-wizard -- check --env-file F` need it, because Node (20, 22
 * and 24) reads an `--env-file` anywhere before the first `--` as its own,
 * after the script name too, and exits 9 on a missing file before we run.
 */
function withoutLeadingDashes(argv: string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : argv;
}

/** A lifecycle that installs no signal handlers: for `main` called inside another program (tests). */
const detachedLifecycle = (): Lifecycle => createLifecycle({ on: () => {}, exit: () => {} });

/**
 * Run one command line. The bin passes the process's lifecycle (signal
 * handlers installed for the life of the process); a stop from outside turns
 * the command's code into 129/130.
 */
export async function main(rawArgv: string[], life: Lifecycle = detachedLifecycle()): Promise<number> {
  const code = await runCommandLine(rawArgv, life);
  life.finish(code);
  return life.exitCode(code);
}

async function runCommandLine(rawArgv: string[], life: Lifecycle): Promise<number> {
  const argv = withoutLeadingDashes(rawArgv);
  let pending: Promise<number> | undefined;
  const program = buildProgram((load, opts, args) => {
    pending = (async () => {
      let globals = resolveGlobals(opts);
      // The team store URL may live in the --config file (never needed on the command line).
      if (globals.config && !globals.store) globals = await (await import('../session/select-store.js')).withConfigStore(globals);
      return (await load())(opts, globals, args, life);
    })();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return pending ? await pending : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      let msg = err.message.replace(/^error: /, '');
      if (err.code === 'commander.excessArguments') {
        const word = argv.find((a) => !a.startsWith('-'));
        if (word && !program.commands.some((c) => c.name() === word)) {
          msg = `unknown command '${word}'`;
          // Commander's own unknown-command message carries its "(Did you mean start?)" (showSuggestionAfterError);
          // the root's interactive action makes it report excess arguments instead, so ask for that message.
          try {
            (program as unknown as { unknownCommand(): never }).unknownCommand();
          } catch (e) {
            if (e instanceof CommanderError && e.code === 'commander.unknownCommand') msg = e.message.replace(/^error: /, '').replace(/\n/g, ' ');
          }
        }
      }
      process.stderr.write(forTerminal(shapesOnly(`deploy-wizard: ${msg.split('\n')[0]} (see deploy-wizard --help)`)) + '\n');
      return 2;
    }
    process.stderr.write(errorLine(err) + '\n');
    return err instanceof UserError ? err.exitCode : 2;
  }
}
