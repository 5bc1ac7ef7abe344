/**
 * secrets-scan probe: the files git tracks under `path` must be free of
 * Twilio SIDs and tokens, private keys, passwords in URLs and AWS keys.
 * Evidence names `file:line: rule` only, never the value found. An allowlist
 * (gitleaks-style, ../secrets/allowlist.ts) and the test-fixture heuristics
 * keep the app's own test data from failing the release.
 */
import { lstat, readFile, stat } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { z } from 'zod';
import type { params as schema } from './kinds/secrets-scan.js';
import type { Probe, ProbeOutcome } from './types.js';
import { deadlineSignal, firstLine, remainingMs, stoppedOutcome } from './toolkit.js';
import { excludeMatcher, scanText, type Finding } from '../secrets/scan.js';
import { AllowlistError, DEFAULT_ALLOWLIST, isTestFixture, NO_ALLOWLIST, parseAllowlist, type Allowlist } from '../secrets/allowlist.js';

export type SecretsScanParams = z.infer<typeof schema>;

/** Files above this size are skipped: secrets live in config and code, not in large assets. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Evidence lines listed before "… and N more". */
const MAX_EVIDENCE = 50;

interface FileFindings {
  file: string;
  findings: Finding[];
}

export const probe: Probe<SecretsScanParams> = async (params, ctx) => {
  const shown = params.path;
  const dir = resolve(params.path);
  const { signal, budgetMs, timedOut, dispose } = deadlineSignal(ctx.signal, ctx.deadline);
  const stopped = (): ProbeOutcome => stoppedOutcome(timedOut(), `timeout: scanning ${shown} did not finish within ${budgetMs} ms`);
  try {
    const st = await stat(dir).catch(() => undefined);
    if (!st) return { status: 'error', summary: `folder not found: ${shown}`, evidence: [] };
    if (!st.isDirectory()) return { status: 'error', summary: `not a folder: ${shown} (path= names the repository folder to scan)`, evidence: [] };
    const allow = await readAllowlist(dir, params.allowlist);
    if ('outcome' in allow) return allow.outcome;
    const listed = await trackedFiles(dir, shown, signal, ctx.deadline);
    if ('outcome' in listed) return signal.aborted ? stopped() : listed.outcome;
    const excludedByParam = excludeMatcher(params.exclude);
    const excluded = (file: string) => excludedByParam(file) || allow.list.path(file);
    const hits: FileFindings[] = [];
    const fixtureHits: FileFindings[] = [];
    let scanned = 0;
    let skipped = 0;
    let excludedCount = 0;
    for (const file of listed.files) {
      if (signal.aborted) return stopped();
      if (excluded(file)) {
        excludedCount++;
        continue;
      }
      const text = await readText(join(dir, file), signal);
      if (text === undefined) {
        skipped++;
        continue;
      }
      scanned++;
      const findings = scanText(text, allow.list.value);
      if (findings.length) (params.fixtures && isTestFixture(file) ? fixtureHits : hits).push({ file, findings });
    }
    return outcome(hits, { scanned, skipped, excluded: excludedCount, shown, fixtureHits, allowlist: allow.file });
  } catch (err) {
    if (signal.aborted) return stopped();
    return { status: 'error', summary: `could not scan ${shown}: ${firstLine(err)}`, evidence: [] };
  } finally {
    dispose();
  }
};

/** The allowlist: the one named by `allowlist=` (must exist), else the default file when present. */
async function readAllowlist(dir: string, named: string | undefined): Promise<{ list: Allowlist; file?: string } | { outcome: ProbeOutcome }> {
  const file = named ?? DEFAULT_ALLOWLIST;
  const text = await readFile(resolve(dir, file), 'utf8').catch((err: NodeJS.ErrnoException) => err);
  if (text instanceof Error) {
    if (!named && text.code === 'ENOENT') return { list: NO_ALLOWLIST };
    return { outcome: { status: 'error', summary: `allowlist ${file}: cannot read it (${text.code ?? firstLine(text)}): check allowlist= (relative to path=)`, evidence: [] } };
  }
  try {
    return { list: parseAllowlist(text, `allowlist ${file}`), file };
  } catch (err) {
    if (err instanceof AllowlistError) return { outcome: { status: 'error', summary: err.message, evidence: [] } };
    throw err;
  }
}

