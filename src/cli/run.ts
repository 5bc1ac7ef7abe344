/** The CLI script's entry (dist/cli.js, loaded by ./bin.ts): run the command line and set the exit code. */
import { main, errorLine } from './main.js';
import { createLifecycle } from './lifecycle.js';

// A reader that stops early (`report ID --format json | head`) closes the pipe: what it wanted was printed.
// The rest is dropped quietly and the command ends as it would have; never a stack trace. The wizard
// (a terminal, not a pipe) has its own handling of a lost terminal (./terminal.ts).
if (!process.stdout.isTTY) {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    process.stderr.write(`deploy-wizard: cannot write the output: ${err.message.split('\n')[0]}\n`);
    process.exitCode = 2;
  });
}

// A store URL typed with --store is in every `ps` listing: show the process with its password masked
// (on Linux, Node writes the title over the argv memory that /proc/<pid>/cmdline reads).
// DEPLOY_WIZARD_STORE or the --config file's "store" keep it off the command line altogether.
if (process.argv.some((a) => a === '--store' || a.startsWith('--store='))) {
  const { maskedArgv } = await import('../secrets/redactor.js');
  const shown = maskedArgv(process.argv.slice(2));
  if (shown) process.title = ['deploy-wizard', ...shown].join(' ');
}

// The lifecycle root: signal handlers from the first moment to the last (./lifecycle.ts).
await main(process.argv.slice(2), createLifecycle()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(errorLine(err) + '\n');
    process.exitCode = 2;
  },
);
