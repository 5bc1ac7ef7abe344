/** `--env-file`: a dotenv file such as the app's `.env.production`. */
import { parse as parseDotenv } from 'dotenv';
import { UserError } from '../errors.js';
import { readText } from './source-file.js';

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

export async function readEnvFile(path: string): Promise<Record<string, string>> {
  return parseEnvText(await readText(path, '--env-file', 'dotenv (NAME=value)'), path);
}
