/**
 * The `k8s` probe: ask the cluster through `kubectl … -o json` (the probes' one
 * process runner, src/probes/command.ts runProgram) and judge the JSON here, so
 * what "rolled out", "has limits" or "may read Secrets" means is written once,
 * in the tool, and tested with the payload shapes kubectl prints.
 *
 * Checks (one per probe, `check=`):
 * - rollout: the deployment's controller observed its latest generation and
 *   every replica is updated and available (`kubectl rollout status`'s own test);
 * - resources: every container (init containers too) has cpu and memory
 *   requests and limits;
 * - secret-env: no container has a secret-looking literal env value (names
 *   and credential shapes from src/secrets/), and no ConfigMap it reads holds one:
 *   secrets come from Secrets (secretKeyRef / envFrom secretRef);
 * - network-policy: a NetworkPolicy of the namespace selects the deployment's pods;
 * - rbac: the pods' service account may not read Secrets, exec into pods,
 *   change RBAC or use wildcards (`kubectl auth can-i --list --as=…`);
 * - health-probes: every container has a readiness and a liveness probe;
 * - ingress: the Ingress routes every rule to the asked Service and port (which
 *   exists), every host is in a TLS entry with a Secret, and the controller has
 *   published an address (status.loadBalancer): the load balancer took it;
 * - autoscaling: a HorizontalPodAutoscaler scales the deployment and says it
 *   can (AbleToScale) and does (ScalingActive: its metrics are read); pinned at
 *   its maximum is a warning.
 *
 * kubectl that reaches no cluster is `not configured` (src/probes/kubectl.ts),
 * one that is refused (Forbidden) cannot judge: neither is a guessed `fail`.
 * Values are never shown: only names.
 */
import type { z } from 'zod';
import type { params as schema } from './kinds/k8s.js';
import type { Probe, ProbeContext, ProbeOutcome } from './types.js';
import { runProgram } from './command.js';
import { kubectlNotConfigured, noClusterLine } from './kubectl.js';
import { isSecretName } from '../secrets/patterns.js';
import { isPlaceholder, scanText } from '../secrets/scan.js';
import { cancelled } from './verdict.js';
import { foldChecks, firstLine, type Check } from './toolkit.js';

export type K8sParams = z.infer<typeof schema>;

/* The slices of the Kubernetes objects the checks read (all optional: the JSON is the cluster's). */
type Obj = Record<string, any>;

/** A kubectl run that ended the probe: its outcome. */
class Stop extends Error {
  constructor(readonly outcome: ProbeOutcome) {
    super(outcome.summary);
  }
}

