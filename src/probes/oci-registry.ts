/**
 * registry probe (OCI distribution API): HEAD {url}/v2/{image}/manifests/{tag}
 * with the OCI and Docker manifest media types accepted. 200: the tag exists;
 * its digest is the Docker-Content-Digest header (else the sha256 of the
 * manifest, fetched with GET), held against `digest` when given. 404: the tag
 * is not there (fail). A 401 with a Bearer challenge is answered the
 * distribution way (a token from the challenge's realm for the
 * `repository:{image}:pull` scope, with the credentials when given); a Basic
 * challenge with the credentials (the parameters, else the REGISTRY_USERNAME
 * and REGISTRY_PASSWORD variables). Still refused: not configured (never a
 * fail), naming the variables. Credentials and tokens are never shown.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/registry.js';
import { apiProbe, unexpected, type Api, type ApiAnswer } from './api.js';

type Params = z.infer<typeof schema>;

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** `Bearer realm="…",service="…",scope="…"` → its scheme and parameters. */
function parseChallenge(header: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '');
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] ?? p[3];
  return { scheme: m[1].toLowerCase(), params };
}

const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

/** The Authorization header a 401 asks for, or a reason there is none. */
async function answerChallenge(api: Api, params: Params, challenge: string | undefined): Promise<string | { refused: string }> {
  const c = parseChallenge(challenge);
  const creds = params.username !== undefined && params.password !== undefined;
  if (c?.scheme === 'basic') return creds ? basic(params.username!, params.password!) : { refused: 'the registry asks for a user and password' };
  if (c?.scheme !== 'bearer' || !c.params.realm) return { refused: `the registry refused without a usable challenge (${challenge ? challenge.split(/\s/)[0] : 'none'})` };
  const realm = new URL(c.params.realm, api.base);
  if (c.params.service) realm.searchParams.set('service', c.params.service);
  realm.searchParams.set('scope', `repository:${params.image}:pull`);
  const t = await api.request(realm.toString(), { headers: creds ? { authorization: basic(params.username!, params.password!) } : {}, maxBody: 64 * 1024 });
  const token = (t.json as { token?: string; access_token?: string } | undefined)?.token ?? (t.json as { access_token?: string } | undefined)?.access_token;
  if (t.status !== 200 || !token) return { refused: `the token service refused ${creds ? 'the credentials' : 'an anonymous pull'} (${t.status})` };
  return `Bearer ${token}`;
}

export const probe = apiProbe<Params>('Registry', (p) => p.url, async (api, given, ctx): Promise<ProbeOutcome> => {
  const { evidence } = api;
  const params = { ...given, username: given.username ?? ctx.vars.REGISTRY_USERNAME, password: given.password ?? ctx.vars.REGISTRY_PASSWORD };
  const path = `/v2/${params.image}/manifests/${params.tag}`;
  const ref = `${params.image}:${params.tag}`;
  const head = (auth?: string) => api.request(path, { method: 'HEAD', headers: { accept: MANIFEST_TYPES, ...(auth ? { authorization: auth } : {}) } });
  let auth: string | undefined;
  let a: ApiAnswer = await head();
  if (a.status === 401) {
    const answer = await answerChallenge(api, params, a.headers['www-authenticate']);
    if (typeof answer !== 'string') {
      return { status: 'inconclusive', reason: 'not-configured', summary: `cannot see ${ref}: ${answer.refused}`, hint: 'set REGISTRY_USERNAME and REGISTRY_PASSWORD to credentials that may pull the image', evidence };
    }
    auth = answer;
    a = await head(auth);
    if (a.status === 401 || a.status === 403) {
      return { status: 'inconclusive', reason: 'not-configured', summary: `cannot see ${ref}: the registry refused ${params.username !== undefined ? 'the credentials' : 'an anonymous pull'} (${a.status})`, hint: 'set REGISTRY_USERNAME and REGISTRY_PASSWORD to credentials that may pull the image', evidence };
    }
  }
  if (a.status === 404) return { status: 'fail', summary: `${ref} not found in ${api.base} (no manifest for the tag)`, evidence };
  if (a.status !== 200) return unexpected('Registry', `HEAD ${path}`, a, evidence);
  let digest = a.headers['docker-content-digest'];
  const type = a.headers['content-type'];
  if (!digest) {
    const g = await api.request(path, { headers: { accept: MANIFEST_TYPES, ...(auth ? { authorization: auth } : {}) } });
    if (g.status !== 200) return unexpected('Registry', `GET ${path}`, g, evidence);
    digest = `sha256:${createHash('sha256').update(g.body).digest('hex')}`;
  }
  evidence.push(`${ref}: ${digest}${type ? ` (${type})` : ''}`);
  if (params.digest && digest !== params.digest) return { status: 'fail', summary: `${ref} is ${digest.slice(0, 19)}…, not the expected ${params.digest.slice(0, 19)}…`, evidence };
  return { status: 'pass', summary: `${ref} present (${digest.slice(0, 19)}…)${params.digest ? ', the expected digest' : ''}`, evidence };
});
