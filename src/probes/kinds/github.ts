/** The `github` probe kind: its parameters, its doc row and what it loads lazily (./github.ts, undici). */
import * as z from 'zod';
import { bool, nameList, posInt, str, url } from '../params.js';
import { defineKind } from '../kind.js';

/** Alert severities, lowest first (Dependabot's and code scanning's security severity). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const params = z.object({
  /** owner/name, e.g. `${GITHUB_REPOSITORY}`. */
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name'),
  /** The release commit (SHA), branch or tag. */
  ref: str,
  /** Token (`GITHUB_TOKEN`); masked. */
  token: str.optional(),
  /** Check runs / commit statuses that must have succeeded on `ref`, by name (a matrix job `Test Suite (4.2)` counts as `Test Suite`). */
  checks: nameList.optional(),
  /** The pull request that brought `ref` must be approved, with no changes requested. */
  reviews: bool.default(false),
  /** The pull request number; default: the pull request of the commit. */
  pr: posInt.optional(),
  /** No open Dependabot alert at or above `severity`. */
  dependabot: bool.default(false),
  /** No open code-scanning alert at or above `severity`. */
  code_scanning: bool.default(false),
  /** Alert severity that fails (and above). */
  severity: z.enum(SEVERITIES).default('high'),
  /** API base; the GITHUB_API_URL variable or https://api.github.com. */
  api_base: url.optional(),
});

export const kind = defineKind({
  name: 'github',
  params,
  doc: { library: 'undici', checks: 'GitHub: check runs of the release commit, PR reviews, open Dependabot/code-scanning alerts' },
  proves: 'GitHub records it for the release commit: the named CI jobs succeeded, its pull request was approved, no open security alert at or above the severity',
  load: () => import('../github.js').then((m) => m.probe),
  library: () => import('undici'),
});