/** `a,b` → ['a', 'b']. */
function names(list: string | undefined): string[] {
  return (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Items of a List, or the one object kubectl printed for a single name. */
function itemsOf(doc: unknown): Obj[] {
  const d = doc as Obj | undefined;
  if (!d || typeof d !== 'object') return [];
  return Array.isArray(d.items) ? d.items : d.kind && d.kind !== 'List' ? [d] : [];
}

const containersOf = (dep: Obj, init = true): Obj[] => [...(init ? (dep.spec?.template?.spec?.initContainers ?? []) : []), ...(dep.spec?.template?.spec?.containers ?? [])];
const nameOf = (o: Obj): string => String(o?.metadata?.name ?? '?');

/** rollout: the test `kubectl rollout status` applies to a Deployment, on its JSON. */
export function rolloutChecks(deps: Obj[]): Check[] {
  return deps.map((d) => {
    const n = nameOf(d);
    const gen = Number(d.metadata?.generation ?? 0);
    const st = d.status ?? {};
    const obs = Number(st.observedGeneration ?? 0);
    const want = Number(d.spec?.replicas ?? 1);
    const updated = Number(st.updatedReplicas ?? 0);
    const total = Number(st.replicas ?? 0);
    const available = Number(st.availableReplicas ?? 0);
    const stuck = (st.conditions ?? []).find((c: Obj) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    if (stuck) return { status: 'fail', message: `rollout of ${n} is stuck: progress deadline exceeded (${updated} of ${want} replicas updated, ${available} available)` };
    if (obs < gen) return { status: 'fail', message: `rollout of ${n} not started: generation ${gen} not yet observed (observed ${obs})` };
    if (updated < want) return { status: 'fail', message: `rollout of ${n} not complete: ${updated} of ${want} replicas updated` };
    if (total > updated) return { status: 'fail', message: `rollout of ${n} not complete: ${total - updated} old replica${total - updated === 1 ? '' : 's'} still running` };
    if (available < updated) return { status: 'fail', message: `rollout of ${n} not complete: ${available} of ${updated} updated replicas available` };
    return { status: 'pass', message: `${n} rolled out: generation ${gen} observed, ${updated}/${want} replicas updated and available` };
  });
}

const RESOURCE_KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] as const;

/** resources: every container, init containers too, has cpu and memory requests and limits. */
function resourceChecks(deps: Obj[]): Check[] {
  const checks: Check[] = [];
  let count = 0;
  for (const d of deps) {
    for (const c of containersOf(d)) {
      count++;
      const missing = RESOURCE_KEYS.filter((k) => {
        const [group, res] = k.split('.');
        const v = c.resources?.[group]?.[res];
        return v === undefined || v === null || v === '';
      });
      if (missing.length) checks.push({ status: 'fail', message: `${nameOf(d)}/${c.name ?? '?'} has no ${missing.join(', ')}` });
    }
  }
  if (!checks.length) checks.push({ status: 'pass', message: `all ${count} containers of ${deps.map(nameOf).join(', ')} have cpu and memory requests and limits` });
  return checks;
}

/** Why a literal value under this name is a secret in plain config, or undefined. */
function secretLiteral(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const found = scanText(value)[0];
  if (found) return `holds a ${found.kind}`;
  if (isSecretName(name) && !isPlaceholder(value)) return 'is a literal value under a secret-looking name';
  return undefined;
}

/** The ConfigMaps a deployment's containers read (envFrom and configMapKeyRef). */
function configMapsOf(deps: Obj[]): string[] {
  const out = new Set<string>();
  for (const d of deps) {
    for (const c of containersOf(d)) {
      for (const f of c.envFrom ?? []) if (f.configMapRef?.name) out.add(String(f.configMapRef.name));
      for (const e of c.env ?? []) if (e.valueFrom?.configMapKeyRef?.name) out.add(String(e.valueFrom.configMapKeyRef.name));
    }
  }
  return [...out];
}

/** secret-env: no secret-looking literal in env or in the ConfigMaps read; the Secrets referenced, by name. */
function secretEnvChecks(deps: Obj[], configMaps: Obj[]): Check[] {
  const checks: Check[] = [];
  const secrets = new Set<string>();
  let count = 0;
  for (const d of deps) {
    for (const c of containersOf(d)) {
      count++;
      for (const f of c.envFrom ?? []) if (f.secretRef?.name) secrets.add(String(f.secretRef.name));
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef?.name) secrets.add(String(e.valueFrom.secretKeyRef.name));
        const why = secretLiteral(String(e.name ?? ''), e.value);
        if (why) checks.push({ status: 'fail', message: `${nameOf(d)}/${c.name ?? '?'}: env ${e.name} ${why}: reference a Secret (valueFrom.secretKeyRef)` });
      }
    }
  }
  for (const cm of configMaps) {
    for (const [key, value] of Object.entries((cm.data ?? {}) as Record<string, unknown>)) {
      const why = secretLiteral(key, value);
      if (why) checks.push({ status: 'fail', message: `ConfigMap ${nameOf(cm)}: ${key} ${why}: move it to a Secret` });
    }
  }
  if (!checks.length) {
    const from = secrets.size ? `secrets come from Secret ${[...secrets].join(', ')}` : 'no Secret referenced';
    const cms = configMaps.length ? `, ConfigMap ${configMaps.map(nameOf).join(', ')} hold${configMaps.length === 1 ? 's' : ''} none` : '';
    checks.push({ status: 'pass', message: `no secret-looking literal in the env of ${count} containers${cms}; ${from}` });
  }
  return checks;
}

