/** The CLI script's entry (dist/cli.js, loaded by ./bin.ts): run the command line and set the exit code. */
import { main, oneLine } from './main.js';

await main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(oneLine(err) + '\n');
    process.exitCode = 2;
  },
);
