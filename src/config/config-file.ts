/**
 * `--config`: a JSON file `{"vars": {"NAME": "value"}, "notify": "https://…"}`
 * (or `"notify": {"stakeholders": "https://…", "ops": "https://…"}`: one webhook per audience).
 * Every top-level key is one the tool reads (or a comment: a key starting with
 * `//`, `_` or `$`); any other is refused with its name, never ignored.
 */
import { clip } from '../text/escape.js';
import { jsonErrorWhere, UserError } from '../errors.js';
import { readText } from './source-file.js';
import { AUDIENCE_NAME } from '../grammar/notifications.js';

/** A top-level key shaped like a variable name: meant for "vars", never read where it is. */
const VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

/** What a --config file holds. */
export interface ConfigFile {
  vars: Record<string, string>;
  /** The webhook for notifications (http/https only): the one URL form (every message, no audience named). */
  notify?: string;
  /** The webhooks by audience (`"notify": {"stakeholders": URL, …}`), in the file's order; absent with the one URL form. */
  notifyTargets?: NotifyTarget[];
  /** The team store URL (postgres://…), read by team mode. */
  store?: string;
}

/** A webhook and who reads it (`audience` absent: the one URL form, whose readers the record cannot name). */
export interface NotifyTarget {
  audience?: string;
  url: string;
}


/**
 * Every top-level key the tool reads: variables, the webhook, the team store,
 * and the signing setup (src/signing/setup.ts reads the last three).
 */
const CONFIG_KEYS = ['vars', 'notify', 'store', 'allowedSigners', 'signingKey', 'requireSignatures'] as const;

/** A key a person writes to annotate the file: `"//": "…"`, `"_comment"`, `"$schema"`. */
const COMMENT_KEY = /^(\/\/|_|\$)/;

/** The webhook URL of `--notify` or the config's `"notify"`, checked: http(s) only, one clear line otherwise. */
export function checkNotifyUrl(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UserError(`${where}: not a URL: give the webhook's http(s):// address, e.g. https://hooks.slack.com/services/…`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UserError(`${where}: ${url.protocol} is not supported: give an http(s):// webhook address`);
  return url.toString();
}

/** The known key a mistyped one most likely meant (same first letters, any case). */
function meant(key: string): string | undefined {
  const k = key.toLowerCase();
  return CONFIG_KEYS.find((known) => k === known || (k.length >= 3 && (known.startsWith(k.slice(0, 3)) || k.startsWith(known.slice(0, 3)))));
}

/**
 * Read `{"vars": {...}}`; numbers and booleans become their string form
 * (`5432` → "5432", `true` → "true"). A value that cannot be a variable
 * (null, list, object) or a variable outside "vars" is one error naming
 * the key, never dropped without a word.
 */
export function parseConfigText(text: string, file: string): Record<string, string> {
  return parseConfigDocument(text, file).vars;
}

/** Every key of a --config file, each checked (see parseConfigText for "vars"). */
export function parseConfigDocument(text: string, file: string): ConfigFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--config ${file}: not valid JSON (${jsonErrorWhere(text, err)})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`--config ${file}: expected a JSON object like {"vars": {"DOMAIN": "example.com"}}`);
  const stray = Object.keys(doc).find((k) => VAR_NAME.test(k));
  if (stray) throw new UserError(`--config ${file}: "${stray}" is at the top level, where it is not read: put variables under "vars", e.g. {"vars": {"${stray}": ...}}`);
  const unknown = Object.keys(doc).find((k) => !(CONFIG_KEYS as readonly string[]).includes(k) && !COMMENT_KEY.test(k));
  if (unknown !== undefined) {
    const guess = meant(unknown);
    throw new UserError(`--config ${file}: unknown key "${clip(unknown)}"${guess ? ` (did you mean "${guess}"?)` : ''}: the keys read are ${CONFIG_KEYS.map((k) => `"${k}"`).join(', ')}; remove it or rename it`);
  }
  const record = doc as Record<string, unknown>;
  const out: ConfigFile = { vars: parseVars(record.vars, file) };
  if (record.notify !== undefined) {
    const n = record.notify;
    if (n && typeof n === 'object' && !Array.isArray(n)) {
      const entries = Object.entries(n);
      if (!entries.length) throw new UserError(`--config ${file}: "notify" is empty: give a webhook URL per audience, e.g. {"stakeholders": "https://hooks.slack.com/services/…"}`);
      out.notifyTargets = entries.map(([audience, url]) => {
        if (!AUDIENCE_NAME.test(audience)) throw new UserError(`--config ${file}: "notify" audience "${clip(audience)}" is not a name: use lower-case words such as stakeholders, ops, support`);
        if (typeof url !== 'string') throw new UserError(`--config ${file}: "notify".${audience} must be the webhook URL as a string, e.g. "https://hooks.slack.com/services/…"`);
        return { audience, url: checkNotifyUrl(url, `--config ${file}: "notify".${audience}`) };
      });
    } else if (typeof n === 'string') out.notify = checkNotifyUrl(n, `--config ${file}: "notify"`);
    else throw new UserError(`--config ${file}: "notify" must be the webhook URL as a string, or an object of audience: URL, e.g. {"stakeholders": "https://hooks.slack.com/services/…"}`);
  }
  if (record.store !== undefined) {
    if (typeof record.store !== 'string') throw new UserError(`--config ${file}: "store" must be the team store URL as a string, e.g. "postgres://…"`);
    out.store = record.store;
  }
  return out;
}

function parseVars(vars: unknown, file: string): Record<string, string> {
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

export async function readConfigFile(path: string): Promise<Record<string, string>> {
  return (await readConfig(path)).vars;
}

/** The whole --config file, every key checked. */
export async function readConfig(path: string): Promise<ConfigFile> {
  return parseConfigDocument(await readText(path, '--config', 'JSON'), path);
}
