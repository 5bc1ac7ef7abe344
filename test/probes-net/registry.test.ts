/**
 * registry probe against a real OCI registry (Debian's docker-registry,
 * distribution 2.8) with an image pushed through the distribution API, and
 * the Bearer token flow against a loopback stand-in of a token-auth registry
 * (the challenge of the distribution spec, as ghcr.io answers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/oci-registry.js';
import { params } from '../../src/probes/kinds/registry.js';
import { runProbes } from '../../src/probes/runner.js';
import { startRegistry, type RealRegistry } from '../helpers/oci-registry.js';
import { ctxFor, json, startHttp, type Local } from './helpers/local.js';

const IMAGE = 'your-org/django-twilio-call';
let registry: RealRegistry;
let digest: string;

beforeAll(async () => {
  registry = await startRegistry();
  digest = await registry.push(IMAGE, 'v1.0.0');
}, 60_000);
afterAll(() => registry?.stop());

const run = (raw: Record<string, string>) => probe(params.parse(raw), ctxFor(5000));

describe('registry probe against a real registry', () => {
  it('passes a pushed tag and names its digest', async () => {
    const r = await run({ url: registry.url, image: IMAGE, tag: 'v1.0.0' });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`${IMAGE}:v1.0.0 present (${digest.slice(0, 19)}…)`);
    expect(r.evidence).toContain(`${IMAGE}:v1.0.0: ${digest} (application/vnd.oci.image.manifest.v1+json)`);
  });

  it('passes the expected digest, fails another one', async () => {
    expect((await run({ url: registry.url, image: IMAGE, tag: 'v1.0.0', digest })).summary).toMatch(/, the expected digest$/);
    const other = 'sha256:' + 'e'.repeat(64);
    const r = await run({ url: registry.url, image: IMAGE, tag: 'v1.0.0', digest: other });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`${IMAGE}:v1.0.0 is ${digest.slice(0, 19)}…, not the expected sha256:eeeeeeeeeeee…`);
  });

  it('fails a tag that was never pushed', async () => {
    const r = await run({ url: registry.url, image: IMAGE, tag: 'v1.0.1' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`${IMAGE}:v1.0.1 not found in ${registry.url} (no manifest for the tag)`);
  });
});

describe('registry probe: token auth (Bearer challenge)', () => {
  const USER = 'deploy-bot';
  const PASSWORD = 'ghp_' + 'R'.repeat(36);
  const TOKEN = 'registry-token-' + 'x'.repeat(24);
  let auth: Local;
  beforeAll(async () => {
    auth = await startHttp((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/token') {
        const basic = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
        if (u.searchParams.get('scope') !== `repository:${IMAGE}:pull`) return json(res, 400, { errors: [{ code: 'DENIED' }] });
        if (req.headers.authorization && req.headers.authorization !== basic) return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
        // Anonymous pulls get a token too, without the right to this private image.
        return json(res, 200, { token: req.headers.authorization ? TOKEN : 'anonymous-token', expires_in: 300 });
      }
      if (u.pathname === `/v2/${IMAGE}/manifests/v1.0.0` && req.headers.authorization === `Bearer ${TOKEN}`) {
        res.writeHead(200, { 'docker-content-digest': 'sha256:' + 'a'.repeat(64), 'content-type': 'application/vnd.oci.image.index.v1+json' });
        return res.end();
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${auth.url}/token",service="registry.test",scope="repository:${IMAGE}:pull"`, 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ errors: [{ code: 'UNAUTHORIZED' }] }));
    });
  });
  afterAll(() => auth.close());

  const viaRunner = async (vars: Record<string, string>) => {
    // The credentials from REGISTRY_USERNAME / REGISTRY_PASSWORD, as the shipped checklist leaves them out.
    const p = { url: '${REGISTRY_URL}', image: IMAGE, tag: 'v1.0.0' };
    const [r] = await runProbes([{ spec: { kind: 'registry', params: p, raw: 'registry', line: 1 } }], { vars: { REGISTRY_URL: auth.url, ...vars }, defaultTimeoutMs: 5000 });
    for (const s of [PASSWORD, TOKEN]) expect(JSON.stringify(r)).not.toContain(s);
    return r;
  };

  it('answers the challenge with a pull token for the image and passes', async () => {
    const r = await viaRunner({ REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: PASSWORD });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`${IMAGE}:v1.0.0 present (sha256:aaaaaaaaaaaa…)`);
  });

  it('credentials the token service refuses: not configured, never a fail, nothing shown', async () => {
    const r = await viaRunner({ REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: 'ghp_' + 'S'.repeat(36) });
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured', summary: `cannot see ${IMAGE}:v1.0.0: the token service refused the credentials (401)` });
    expect(JSON.stringify(r)).not.toContain('S'.repeat(36));
  });

  it('an anonymous token that may not pull: not configured, naming the variables', async () => {
    const r = await probe(params.parse({ url: auth.url, image: IMAGE, tag: 'v1.0.0' }), ctxFor(5000));
    expect(r).toMatchObject({ status: 'inconclusive', reason: 'not-configured', hint: 'set REGISTRY_USERNAME and REGISTRY_PASSWORD to credentials that may pull the image' });
    expect(r.summary).toBe(`cannot see ${IMAGE}:v1.0.0: the registry refused an anonymous pull (401)`);
  });
});
