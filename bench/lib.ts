/**
 * What the benchmark harness measures in-process. bench/run.mjs bundles this
 * file with esbuild (production build, like dist/) so plain Node can import it.
 */
import { parseChecklist as parse } from '../src/checklist/parse.js';
import { validateProbe } from '../src/probes/registry.js';
export { checkParams } from '../src/probes/registry.js';

/** The parser with the built-in kinds' validator, as the CLI calls it. */
export const parseChecklist = (text: string, file: string) => parse(text, file, validateProbe);
export { runProbes, DEFAULT_CONCURRENCY } from '../src/probes/runner.js';
export { createFileStore } from '../src/session/file-store.js';
export { createRedactor } from '../src/secrets/redactor.js';
// The test run's server logic (Debian binaries, runuser as root), reused so the
// bench talks to the same kind of real PostgreSQL and Redis the tests do.
export { freePort, startPostgres, startRedis } from '../test/helpers/servers.js';
export { walkSections } from '../src/store/progress.js';
// For the session-save breakdown (what each step of one apply costs).
export { applyChange } from '../src/session/changes.js';
export { SessionSchema } from '../src/session/schema.js';
export { redactDeep } from '../src/secrets/redactor.js';
// The notifier's "never blocks its caller" row.
export { createNotifier } from '../src/notify/notify.js';
