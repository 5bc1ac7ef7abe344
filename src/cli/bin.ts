/**
 * The bin (`deploy-wizard`): turns on the compile cache, then runs the CLI. It is
 * the bundle's entry and imports the CLI dynamically, so the cache is on before
 * any of the CLI's modules is compiled.
 */
import { enableCompileCache } from './compile-cache.js';

enableCompileCache();
const { main, oneLine } = await import('./main.js');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(oneLine(err) + '\n');
    process.exitCode = 2;
  },
);
