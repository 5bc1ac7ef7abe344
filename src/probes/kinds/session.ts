/** The `session` probe kind: its parameters, its doc row and what it loads (./session.ts: the tool's own record, no library). */
import * as z from 'zod';
import { defineKind } from '../kind.js';
import { AUDIENCE_NAME, NOTIFY_KINDS } from '../../grammar/notifications.js';

/** What the session probe judges from the session's record. */
const SESSION_CHECKS = ['items-settled', 'watch-started', 'success-criteria', 'known-issues', 'incident-timeline', 'notified'] as const;

/** `15m`, `30s`, `2h` → milliseconds. */
const minutes = z.string().regex(/^\d+(ms|s|m|h)$/, 'must be a duration like 15m, 30s or 2h').transform((v) => {
  const n = Number(/^\d+/.exec(v)![0]);
  return v.endsWith('ms') ? n : v.endsWith('s') ? n * 1000 : v.endsWith('m') ? n * 60_000 : n * 3_600_000;
});

export const params = z.object({
  check: z.enum(SESSION_CHECKS),
  /** incident-timeline: how often an open incident must be updated (the checklist's template says every 15 minutes). */
  every: minutes.optional(),
  /** notified: the kinds of message that count, comma-separated (any one delivered proves the item). */
  event: z
    .string()
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(NOTIFY_KINDS)).min(1))
    .optional(),
  /** notified: the audience it must have reached (a target named so in the config's "notify"); absent: any target. */
  audience: z.string().regex(AUDIENCE_NAME, 'must be an audience name like stakeholders, ops or support').optional(),
  /** notified: `with=eta`: the message must have given an ETA for resolution. */
  with: z.enum(['eta']).optional(),
});

export const kind = defineKind({
  name: 'session',
  params,
  doc: { library: '-', checks: "The session's own record: items settled, a watch started, rollback criteria not met over a complete window, issues documented, incident updates on time, notifications delivered" },
  proves:
    'what this session recorded: every other item settled with none failed, a watch of the rollback criteria started, none met over a complete window, each failure or skip carries its note, each open incident updated within its period, a message of the named kind delivered (the webhook answered 2xx) to the named audience',
  load: () => import('../session.js').then((m) => m.probe),
});
