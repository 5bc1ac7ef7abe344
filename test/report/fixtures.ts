/** A small hand-made checklist and session with stable dates, for report and sign-off tests. */
import type { Checklist } from '../../src/checklist/types.js';
import type { Session } from '../../src/session/schema.js';
import { applyChange, type Change } from '../../src/session/changes.js';

export function smallChecklist(): Checklist {
  const sec = (id: string, title: string, depth: number, path: string[], parentId: string | undefined, itemIds: string[], childIds: string[] = []) => ({
    id,
    title,
    depth,
    path,
    parentId,
    line: 1,
    guidance: [],
    itemIds,
    childIds,
  });
  const item = (id: string, text: string, sectionId: string) => ({ id, text, sectionId, line: 1, checked: false, probes: [] });
  return {
    file: '/fixtures/small.md',
    title: 'Small Deployment Checklist',
    hash: 'a'.repeat(64),
    sections: [
      sec('root', 'Small Deployment Checklist', 1, ['Small Deployment Checklist'], undefined, [], ['pre', 'post']),
      sec('pre', 'Pre-Deployment', 2, ['Small Deployment Checklist', 'Pre-Deployment'], 'root', ['db-backup', 'redis-ping'], ['pre-sec']),
      sec('pre-sec', 'Security', 3, ['Small Deployment Checklist', 'Pre-Deployment', 'Security'], 'pre', ['debug-off']),
      sec('post', 'Post-Deployment', 2, ['Small Deployment Checklist', 'Post-Deployment'], 'root', ['health', 'error-rate', 'docs']),
    ],
    items: [
      item('db-backup', 'Database backup taken', 'pre'),
      item('redis-ping', 'Redis answering PING', 'pre'),
      item('debug-off', 'DEBUG = False in production', 'pre-sec'),
      item('health', 'Application health endpoints responding', 'post'),
      item('error-rate', 'Error rates within limits', 'post'),
      item('docs', 'Deployment notes documented', 'post'),
    ],
    signoff: {
      roles: ['Tech Lead', 'DevOps Engineer', 'Security Officer', 'Product Owner'],
      statuses: ['SUCCESS', 'FAILED', 'ROLLED BACK'],
      fields: ['Notes', 'Next Steps'],
    },
  };
}

export const T0 = '2026-11-26T09:00:00.000Z';

export function emptySession(checklist = smallChecklist(), id = 'prod-20261126-0900'): Session {
  return {
    schemaVersion: 1,
    id,
    checklist: { path: checklist.file, hash: checklist.hash, title: checklist.title },
    environment: 'production',
    operators: ['Ada Lovelace'],
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    cursor: {},
    // Every item of the checklist, pending, as a new session document has them (the session core reads its item ids here).
    items: Object.fromEntries(checklist.items.map((i) => [i.id, { state: 'pending' as const, probes: [], updatedAt: T0, updatedBy: 'Ada Lovelace' }])),
    events: [{ at: T0, who: 'Ada Lovelace', what: 'session.start' }],
    incidents: [],
    signoff: { notes: '', nextSteps: '', signatures: [] },
  };
}

/** Apply changes one minute apart from T0 + `startMin`. */
export function applyAll(session: Session, changes: Change[], startMin = 1, who = 'Ada Lovelace'): Session {
  let s = session;
  changes.forEach((c, i) => {
    const at = new Date(Date.parse(T0) + (startMin + i) * 60_000).toISOString();
    s = applyChange(s, c, { who, at });
  });
  return s;
}

export function probe(itemId: string, kind: string, status: 'pass' | 'warn' | 'fail' | 'error' | 'skipped', summary: string, extra: { evidence?: string[]; metrics?: Record<string, number>; spec?: string; partial?: boolean } = {}): Change {
  return {
    type: 'probe.result',
    result: {
      kind,
      itemId,
      spec: extra.spec ?? `${kind} url="\${APP_URL}/health/"`,
      status,
      summary,
      evidence: extra.evidence ?? [],
      metrics: extra.metrics,
      durationMs: 42,
      at: '2026-11-26T09:05:00.000Z',
      ...(extra.partial ? { partial: true } : {}),
    },
  };
}

/** A walked session: some done, one verified by probe, one failed, one skipped, one pending. */
export function walkedSession(): Session {
  return applyAll(emptySession(), [
    { type: 'item.state', itemId: 'db-backup', state: 'done' },
    { type: 'item.note', itemId: 'db-backup', note: 'pg_dump to s3://backups/2026-11-26.sql' },
    probe('redis-ping', 'redis', 'pass', 'PONG from Redis 7.2.4', { evidence: ['PING → PONG', 'redis_version:7.2.4'], spec: 'redis url="${REDIS_URL}"' }),
    { type: 'item.state', itemId: 'redis-ping', state: 'verified' },
    probe('health', 'baseline', 'pass', 'p50 120 ms (baseline 100 ms, +20%)', { evidence: ['10 requests', 'p50 120 ms, p95 180 ms'], metrics: { p50_ms: 120, p95_ms: 180, baseline_ms: 100, increase_pct: 20 } }),
    { type: 'item.state', itemId: 'health', state: 'verified' },
    probe('error-rate', 'prometheus', 'fail', 'error rate 0.072 above 0.05', { evidence: ['query: sum(rate(http_requests_total{status=~"5.."}[5m]))', 'value 0.072'], metrics: { value: 0.072 }, spec: 'prometheus url="${PROM_URL}" query="5xx ratio" max=0.05' }),
    { type: 'item.state', itemId: 'error-rate', state: 'failed' },
    { type: 'item.state', itemId: 'docs', state: 'skipped', reason: 'wiki is down; will write tomorrow' },
  ]);
}
