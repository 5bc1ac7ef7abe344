/**
 * The k8s kind against the fake kubectl (test/fixtures/bin/kubectl →
 * test/fixtures/kubectl-cluster.mjs: the app's manifests in kubectl's JSON
 * shapes), one fault at a time, through the runner; and its pure judges on
 * hand-written payloads.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../src/checklist/types.js';
import { autoscalingChecks, parseCanIList, rbacChecks, rolloutChecks, selects } from '../../src/probes/k8s.js';
import { runProbes } from '../../src/probes/runner.js';
import type { Vars } from '../../src/probes/types.js';

const BIN = resolve('test/fixtures/bin');
let vars: Vars;
beforeAll(() => {
  process.env.PATH = `${BIN}:${process.env.PATH}`;
  vars = { ...(process.env as Record<string, string>), FAKE_KUBECTL_FAULTS: '' };
});

const NS = 'django-twilio-call';
const spec = (params: Record<string, string>): ProbeSpec => ({ kind: 'k8s', params, raw: `k8s ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`, line: 1 });
const run1 = async (params: Record<string, string>, faults = '', extra: Record<string, string> = {}) =>
  (await runProbes([{ spec: spec({ namespace: NS, ...params }) }], { vars: { ...vars, FAKE_KUBECTL_FAULTS: faults, ...extra }, defaultTimeoutMs: 20_000 }))[0];

describe('k8s probe against the app as its manifests deploy it', () => {
  it('healthy: every check passes, naming what it saw', async () => {
    const results = await runProbes(
      [
        { spec: spec({ check: 'rollout', deployment: 'django-web', namespace: NS }) },
        { spec: spec({ check: 'resources', namespace: NS }) },
        { spec: spec({ check: 'secret-env', namespace: NS }) },
        { spec: spec({ check: 'network-policy', deployment: 'django-web', namespace: NS }) },
        { spec: spec({ check: 'rbac', deployment: 'django-web', namespace: NS }) },
        { spec: spec({ check: 'health-probes', deployment: 'django-web,celery-worker', namespace: NS }) },
      ],
      { vars, defaultTimeoutMs: 20_000 },
    );
    expect(results.map((r) => `${r.status}: ${r.summary}`)).toEqual([
      'pass: django-web rolled out: generation 7 observed, 5/5 replicas updated and available',
      'pass: all 8 containers of django-web, celery-worker, celery-beat, flower, redis, postgresql have cpu and memory requests and limits',
      'pass: no secret-looking literal in the env of 8 containers, ConfigMap django-twilio-call-config holds none; secrets come from Secret django-twilio-call-secrets',
      'pass: NetworkPolicy django-twilio-call-default (Ingress, Egress) selects the pods of django-web',
      'pass: service account django-twilio-call:default may not read Secrets, exec into pods or change RBAC (4 resource rules: selfsubjectreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, configmaps)',
      'pass: all 2 containers of django-web, celery-worker have readiness and liveness probes',
    ]);
    expect(results[0].evidence[0]).toBe(`$ kubectl get deployment django-web -o json -n ${NS}`);
  });

  it('each fault fails its own check for its own reason', async () => {
    expect(await run1({ check: 'rollout', deployment: 'django-web' }, 'rollout-stuck')).toMatchObject({
      status: 'fail',
      summary: 'rollout of django-web is stuck: progress deadline exceeded (1 of 5 replicas updated, 4 available)',
    });
    expect(await run1({ check: 'resources' }, 'no-limits')).toMatchObject({ status: 'fail', summary: 'celery-worker/celery-worker has no limits.cpu, limits.memory' });
    const literal = await run1({ check: 'secret-env' }, 'literal-secret');
    expect(literal).toMatchObject({ status: 'fail', summary: 'django-web/django-web: env DB_PASSWORD is a literal value under a secret-looking name: reference a Secret (valueFrom.secretKeyRef)' });
    expect(JSON.stringify(literal)).not.toContain('Zq8-literal-db-pass-41x');
    const cm = await run1({ check: 'secret-env' }, 'secret-in-configmap');
    expect(cm).toMatchObject({ status: 'fail', summary: 'ConfigMap django-twilio-call-config: SECRET_KEY is a literal value under a secret-looking name: move it to a Secret' });
    expect(JSON.stringify(cm)).not.toContain('configmap-secret-key-value');
    expect((await run1({ check: 'network-policy', deployment: 'django-web' }, 'no-netpol')).summary).toBe(
      'no NetworkPolicy selects the pods of django-web (app.kubernetes.io/name=django-twilio-call, app.kubernetes.io/component=web, app.kubernetes.io/part-of=call-center): their traffic is not restricted',
    );
    expect(await run1({ check: 'rbac', deployment: 'django-web' }, 'sa-admin')).toMatchObject({
      status: 'fail',
      summary: 'service account django-twilio-call:default may * every resource (*.*); may read Secrets (get, list, watch)',
    });
    expect(await run1({ check: 'health-probes', deployment: 'django-web' }, 'no-probes')).toMatchObject({ status: 'fail', summary: 'django-web/django-web has no readinessProbe and livenessProbe' });
    // One fault does not touch another check.
    expect((await run1({ check: 'resources' }, 'literal-secret')).status).toBe('pass');
  });

  it('ingress: routes to the asked backend over TLS with an address; each fault fails for its own reason', async () => {
    const ing = { check: 'ingress', ingress: 'django-twilio-call-ingress', backend: 'django-web-service:8000', tls_secret: 'django-twilio-call-tls' };
    const ok = await run1(ing);
    expect([ok.status, ok.summary]).toEqual([
      'pass',
      'django-twilio-call-ingress routes api.yourdomain.com, webhooks.yourdomain.com to django-web-service:8000 over TLS (django-twilio-call-tls), address a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com',
    ]);
    expect(ok.evidence).toContain(`$ kubectl get service django-web-service -o json -n ${NS}`);
    expect(await run1(ing, 'ingress-no-tls')).toMatchObject({
      status: 'fail',
      summary: 'django-twilio-call-ingress: host api.yourdomain.com has no TLS entry: served over plain HTTP; django-twilio-call-ingress: host webhooks.yourdomain.com has no TLS entry: served over plain HTTP',
    });
    expect(await run1(ing, 'ingress-no-address')).toMatchObject({ status: 'fail', summary: 'django-twilio-call-ingress has no address: the ingress controller has not taken it (status.loadBalancer is empty)' });
    expect(await run1({ ...ing, backend: 'flower-service:5555' })).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^django-twilio-call-ingress: api\.yourdomain\.com\/ goes to django-web-service:8000, not flower-service:5555; /) });
    expect(await run1({ ...ing, tls_secret: 'other-tls' })).toMatchObject({ status: 'fail', summary: expect.stringMatching(/host api\.yourdomain\.com is served with Secret django-twilio-call-tls, not other-tls/) });
    expect(await run1({ ...ing, ingress: 'nope' })).toMatchObject({ status: 'fail', summary: 'not found: ingresses.networking.k8s.io "nope" not found' });
    expect(await run1({ check: 'ingress' })).toMatchObject({ status: 'error', summary: 'check=ingress needs ingress=NAME' });
  });

  it('autoscaling: an active HPA passes; none, or one without metrics, fails; pinned at its maximum warns', async () => {
    const ok = await run1({ check: 'autoscaling', deployment: 'celery-worker' });
    expect([ok.status, ok.summary]).toEqual(['pass', 'celery-worker-hpa scales celery-worker 2–15 replicas on cpu 60%, memory 80%, 4 now']);
    expect(await run1({ check: 'autoscaling', deployment: 'celery-worker' }, 'no-hpa')).toMatchObject({ status: 'fail', summary: 'no HorizontalPodAutoscaler scales celery-worker: its replica count is fixed' });
    expect(await run1({ check: 'autoscaling', deployment: 'celery-worker' }, 'hpa-no-metrics')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^celery-worker-hpa is not scaling celery-worker: FailedGetResourceMetric \(the HPA was unable to compute the replica count/),
    });
    const hpa = (conditions: object[], current = 4) => ({ metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, minReplicas: 2, maxReplicas: 4, metrics: [] }, status: { currentReplicas: current, conditions } });
    const able = { type: 'AbleToScale', status: 'True' };
    const active = { type: 'ScalingActive', status: 'True' };
    expect(autoscalingChecks('w', [hpa([able, active, { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas' }])])[0]).toMatchObject({ status: 'warn', message: 'h holds w at its maximum (2–4 replicas on its metrics, 4 now): TooManyReplicas' });
    expect(autoscalingChecks('w', [hpa([able])])[0]).toMatchObject({ status: 'inconclusive' });
    expect(autoscalingChecks('w', [hpa([{ ...able, status: 'False', reason: 'FailedGetScale' }, active])])[0]).toMatchObject({ status: 'fail', message: 'h cannot scale w: FailedGetScale' });
  });

  it('a cluster out of reach is not configured, a missing deployment fails, an empty namespace cannot be judged', async () => {
    expect(await run1({ check: 'rollout', deployment: 'django-web' }, '', { FAKE_KUBECTL: 'no-cluster' })).toMatchObject({ status: 'inconclusive', reason: 'not-configured' });
    expect(await run1({ check: 'rollout', deployment: 'nope' })).toMatchObject({ status: 'fail', summary: 'not found: deployments.apps "nope" not found' });
    expect(await run1({ check: 'resources', namespace: 'empty-ns' })).toMatchObject({ status: 'inconclusive', reason: 'no-data' });
    expect(await run1({ check: 'rollout' })).toMatchObject({ status: 'error', summary: 'check=rollout needs deployment=NAME' });
  });
});

describe('k8s judges on payload shapes', () => {
  it('rollout: the controller must have observed the generation, and no old replica may remain', () => {
    const dep = (meta: object, status: object) => ({ metadata: { name: 'w', generation: 3, ...meta }, spec: { replicas: 3 }, status });
    expect(rolloutChecks([dep({}, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 })])[0].message).toBe('rollout of w not started: generation 3 not yet observed (observed 2)');
    expect(rolloutChecks([dep({}, { observedGeneration: 3, replicas: 4, updatedReplicas: 3, availableReplicas: 3 })])[0].message).toBe('rollout of w not complete: 1 old replica still running');
    expect(rolloutChecks([dep({}, { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 2 })])[0].message).toBe('rollout of w not complete: 2 of 3 updated replicas available');
    expect(rolloutChecks([dep({}, { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 3 })])[0].status).toBe('pass');
  });

  it('label selectors: matchLabels and matchExpressions, the empty selector selects every pod', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'db' } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });

  it('rbac: exec into pods and RBAC changes fail; the default self-review rules pass', () => {
    const table = [
      'Resources                                       Non-Resource URLs   Resource Names   Verbs',
      'pods/exec                                       []                  []               [create]',
      'rolebindings.rbac.authorization.k8s.io          []                  []               [create update]',
      '                                                [/api/*]            []               [get]',
    ].join('\n');
    const rules = parseCanIList(table);
    expect(rules).toHaveLength(3);
    expect(rbacChecks('ns:sa', rules)[0].message).toBe('service account ns:sa may exec into pods (pods/exec); may change RBAC (rolebindings: create, update)');
    expect(rbacChecks('ns:sa', parseCanIList(table.split('\n').slice(0, 1).concat(table.split('\n')[3]).join('\n')))[0].status).toBe('pass');
  });
});
