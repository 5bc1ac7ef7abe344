// Shared by the team benches (team-latency.mjs, team-burst.mjs): bundle an
// entry that imports our TypeScript, find or start PostgreSQL, drop the
// bench's schema afterwards, and one redacted error line.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundle `entry` (TypeScript source resolved from the repository root) to `outfile` and import it. */
export async function bundleAndImport(entry, outfile, name) {
  await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: `${name}-entry.ts`, loader: 'ts' },
    absWorkingDir: root,
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['vitest', 'vitest/*'],
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'error',
  });
  return import(pathToFileURL(outfile).href);
}

/** DEPLOY_WIZARD_STORE when it is a postgres:// URL, else a private server in `work` ({url, server}). */
export async function storeUrl(mod, work) {
  const url = process.env.DEPLOY_WIZARD_STORE;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { url, server: undefined };
  const pgDir = join(work, 'pg');
  mkdirSync(pgDir, { mode: 0o755 });
  const server = await mod.startPostgres(pgDir);
  const f = server.facts;
  return { url: `postgres://${encodeURIComponent(f.user)}:${encodeURIComponent(f.password)}@${f.host}:${f.port}/${f.database}`, server };
}

/** Drop the bench's schema from a shared server (a private one is simply stopped). */
export async function dropBenchSchema(schema) {
  if (!process.env.DEPLOY_WIZARD_STORE) return;
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: process.env.DEPLOY_WIZARD_STORE });
  await c.connect().then(() => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => {}).finally(() => c.end().catch(() => {}));
}

/** One line, never the store URL's password (messages from the store are redacted already). */
export function failLine(name, e) {
  return `${name}: ${String(e?.message ?? e).split('\n')[0].replace(/(:\/\/[^:\s/@]*):[^@\s]+@/g, '$1:***@')}\n`;
}
