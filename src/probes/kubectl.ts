/**
 * kubectl that cannot reach any cluster from where the probe runs: a laptop
 * without a kube context is not a failing production. Such a run is
 * inconclusive (not-configured) with what to set, never `fail`; a cluster
 * that answers and says a deployment is unhealthy stays a `fail` (the command
 * probe judges that as for any program).
 *
 * The messages are kubectl's own (k8s.io/client-go and kubectl's config
 * loading): with no kubeconfig it falls back to localhost:8080 and says "The
 * connection to the server localhost:8080 was refused - did you specify the
 * right host or port?"; an unreachable API server gives "Unable to connect to
 * the server: dial tcp …"; a missing context "error: context "x" does not
 * exist" or "current-context is not set".
 */
import { basename } from 'node:path';
import type { KubeContext, ProbeOutcome } from './types.js';
import { runTree } from './process-tree.js';

/** Lines by which kubectl says it reached no cluster at all. */
const NO_CLUSTER = [
  /The connection to the server \S+ was refused/,
  /Unable to connect to the server:/,
  /current-context is not set/,
  /error: context "[^"]*" does not exist/,
  /no configuration has been provided/,
];

/** What to do about it, as `check` and the wizard show it after `→`. */
const KUBECTL_HINT = 'point kubectl at the cluster: set KUBECONFIG (environment or --env-file) or choose a context (kubectl config use-context, or --context in the cmd)';

/** Whether argv[0] is kubectl (by name or path). */
export function isKubectl(file: string): boolean {
  return basename(file) === 'kubectl';
}

/** The line of kubectl's stderr that says it reached no cluster, or undefined when it did reach one. */
export function noClusterLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => NO_CLUSTER.some((re) => re.test(l)));
}

/** The outcome of a kubectl run that reached no cluster (or of kubectl not installed). */
export function kubectlNotConfigured(why: string, evidence: string[]): ProbeOutcome {
  // kubectl's own question after "was refused" is answered by the hint.
  const short = why.replace(/\s+-\s+did you specify the right host or port\?$/, '').slice(0, 160);
  return { status: 'inconclusive', reason: 'not-configured', summary: `not configured: kubectl reaches no cluster from here (${short})`, hint: KUBECTL_HINT, evidence };
}

/**
 * The context and namespace kubectl would use now (`kubectl config
 * current-context`, and the namespace of that context from `kubectl config
 * view --minify`, "default" when it sets none), read before a command block
 * that calls kubectl runs; it reads local configuration only.
 */
export async function currentKubeContext(env: Record<string, string | undefined>, signal?: AbortSignal): Promise<KubeContext> {
  const lastLine = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
  const ctx = await runTree('kubectl', ['config', 'current-context'], { env, signal, timeoutMs: 10_000 });
  if (ctx.errorCode === 'ENOENT') return { problem: 'kubectl not found on PATH' };
  if (ctx.exitCode !== 0) return { problem: lastLine(ctx.stderr) ?? `kubectl config current-context exited ${ctx.exitCode ?? ctx.signal}` };
  const context = ctx.stdout.trim();
  if (!context) return { problem: 'kubectl names no current context' };
  const ns = await runTree('kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}'], { env, signal, timeoutMs: 10_000 });
  if (ns.exitCode !== 0) return { context, problem: `namespace unknown: ${lastLine(ns.stderr) ?? `kubectl config view exited ${ns.exitCode ?? ns.signal}`}` };
  return { context, namespace: ns.stdout.trim().split(/\s+/)[0] || 'default' };
}
