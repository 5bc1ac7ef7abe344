/** The `secrets-scan` probe kind: its parameters, its doc row and what it loads lazily (./secrets-scan.ts, execa). */
import * as z from 'zod';
import { bool, str } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Repository folder to scan (git ls-files). */
  path: str.default('.'),
  /** Comma-separated globs to leave out, e.g. docs/examples/**. */
  exclude: z.string().optional(),
  /**
   * Allowlist file (JSON, gitleaks-style paths/regexes/stopwords), relative to
   * `path`; `.deploy-wizard-secrets-allow.json` is read when present.
   */
  allowlist: z.string().optional(),
  /** Findings in test fixtures (tests/, fixtures/, factories, mocks) do not fail the scan; they are counted. */
  fixtures: bool.default(true),
});

export const kind = defineKind({
  name: 'secrets-scan',
  params,
  doc: { library: 'execa (git)', checks: 'Tracked files free of Twilio SIDs/tokens, private keys, passwords in URLs' },
  proves: 'no tracked file of the repository holds a known credential shape',
  load: () => import('../secrets-scan.js').then((m) => m.probe),
  library: () => import('execa'),
  outOfProcess: true,
});
