/**
 * The built-in probe kinds, one file each under ./kinds/: adding a kind is
 * its file here plus its implementation (see README, Architecture).
 */
import type { ProbeKind } from './kind.js';
import { kind as http } from './kinds/http.js';
import { kind as tls } from './kinds/tls.js';
import { kind as dns } from './kinds/dns.js';
import { kind as tcp } from './kinds/tcp.js';
import { kind as postgres } from './kinds/postgres.js';
import { kind as redis } from './kinds/redis.js';
import { kind as celery } from './kinds/celery.js';
import { kind as command } from './kinds/command.js';
import { kind as twilio } from './kinds/twilio.js';
import { kind as webhookSignature } from './kinds/webhook-signature.js';
import { kind as security } from './kinds/security.js';
import { kind as rateLimit } from './kinds/rate-limit.js';
import { kind as baseline } from './kinds/baseline.js';
import { kind as prometheus } from './kinds/prometheus.js';
import { kind as secretsScan } from './kinds/secrets-scan.js';
import { kind as prometheusTargets } from './kinds/prometheus-targets.js';
import { kind as prometheusRules } from './kinds/prometheus-rules.js';
import { kind as alertmanager } from './kinds/alertmanager.js';
import { kind as grafana } from './kinds/grafana.js';
import { kind as github } from './kinds/github.js';
import { kind as registry } from './kinds/registry.js';
import { kind as k8s } from './kinds/k8s.js';
import { kind as session } from './kinds/session.js';

export const BUILTIN_KINDS: readonly ProbeKind[] = [http, tls, dns, tcp, postgres, redis, celery, command, twilio, webhookSignature, security, rateLimit, baseline, prometheus, secretsScan,
  prometheusTargets, prometheusRules, alertmanager, grafana, github, registry, k8s, session];
