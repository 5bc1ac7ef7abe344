/**
 * Variables (for probes, reports and the store's redactor): the process environment, then --env-file (dotenv),
 * then --config; `${NAME}` and `${NAME:-default}` substitution.
 *
 * Precedence: a name set in an earlier source wins (env over env file over
 * config), so an operator can override one value from the shell without
 * editing files. The config file is JSON: `{"vars": {"NAME": "value"}}`
 * (other top-level keys are left for other features).
 *
 * DATABASE_URL and the app's DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD are
 * two spellings of one fact: whichever a source gives, the other is derived.
 */
import { safeDecode } from '../text/lines.js';
import { readConfigFile } from './config-file.js';
import { readEnvFile } from './env-file.js';

/** Resolved variables: read-only, names to values. */
export type Vars = Readonly<Record<string, string>>;

export interface VarSources {
  envFile?: string;
  config?: string;
  env?: NodeJS.ProcessEnv;
}

const DB_PARTS = ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD'] as const;

/** Load and merge variables; a missing or malformed file is a UserError naming it. */
export async function loadVars(sources: VarSources): Promise<Vars> {
  const env = withDatabaseParts(cleanEnv(sources.env ?? process.env));
  const fromFile = sources.envFile ? withDatabaseParts(await readEnvFile(sources.envFile)) : {};
  const fromConfig = sources.config ? withDatabaseParts(await readConfigFile(sources.config)) : {};
  // Earlier sources win: spread the later ones first.
  return Object.freeze(withDatabaseParts({ ...fromConfig, ...fromFile, ...env }));
}

function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Fill DB_* from DATABASE_URL when DB_HOST is unset, and DATABASE_URL from DB_*
 * when it is unset and host, name and user are known.
 */
function withDatabaseParts(vars: Record<string, string>): Record<string, string> {
  const out = { ...vars };
  if (out.DATABASE_URL && !out.DB_HOST) {
    const parts = parseDatabaseUrl(out.DATABASE_URL);
    if (parts) for (const k of DB_PARTS) if (parts[k] && !out[k]) out[k] = parts[k]!;
  } else if (!out.DATABASE_URL && out.DB_HOST && out.DB_NAME && out.DB_USER) {
    const auth = encodeURIComponent(out.DB_USER) + (out.DB_PASSWORD ? ':' + encodeURIComponent(out.DB_PASSWORD) : '');
    const host = out.DB_HOST.includes(':') ? `[${out.DB_HOST}]` : out.DB_HOST;
    out.DATABASE_URL = `postgres://${auth}@${host}:${out.DB_PORT || '5432'}/${encodeURIComponent(out.DB_NAME)}`;
  }
  return out;
}

function parseDatabaseUrl(text: string): Partial<Record<(typeof DB_PARTS)[number], string>> | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) return undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    DB_HOST: host || undefined,
    DB_PORT: u.port || undefined,
    DB_NAME: safeDecode(u.pathname.replace(/^\//, '')) || undefined,
    DB_USER: safeDecode(u.username) || undefined,
    DB_PASSWORD: safeDecode(u.password) || undefined,
  };
}

const VAR_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Substitute ${VARS} in a string; names of unset variables are returned in
 * `missing`. An empty value counts as unset (a blank `DB_PASSWORD=` in an env
 * file means "not filled in yet"), so `${X:-d}` gives `d` and `${X}` is missing.
 */
export function substitute(text: string, vars: Vars): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(VAR_REF, (_m, name: string, fallback: string | undefined) => {
    // Own names only: ${constructor} or ${toString} are unset variables, not Object.prototype's members.
    const v = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    if (!missing.includes(name)) missing.push(name);
    return '';
  });
  return { value, missing };
}
