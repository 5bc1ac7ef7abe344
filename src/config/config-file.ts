/** `--config`: a JSON file `{"vars": {"NAME": "value"}}` (other top-level keys are left for other features). */
import { clip } from '../checklist/annotations.js';
import { jsonErrorWhere, UserError } from '../errors.js';
import { readText } from './source-file.js';

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

export async function readConfigFile(path: string): Promise<Record<string, string>> {
  return parseConfigText(await readText(path, '--config', 'JSON'), path);
}
