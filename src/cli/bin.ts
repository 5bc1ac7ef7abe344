/**
 * The bin (`deploy-wizard`, dist/deploy-wizard.js): loads the CLI script
 * (dist/cli.js, built from ./run.ts) through the code cache (./code-cache.ts).
 */
import { enableCompileCache, runCachedScript } from './code-cache.js';

enableCompileCache();
try {
  await runCachedScript(new URL('./cli.js', import.meta.url), process.argv.slice(2));
} catch (err) {
  // Only a broken install gets here (the CLI reports its own errors): one line.
  process.stderr.write(`deploy-wizard: cannot start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exitCode = 2;
}