/** Does a label selector (matchLabels, matchExpressions) select these labels? An empty selector selects every pod. */
export function selects(selector: Obj | undefined, labels: Record<string, string>): boolean {
  const sel = selector ?? {};
  for (const [k, v] of Object.entries((sel.matchLabels ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const has = Object.hasOwn(labels, e.key);
    const values: string[] = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** network-policy: some NetworkPolicy of the namespace selects each deployment's pods. */
function networkPolicyChecks(deps: Obj[], policies: Obj[]): Check[] {
  return deps.map((d) => {
    const labels = (d.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    const hit = policies.filter((p) => selects(p.spec?.podSelector, labels));
    if (!hit.length) {
      const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
      const others = policies.length ? ` (${policies.map(nameOf).join(', ')} select other pods)` : '';
      return { status: 'fail', message: `no NetworkPolicy selects the pods of ${nameOf(d)} (${shown || 'no labels'})${others}: their traffic is not restricted` };
    }
    return { status: 'pass', message: `NetworkPolicy ${hit.map((p) => `${nameOf(p)} (${(p.spec?.policyTypes ?? ['Ingress']).join(', ')})`).join(', ')} selects the pods of ${nameOf(d)}` };
  });
}

/** One rule of `kubectl auth can-i --list`: resources, resource names and verbs. */
export interface AccessRule {
  resource: string;
  nonResourceUrl: string;
  verbs: string[];
}

/** Parse the table `kubectl auth can-i --list` prints (columns found from its header line). */
export function parseCanIList(text: string): AccessRule[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const head = lines.findIndex((l) => /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/.test(l));
  if (head < 0) return [];
  const h = lines[head];
  const at = (label: string) => h.indexOf(label);
  const [nr, rn, vb] = [at('Non-Resource URLs'), at('Resource Names'), at('Verbs')];
  return lines.slice(head + 1).map((l) => {
    const verbs = l.slice(vb).trim().replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean);
    return { resource: l.slice(0, nr).trim(), nonResourceUrl: l.slice(nr, rn).trim().replace(/^\[|\]$/g, ''), verbs };
  });
}

const RBAC_RESOURCES = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);

/** rbac: what the rules allow that a web app's service account must not have. */
export function rbacChecks(account: string, rules: AccessRule[]): Check[] {
  const problems: string[] = [];
  const can = (r: AccessRule, ...verbs: string[]) => r.verbs.includes('*') || verbs.some((v) => r.verbs.includes(v));
  for (const r of rules) {
    if (!r.resource) continue;
    const base = r.resource.split('.')[0];
    if (base === '*') problems.push(`may ${r.verbs.join(', ')} every resource (${r.resource})`);
    else if (base === 'secrets' && can(r, 'get', 'list', 'watch')) problems.push(`may read Secrets (${r.verbs.join(', ')})`);
    else if ((base === 'pods/exec' || base === 'pods/attach') && can(r, 'create', 'get')) problems.push(`may exec into pods (${base})`);
    else if (RBAC_RESOURCES.has(base) && can(r, 'create', 'update', 'patch', 'bind', 'escalate')) problems.push(`may change RBAC (${base}: ${r.verbs.join(', ')})`);
    else if (base === 'serviceaccounts/token' && can(r, 'create')) problems.push('may mint service account tokens');
    else if (r.verbs.includes('*')) problems.push(`may do anything to ${r.resource}`);
  }
  if (problems.length) return [{ status: 'fail', message: `service account ${account} ${[...new Set(problems)].join('; ')}` }];
  const granted = rules.filter((r) => r.resource).map((r) => r.resource.split('.')[0]);
  return [{ status: 'pass', message: `service account ${account} may not read Secrets, exec into pods or change RBAC (${granted.length} resource rules: ${granted.slice(0, 4).join(', ')}${granted.length > 4 ? ', …' : ''})` }];
}

/** health-probes: every container (not init containers) has a readiness and a liveness probe. */
function healthProbeChecks(deps: Obj[]): Check[] {
  const checks: Check[] = [];
  let count = 0;
  for (const d of deps) {
    for (const c of containersOf(d, false)) {
      count++;
      const missing = ['readinessProbe', 'livenessProbe'].filter((k) => !c[k]);
      if (missing.length) checks.push({ status: 'fail', message: `${nameOf(d)}/${c.name ?? '?'} has no ${missing.join(' and ')}` });
    }
  }
  if (!checks.length) checks.push({ status: 'pass', message: `all ${count} containers of ${deps.map(nameOf).join(', ')} have readiness and liveness probes` });
  return checks;
}

/** ingress: every rule's backend is the asked service:port, every host served over TLS (with the asked Secret), an address published. */
function ingressChecks(ing: Obj, p: Pick<K8sParams, 'backend' | 'tls_secret'>): Check[] {
  const checks: Check[] = [];
  const n = nameOf(ing);
  const rules: Obj[] = ing.spec?.rules ?? [];
  const tls: Obj[] = ing.spec?.tls ?? [];
  const backends = new Set<string>();
  for (const r of rules) {
    for (const path of (r.http?.paths ?? []) as Obj[]) {
      const svc = path.backend?.service;
      const b = svc ? `${svc.name}:${svc.port?.number ?? svc.port?.name ?? '?'}` : 'a resource backend';
      backends.add(b);
      if (p.backend && b !== p.backend) checks.push({ status: 'fail', message: `${n}: ${r.host ?? '*'}${path.path ?? '/'} goes to ${b}, not ${p.backend}` });
    }
  }
  if (!rules.length) checks.push({ status: 'fail', message: `${n} has no rules: it routes nothing` });
  const hosts = rules.map((r) => r.host).filter((h): h is string => typeof h === 'string');
  for (const h of hosts) {
    const entry = tls.find((t) => (t.hosts ?? []).includes(h));
    if (!entry) checks.push({ status: 'fail', message: `${n}: host ${h} has no TLS entry: served over plain HTTP` });
    else if (!entry.secretName) checks.push({ status: 'fail', message: `${n}: host ${h} has a TLS entry without secretName` });
    else if (p.tls_secret && entry.secretName !== p.tls_secret) checks.push({ status: 'fail', message: `${n}: host ${h} is served with Secret ${entry.secretName}, not ${p.tls_secret}` });
  }
  const addrs = ((ing.status?.loadBalancer?.ingress ?? []) as Obj[]).map((a) => a.hostname ?? a.ip).filter(Boolean);
  if (!addrs.length) checks.push({ status: 'fail', message: `${n} has no address: the ingress controller has not taken it (status.loadBalancer is empty)` });
  if (!checks.length) {
    const secrets = [...new Set(tls.map((t) => t.secretName))].join(', ');
    checks.push({ status: 'pass', message: `${n} routes ${hosts.join(', ') || 'every host'} to ${[...backends].join(', ')} over TLS (${secrets}), address ${addrs.join(', ')}` });
  }
  return checks;
}

/** autoscaling: the HPA that scales the deployment can and does scale it. */
export function autoscalingChecks(deployment: string, hpas: Obj[]): Check[] {
  const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec?.scaleTargetRef?.name === deployment);
  if (!hpa) {
    const others = hpas.length ? ` (${hpas.map((h) => `${nameOf(h)} scales ${h.spec?.scaleTargetRef?.name ?? '?'}`).join(', ')})` : '';
    return [{ status: 'fail', message: `no HorizontalPodAutoscaler scales ${deployment}${others}: its replica count is fixed` }];
  }
  const n = nameOf(hpa);
  const cond = (type: string) => ((hpa.status?.conditions ?? []) as Obj[]).find((c) => c.type === type);
  const min = Number(hpa.spec?.minReplicas ?? 1);
  const max = Number(hpa.spec?.maxReplicas ?? 0);
  const cur = Number(hpa.status?.currentReplicas ?? 0);
  const targets = ((hpa.spec?.metrics ?? []) as Obj[])
    .map((m) => (m.type === 'Resource' ? `${m.resource?.name} ${m.resource?.target?.averageUtilization ?? m.resource?.target?.averageValue ?? '?'}${m.resource?.target?.averageUtilization !== undefined ? '%' : ''}` : String(m.type ?? '?')))
    .join(', ');
  const able = cond('AbleToScale');
  const active = cond('ScalingActive');
  if (!able || !active) return [{ status: 'inconclusive', reason: 'no-data', message: `${n} reports no ${!able ? 'AbleToScale' : 'ScalingActive'} condition yet: the controller has not judged it` }];
  if (able.status !== 'True') return [{ status: 'fail', message: `${n} cannot scale ${deployment}: ${able.reason ?? ''}${able.message ? ` (${firstLine(String(able.message), 160)})` : ''}` }];
  if (active.status !== 'True') return [{ status: 'fail', message: `${n} is not scaling ${deployment}: ${active.reason ?? ''}${active.message ? ` (${firstLine(String(active.message), 160)})` : ''}` }];
  const limited = cond('ScalingLimited');
  const range = `${min}–${max} replicas on ${targets || 'its metrics'}, ${cur} now`;
  if (limited?.status === 'True' && cur >= max) return [{ status: 'warn', message: `${n} holds ${deployment} at its maximum (${range}): ${limited.reason ?? 'TooManyReplicas'}` }];
  return [{ status: 'pass', message: `${n} scales ${deployment} ${range}` }];
}

/** Run kubectl with the probe's namespace and context; its stdout, or Stop with the outcome. */
async function kubectl(args: string[], p: K8sParams, ctx: ProbeContext, evidence: string[]): Promise<string> {
  const argv = ['kubectl', ...args, ...(p.namespace ? ['-n', p.namespace] : []), ...(p.context ? ['--context', p.context] : [])];
  evidence.push(`$ ${argv.join(' ')}`);
  const run = await runProgram(argv, ctx);
  if (run.outcome) throw new Stop(run.outcome);
  const r = run.result;
  if (r.errorCode === 'ENOENT') throw new Stop(kubectlNotConfigured('kubectl not found on PATH', evidence));
  if (r.timedOut) throw new Stop({ status: 'error', reason: 'timeout', summary: `kubectl: no answer within ${run.remaining} ms (process group killed)`, evidence });
  if (r.canceled || ctx.signal.aborted) throw new Stop(cancelled(evidence));
  const stderr = String(r.stderr ?? '');
  if (r.exitCode !== 0) {
    const noCluster = noClusterLine(stderr);
    if (noCluster) throw new Stop(kubectlNotConfigured(noCluster, evidence));
    const last = firstLine(stderr.split('\n').filter((l) => l.trim()).at(-1) ?? `exit ${r.exitCode}`, 200);
    evidence.push(last);
    if (/\(NotFound\)/.test(stderr)) throw new Stop({ status: 'fail', summary: `not found: ${last.replace(/^Error from server \(NotFound\):\s*/, '')}`, evidence });
    if (/\(Forbidden\)|forbidden/i.test(stderr)) {
      throw new Stop({ status: 'inconclusive', reason: 'cannot-judge-here', summary: `kubectl was refused, so this cannot be judged from here: ${last}`, hint: 'run with a kube context allowed to read these objects (and to impersonate the service account for rbac)', evidence });
    }
    throw new Stop({ status: 'error', summary: `kubectl exited ${r.exitCode}: ${last}`, evidence });
  }
  return String(r.stdout ?? '');
}

async function kubectlJson(args: string[], p: K8sParams, ctx: ProbeContext, evidence: string[]): Promise<unknown> {
  const out = await kubectl([...args, '-o', 'json'], p, ctx, evidence);
  try {
    return JSON.parse(out);
  } catch {
    throw new Stop({ status: 'error', summary: `kubectl ${args.slice(0, 2).join(' ')} printed no JSON (${out.length} characters)`, evidence });
  }
}

/** The deployments named (one call), or every deployment of the namespace. */
async function deployments(p: K8sParams, ctx: ProbeContext, evidence: string[], all: boolean): Promise<Obj[]> {
  const wanted = names(p.deployment);
  if (!wanted.length && !all) throw new Stop({ status: 'error', summary: `check=${p.check} needs deployment=NAME`, evidence });
  const deps = itemsOf(await kubectlJson(wanted.length ? ['get', 'deployment', ...wanted] : ['get', 'deployments'], p, ctx, evidence));
  if (!deps.length) throw new Stop({ status: 'inconclusive', reason: 'no-data', summary: `no deployment found${p.namespace ? ` in namespace ${p.namespace}` : ''}: nothing to judge`, evidence });
  return deps;
}

export const probe: Probe<K8sParams> = async (p, ctx) => {
  const evidence: string[] = [];
  try {
    let checks: Check[];
    switch (p.check) {
      case 'rollout':
        checks = rolloutChecks(await deployments(p, ctx, evidence, false));
        break;
      case 'resources':
        checks = resourceChecks(await deployments(p, ctx, evidence, true));
        break;
      case 'health-probes':
        checks = healthProbeChecks(await deployments(p, ctx, evidence, false));
        break;
      case 'secret-env': {
        const deps = await deployments(p, ctx, evidence, true);
        const wanted = configMapsOf(deps);
        const cms = wanted.length ? itemsOf(await kubectlJson(['get', 'configmap', ...wanted], p, ctx, evidence)) : [];
        checks = secretEnvChecks(deps, cms);
        break;
      }
      case 'network-policy': {
        const deps = await deployments(p, ctx, evidence, false);
        checks = networkPolicyChecks(deps, itemsOf(await kubectlJson(['get', 'networkpolicies'], p, ctx, evidence)));
        break;
      }
      case 'ingress': {
        if (!p.ingress) return { status: 'error', summary: 'check=ingress needs ingress=NAME', evidence };
        const [ing] = itemsOf(await kubectlJson(['get', 'ingress', p.ingress], p, ctx, evidence));
        if (!ing) return { status: 'fail', summary: `not found: ingress ${p.ingress}`, evidence };
        checks = ingressChecks(ing, p);
        // The backend must exist: an Ingress to a missing Service answers 503 for every request.
        const svc = p.backend?.split(':')[0];
        if (svc && !checks.some((c) => c.status === 'fail')) itemsOf(await kubectlJson(['get', 'service', svc], p, ctx, evidence));
        break;
      }
      case 'autoscaling': {
        const wanted = names(p.deployment);
        if (!wanted.length) return { status: 'error', summary: 'check=autoscaling needs deployment=NAME', evidence };
        const hpas = itemsOf(await kubectlJson(['get', 'horizontalpodautoscalers'], p, ctx, evidence));
        checks = wanted.flatMap((d) => autoscalingChecks(d, hpas));
        break;
      }
      case 'rbac': {
        const [dep] = await deployments(p, ctx, evidence, false);
        const ns = p.namespace ?? String(dep.metadata?.namespace ?? 'default');
        const sa = String(dep.spec?.template?.spec?.serviceAccountName ?? dep.spec?.template?.spec?.serviceAccount ?? 'default');
        const table = await kubectl(['auth', 'can-i', '--list', `--as=system:serviceaccount:${ns}:${sa}`], p, ctx, evidence);
        const rules = parseCanIList(table);
        if (!rules.length) return { status: 'inconclusive', reason: 'no-data', summary: 'kubectl auth can-i --list printed no rules table: cannot judge the service account', evidence };
        checks = rbacChecks(`${ns}:${sa}`, rules);
        break;
      }
    }
    const passes = checks.filter((c) => c.status === 'pass').map((c) => c.message);
    return foldChecks(checks, passes.join('; '), evidence);
  } catch (err) {
    if (err instanceof Stop) return err.outcome;
    throw err;
  }
};
