/** The session behind the golden report: walked, an incident, all four roles signed, completed. */
import type { Session } from '../../src/session/schema.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession, probe, walkedSession } from './fixtures.js';

export function goldenSession(): Session {
  let s = applyAll(walkedSession(), [
    { type: 'incident', status: 'MONITORING', severity: 'MEDIUM', impact: 'Elevated 5xx on /api/calls', eta: '30 min', actions: 'Scaled web to 6 replicas' },
    { type: 'operator.join', name: 'Grace Hopper' },
    // A command block run step by step: the first command failed, the second never ran.
    {
      type: 'command.run',
      sectionId: 'verify-service-health',
      command: 'curl -f https://calls.example.org/health/\n(not run) kubectl get pods -n django-twilio-call',
      exitCode: 60,
      output: 'curl: (60) SSL certificate problem: unable to get local issuer certificate\n',
      failed: 'exit 60: curl -f https://calls.example.org/health/',
      run: {
        sectionId: 'verify-service-health',
        section: '2. Verify Service Health',
        block: 'Check application health',
        context: 'prod-cluster',
        namespace: 'django-twilio-call',
        exitCode: 60,
        failed: 'exit 60: curl -f https://calls.example.org/health/',
        steps: [{ command: 'curl -f https://calls.example.org/health/', exitCode: 60, durationMs: 212, output: 'curl: (60) SSL certificate problem: unable to get local issuer certificate\n', truncated: false }],
        notRun: ['kubectl get pods -n django-twilio-call'],
      },
    },
  ], 20);
  // Grace ticks DEBUG done over its failing probe with the reason typed at the prompt (an item override),
  // and the Redis probe proves only part of its item (partial evidence).
  s = applyAll(s, [
    probe('debug-off', 'security', 'fail', 'DEBUG page shown on /missing', { spec: 'security url="${APP_URL}/missing"' }),
    { type: 'item.state', itemId: 'debug-off', state: 'done', override: true, reason: 'DEBUG=False checked in the pod env; the 404 page is the CDN\'s' },
  ], 22, 'Grace Hopper');
  s = applyAll(s, [probe('redis-ping', 'redis', 'pass', 'PONG from Redis 7.2.4', { evidence: ['PING → PONG'], spec: 'redis url="${REDIS_URL}"', partial: true })], 24);
  const fp = sessionFingerprint(s);
  // Each role signed by its own person (the signer is the operator who applies the change).
  const signers: [string, string, string][] = [
    ['Tech Lead', 'Ada Lovelace', 'ada'],
    ['DevOps Engineer', 'Grace Hopper', 'gh'],
    ['Security Officer', 'Alan Turing', 'at'],
    ['Product Owner', 'Barbara Liskov', 'bl'],
  ];
  signers.forEach(([role, who, signature], i) => {
    s = applyAll(s, [{ type: 'signoff.sign', role, signature, fingerprint: fp }], 40 + i, who);
  });
  // First recorded SUCCESS over its blockers (the override covers each), then reopened and rolled back.
  s = applyAll(s, [
    { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'error spike is the canary pod; approved by the CTO' },
    { type: 'signoff.reopen', reason: 'error rate kept rising after the canary was removed' },
  ], 44, 'Grace Hopper');
  s = applyAll(s, [
    {
      type: 'signoff.complete',
      status: 'ROLLED BACK',
      notes: 'Error rate above 5% after deploy.\nRolled back with kubectl rollout undo.',
      nextSteps: '1. Root cause analysis\n- Fix and retry on Thursday',
    },
  ], 46);
  return s;
}

/** An earlier session of the same environment, with slower-than-now and faster-than-now figures. */
export function previousSession(): Session {
  return applyAll(emptySession(undefined, 'prod-20261119-0900'), [
    probe('health', 'baseline', 'pass', 'p50 90 ms', { metrics: { p50_ms: 90, p95_ms: 110 } }),
    { type: 'item.state', itemId: 'health', state: 'verified' },
    { type: 'signoff.complete', status: 'SUCCESS', notes: '', nextSteps: '', overrideReason: 'recorded without the sign-off (test fixture)' },
  ], -7 * 24 * 60);
}
