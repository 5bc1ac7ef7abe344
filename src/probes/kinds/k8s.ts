/** The `k8s` probe kind: its parameters, its doc row and what it loads lazily (./k8s.ts, kubectl through execa). */
import * as z from 'zod';
import { str } from '../params.js';
import { defineKind } from '../kind.js';

/** What a k8s probe judges from `kubectl … -o json`. */
const K8S_CHECKS = ['rollout', 'resources', 'secret-env', 'network-policy', 'rbac', 'health-probes', 'ingress', 'autoscaling'] as const;

export const params = z.object({
  check: z.enum(K8S_CHECKS),
  /** Deployment name(s), comma-separated; `resources` and `secret-env` check every deployment of the namespace when left out. */
  deployment: str.optional(),
  namespace: str.optional(),
  /** kubectl context; the current one when left out. */
  context: str.optional(),
  /** `ingress`: the Ingress to judge (required for that check). */
  ingress: str.optional(),
  /** `ingress`: every rule's backend must be this Service and port, `NAME:PORT`. */
  backend: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?:(\d+|[a-z][-a-z0-9]*)$/, 'must be SERVICE:PORT, e.g. django-web-service:8000').optional(),
  /** `ingress`: the TLS Secret every host must be served with. */
  tls_secret: str.optional(),
});

export const kind = defineKind({
  name: 'k8s',
  params,
  doc: { library: 'execa (kubectl)', checks: 'Kubernetes from kubectl JSON: rollout complete, requests and limits, secrets from Secrets, NetworkPolicy, service account rights, health probes, Ingress routing and TLS, autoscaling' },
  proves:
    'what the cluster says now: the rollout finished (every replica updated and available), every container has requests and limits, no secret-looking literal in env or ConfigMaps, a NetworkPolicy selects the pods, the service account cannot read Secrets, exec or change RBAC, readiness and liveness probes exist, the Ingress serves every host over TLS to the asked backend and has an address, an active autoscaler sizes the deployment',
  load: () => import('../k8s.js').then((m) => m.probe),
  library: () => import('execa'),
  outOfProcess: true,
});