/** `git ls-files -z` in the folder: paths relative to it, as git stores them. */
async function trackedFiles(dir: string, shown: string, signal: AbortSignal, deadline: number): Promise<{ files: string[] } | { outcome: ProbeOutcome }> {
  const { execa } = await import('execa');
  const r = await execa('git', ['ls-files', '-z'], {
    cwd: dir,
    cancelSignal: signal,
    timeout: remainingMs(deadline),
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    maxBuffer: 64 * 1024 * 1024,
    // Never prompt, never take a lock: this is a read-only look.
    env: { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
  });
  if (r.exitCode === 0) return { files: r.stdout.split('\0').filter(Boolean) };
  const err = (r as { code?: string }).code;
  if (err === 'ENOENT' && !r.exitCode) return { outcome: { status: 'error', summary: 'git not found: install git to scan tracked files', evidence: [] } };
  if (r.timedOut || r.isCanceled) return { outcome: { status: 'error', summary: `timeout: git ls-files in ${shown} did not finish`, evidence: [] } };
  const stderr = String(r.stderr ?? '');
  // Run from a folder that is not the app's checkout: nothing was judged about the app's repository.
  if (/not a git repository/i.test(stderr)) {
    return {
      outcome: {
        status: 'inconclusive',
        reason: 'not-configured',
        summary: `not configured: ${shown} is not a git repository, so no tracked files to scan`,
        hint: 'point path= at the app\'s git checkout (the shipped checklist reads it from APP_REPO_DIR: set APP_REPO_DIR=/path/to/django-twilio-call)',
        evidence: [],
      },
    };
  }
  return { outcome: { status: 'error', summary: gitFailure(stderr, shown, r.exitCode), evidence: [] } };
}

/** git's complaint as one line saying what to do. */
export function gitFailure(stderr: string, shown: string, exitCode?: number): string {
  if (/not a git repository/i.test(stderr)) return `not a git repository: ${shown}`;
  // CI checkouts owned by another user: git refuses them until they are marked safe.
  if (/dubious ownership/i.test(stderr)) return `git refuses ${shown}: it is owned by another user (allow it with: git config --global --add safe.directory ${shown})`;
  const first = stderr.split('\n')[0]?.replace(/^fatal:\s*/, '').trim();
  return `git ls-files failed in ${shown}: ${first || `exit ${exitCode ?? '?'}`}`;
}

/** The file's text, or undefined for what is not scanned: symlinks, folders (submodules), big or binary files, vanished files. */
async function readText(path: string, signal: AbortSignal): Promise<string | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile() || st.size > MAX_FILE_BYTES) return undefined;
  const buf = await readFile(path, { signal }).catch((e) => {
    if (signal.aborted) throw e;
    return undefined;
  });
  if (!buf || buf.subarray(0, 8000).includes(0)) return undefined;
  return buf.toString('utf8');
}

const findingLines = (hits: FileFindings[]) => hits.flatMap((h) => h.findings.map((f) => `${h.file}:${f.line}: ${f.kind}`));

function outcome(hits: FileFindings[], n: { scanned: number; skipped: number; excluded: number; shown: string; fixtureHits: FileFindings[]; allowlist?: string }): ProbeOutcome {
  const total = hits.reduce((s, h) => s + h.findings.length, 0);
  const inFixtures = findingLines(n.fixtureHits);
  const counts = [`${n.scanned} tracked files scanned in ${n.shown}`];
  if (n.skipped) counts.push(`${n.skipped} skipped (binary, over 1 MiB or not a regular file)`);
  if (n.excluded) counts.push(`${n.excluded} excluded`);
  if (n.allowlist) counts.push(`allowlist ${n.allowlist}`);
  const metrics = { files_scanned: n.scanned, files_skipped: n.skipped, files_excluded: n.excluded, findings: total, fixture_findings: inFixtures.length };
  // Test data holds fake credentials on purpose: shown, not counted (fixtures=false counts them).
  const fixtureNote = inFixtures.length
    ? [`${inFixtures.length} in test fixtures, not counted: ${inFixtures.slice(0, 5).join('; ')}${inFixtures.length > 5 ? `; … and ${inFixtures.length - 5} more` : ''}`]
    : [];
  if (!total) {
    const also = inFixtures.length ? ` (${inFixtures.length} in test fixtures not counted)` : '';
    return { status: 'pass', summary: `no secrets found in ${n.scanned} tracked files${also}`, evidence: [counts.join(', '), ...fixtureNote], metrics };
  }
  const lines = findingLines(hits);
  const kinds = [...new Set(hits.flatMap((h) => h.findings.map((f) => f.kind.replace(/ assigned to .*/, ''))))];
  const evidence = lines.length > MAX_EVIDENCE ? [...lines.slice(0, MAX_EVIDENCE), `… and ${lines.length - MAX_EVIDENCE} more`] : lines;
  return {
    status: 'fail',
    summary: `${total} possible ${total === 1 ? 'secret' : 'secrets'} in ${hits.length} tracked ${hits.length === 1 ? 'file' : 'files'}: ${kinds.join(', ')}`,
    evidence: [...evidence, counts.join(', '), ...fixtureNote],
    metrics,
  };
}
