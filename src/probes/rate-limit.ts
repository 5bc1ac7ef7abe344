/**
 * rate-limit probe: a bounded burst (at most `burst` requests, at most 20 in
 * flight) that stops as soon as one answer matches `expect` (429/503 by
 * default). Passes when the limiter answered; fails when none did.
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/rate-limit.js';
import { statusMatches } from './params.js';
import { describeNetError, urlWhere, linkDeadline } from './toolkit.js';
import { lookingPastTls } from './net-http.js';
import { cancelled as cancelledOutcome, timedOut as timedOutOutcome } from './verdict.js';

type Params = z.infer<typeof schema>;

/** In-flight requests at most: enough to trip a limiter, not enough to hurt the site. */
export const MAX_CONCURRENCY = 20;

/** "200×40, 429×10" */
function statusTally(counts: Map<number | string, number>): string {
  return [...counts.entries()].map(([k, n]) => `${k}×${n}`).join(', ');
}

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  const parsed = urlWhere(params.url);
  if ('outcome' in parsed) return parsed.outcome;
  const { where } = parsed;
  // Up to 20 sockets to tear down: keep more of the budget for it.
  const deadline = linkDeadline(ctx, 15, 200);
  const width = Math.min(MAX_CONCURRENCY, params.burst);
  const client = await createHttpClient({ connections: width });
  const counts = new Map<number | string, number>();
  let sent = 0;
  let limited = 0;
  let firstLimitedAt = 0;
  let firstError: unknown;
  // Stops new requests once the limiter answered or the deadline/cancel hit.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  deadline.signal.addEventListener('abort', onAbort, { once: true });
  const worker = async () => {
    while (!stop.signal.aborted && sent < params.burst) {
      const n = ++sent;
      try {
        const a = await client.call(params.url, { method: params.method, maxBody: 1024 }, deadline.signal);
        counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
        if (statusMatches(params.expect, a.status)) {
          limited++;
          if (!firstLimitedAt) firstLimitedAt = n;
          stop.abort();
        }
      } catch (err) {
        if (deadline.signal.aborted) return;
        firstError ??= err;
        counts.set('error', (counts.get('error') ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    deadline.signal.removeEventListener('abort', onAbort);
    await client.close();
  }
  const timedOut = deadline.timedOut();
  const cancelled = deadline.cancelled();
  deadline.dispose();
  const answered = [...counts.entries()].filter(([k]) => k !== 'error').reduce((s, [, n]) => s + n, 0);
  const metrics = { limited, sent };
  const evidence = [`${params.method} ${params.url}: ${sent} sent, ${width} at once`, `answers: ${statusTally(counts) || 'none'}`];
  if (firstError) evidence.push(`first error: ${describeNetError(firstError, where)}`);
  if (limited) return { status: 'pass', summary: `rate limit answered ${[...counts.keys()].find((k) => typeof k === 'number' && statusMatches(params.expect, k))} after ${firstLimitedAt} of at most ${params.burst} requests`, evidence, metrics };
  if (cancelled) return { ...cancelledOutcome(evidence), metrics };
  if (timedOut) return { ...timedOutOutcome(`rate-limit ${params.url}: no verdict within ${deadline.budgetMs} ms (${answered} of ${sent} requests answered, none limited)`, evidence), metrics };
  if (!answered) return { status: 'error', summary: `rate-limit ${params.url}: ${describeNetError(firstError, where)}`, evidence, metrics };
  return { status: 'fail', summary: `${sent} requests, none limited (${statusTally(counts)}; expected ${params.expect})`, evidence, metrics };
});
