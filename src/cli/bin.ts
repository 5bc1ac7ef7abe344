/**
 * The bin (`deploy-wizard`, dist/deploy-wizard.js, CommonJS: Node's ES module
 * loader is never loaded): undoes what its shebang set for Node alone (./launch.ts,
 * first, before any other module), then loads the CLI script (dist/cli.js,
 * built from ./run.ts) through the code cache (./code-cache.ts).
 */
import './launch.js';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { enableCompileCache, runCachedScript, scriptHash } from './code-cache.js';

/** scriptHash of dist/cli.js, put here by the build. */
declare const __CLI_HASH__: string | undefined;
/** How the build says to read dist/cli.js: latin1 when it is all ASCII. */
declare const __CLI_ENCODING__: 'latin1' | 'utf8' | undefined;

(async () => {
  enableCompileCache();
  const cli = pathToFileURL(`${__dirname}/cli.js`);
  const hash = typeof __CLI_HASH__ === 'string' ? __CLI_HASH__ : scriptHash(readFileSync(cli));
  await runCachedScript(cli, hash, process.argv.slice(2), process.env, typeof __CLI_ENCODING__ === 'string' ? __CLI_ENCODING__ : 'utf8');
})().catch((err: unknown) => {
  // Only a broken install gets here (the CLI reports its own errors): one line.
  process.stderr.write(`deploy-wizard: cannot start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exitCode = 2;
});
