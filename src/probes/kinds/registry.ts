/** The `registry` probe kind: its parameters, its doc row and what it loads lazily (./oci-registry.ts, undici). */
import * as z from 'zod';
import { str, url } from '../params.js';
import { defineKind } from '../kind.js';

export const params = z.object({
  /** Registry base URL, e.g. https://ghcr.io. */
  url,
  /** Repository name, e.g. `your-org/django-twilio-call`. */
  image: z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, 'must be a repository name like org/app (lowercase)'),
  /** Tag that must exist. */
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be a tag like v1.2.3'),
  /** The digest the tag must point to (sha256:…). */
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be sha256: and 64 hex digits').optional(),
  /** User for the registry's token or basic auth; default the REGISTRY_USERNAME variable. */
  username: str.optional(),
  /** Password or token for it (default the REGISTRY_PASSWORD variable); masked. */
  password: str.optional(),
});

export const kind = defineKind({
  name: 'registry',
  params,
  doc: { library: 'undici', checks: 'OCI registry: image tag exists (manifest HEAD), its digest, optionally the expected one' },
  proves: 'The registry holds the image under the tag (and at the expected digest): the image was built and pushed',
  load: () => import('../oci-registry.js').then((m) => m.probe),
  library: () => import('undici'),
});
