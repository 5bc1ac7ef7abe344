/**
 * What secrets-scan may leave out, in the shape of gitleaks' `[allowlist]`:
 * `paths` (globs of files not to scan), `regexes` (a found value matching one
 * is not a secret), `stopwords` (a found value containing one is not a
 * secret). Written as JSON, so it needs no parser of its own:
 *
 *   { "description": "dev defaults", "paths": ["docker/docker-compose*.yml"],
 *     "regexes": ["^postgres$"], "stopwords": ["localdev"] }
 *
 * Plus the test-fixture heuristics: the app's tests, fixtures, factories and
 * mocks hold fake credentials on purpose. Pure: text in, matchers out.
 */
import { excludeMatcher } from './scan.js';

export const DEFAULT_ALLOWLIST = '.deploy-wizard-secrets-allow.json';

export interface Allowlist {
  /** Files left out whole. */
  path: (file: string) => boolean;
  /** A found value that is allowed (matches a regex or holds a stopword). */
  value: (value: string) => boolean;
  /** How many entries of each kind, for evidence. */
  counts: { paths: number; regexes: number; stopwords: number };
}

/** A bad allowlist file: one line naming the file and what to fix. */
export class AllowlistError extends Error {}

const KEYS = ['description', 'paths', 'regexes', 'stopwords'];

/** Parse an allowlist file's text; `source` names it in errors. */
export function parseAllowlist(text: string, source: string): Allowlist {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new AllowlistError(`${source}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new AllowlistError(`${source}: expected an object with paths, regexes and/or stopwords`);
  const d = doc as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !KEYS.includes(k));
  if (unknown.length) throw new AllowlistError(`${source}: unknown key "${unknown[0]}" (known: ${KEYS.join(', ')})`);
  const list = (key: string): string[] => {
    const v = d[key] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x)) throw new AllowlistError(`${source}: "${key}" must be a list of non-empty strings`);
    return v as string[];
  };
  const paths = list('paths');
  const regexes = list('regexes').map((r, i) => {
    try {
      return new RegExp(r);
    } catch (err) {
      throw new AllowlistError(`${source}: regexes[${i}] is not a valid regular expression (${(err as Error).message})`);
    }
  });
  const stopwords = list('stopwords').map((w) => w.toLowerCase());
  const path = excludeMatcher(paths.join(','));
  return {
    path,
    value: (value) => regexes.some((r) => r.test(value)) || stopwords.some((w) => value.toLowerCase().includes(w)),
    counts: { paths: paths.length, regexes: regexes.length, stopwords: stopwords.length },
  };
}

/** An empty allowlist: nothing allowed. */
export const NO_ALLOWLIST: Allowlist = { path: () => false, value: () => false, counts: { paths: 0, regexes: 0, stopwords: 0 } };

const FIXTURE_FOLDERS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'fixtures', '__fixtures__', 'testdata', 'test-data', 'test_data', 'mocks', '__mocks__', 'factories']);
const FIXTURE_FILE = /^(test_.*|.*_tests?|conftest|factories|mocks?|.*_mocks?|test_?settings|testing)\.py$|\.(test|spec)\.[cm]?[jt]sx?$|_test\.go$|^fixtures?\.[a-z]+$/i;

/**
 * Is this tracked file test data: under a tests/fixtures/mocks/factories
 * folder, or a test module, conftest, factory or mock by its name?
 */
export function isTestFixture(file: string): boolean {
  const parts = file.split('/');
  const name = parts.pop() ?? '';
  return parts.some((p) => FIXTURE_FOLDERS.has(p.toLowerCase())) || FIXTURE_FILE.test(name);
}
