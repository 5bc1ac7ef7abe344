/**
 * Variables for probes: the process environment, then --env-file (dotenv),
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
import { readFile, stat } from 'node:fs/promises';
import { parse as parseDotenv } from 'dotenv';
import { clip } from '../checklist/annotations.js';
import { jsonErrorWhere, UserError } from '../errors.js';
import type { Vars } from './types.js';

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

async function readText(path: string, flag: string, what: string): Promise<string> {
  let buf: Buffer;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UserError(`${flag} ${path}: is a directory, expected a ${what} file`);
    buf = await readFile(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
    throw new UserError(`${flag} ${path}: ${why} (check the path)`);
  }
  if (buf.includes(0)) throw new UserError(`${flag} ${path}: looks binary, expected a ${what} file`);
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * Parse a dotenv file. dotenv itself silently skips lines it does not
 * understand; a typo there would make a probe "not configured" for no visible
 * reason, so such lines are reported with their line number instead.
 */
export function parseEnvText(text: string, file: string): Record<string, string> {
  const lines = text.split(/\r?\n/);
  let open: string | undefined; // quote char of a multi-line value still open
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open) {
      if (line.includes(open)) open = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const m = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]\s?(.*)$/.exec(trimmed);
    if (!m) throw new UserError(`${file}:${i + 1}: not a NAME=value line (fix or comment it out with #)`);
    const value = m[1].trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.indexOf(q, 1) === -1) open = q;
  }
  if (open) throw new UserError(`${file}: a quoted value (${open}) is never closed`);
  return parseDotenv(text);
}

async function readEnvFile(path: string): Promise<Record<string, string>> {
  return parseEnvText(await readText(path, '--env-file', 'dotenv (NAME=value)'), path);
}

/** A top-level key shaped like a variable name: meant for "vars", never read where it is. */
const VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Read `{"vars": {...}}`; numbers and booleans become their string form
 * (`5432` → "5432", `true` → "true"). A value that cannot be a variable
 * (null, list, object) or a variable outside "vars" is one error naming
 * the key, never dropped without a word.
 */
export function parseConfigText(text: string, file: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--config ${file}: not valid JSON (${jsonErrorWhere(text, err)})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`--config ${file}: expected a JSON object like {"vars": {"DOMAIN": "example.com"}}`);
  const stray = Object.keys(doc).find((k) => VAR_NAME.test(k));
  if (stray) throw new UserError(`--config ${file}: "${stray}" is at the top level, where it is not read: put variables under "vars", e.g. {"vars": {"${stray}": ...}}`);
  const vars = (doc as Record<string, unknown>).vars;
  if (vars === undefined) return {};
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) throw new UserError(`--config ${file}: "vars" must be an object of NAME: value`);
  // No prototype: a variable named __proto__ is kept as one, not taken for the object's prototype.
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new UserError(`--config ${file}: vars.${clip(k)} is ${v === null ? 'null' : Array.isArray(v) ? 'a list' : 'an object'}: give a string, number or boolean (or leave the name out)`);
  }
  return out;
}

async function readConfigFile(path: string): Promise<Record<string, string>> {
  return parseConfigText(await readText(path, '--config', 'JSON'), path);
}

/**
 * Fill DB_* from DATABASE_URL when DB_HOST is unset, and DATABASE_URL from DB_*
 * when it is unset and host, name and user are known.
 */
export function withDatabaseParts(vars: Record<string, string>): Record<string, string> {
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
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    DB_HOST: host || undefined,
    DB_PORT: u.port || undefined,
    DB_NAME: dec(u.pathname.replace(/^\//, '')) || undefined,
    DB_USER: dec(u.username) || undefined,
    DB_PASSWORD: dec(u.password) || undefined,
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
