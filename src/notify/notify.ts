/**
 * Notifications: a JSON message in Slack's incoming-webhook shape
 * (`{"text": …}`) posted to `--notify URL` (or `"notify"` in --config) when a
 * session starts, a rollback criterion is met, an incident is opened or
 * updated, and sign-off completes. Callers hand `notify(event)` a plain event
 * and go on: it never blocks, never throws, retries with backoff, masks
 * secrets, and reports a failure once (`onFailure`) while every failure is
 * kept (`failures`) for the session's log. The webhook URL is itself a secret
 * (Slack's carries a token): only its host is ever shown.
 *
 * Targets may be named by audience (`"notify": {"stakeholders": URL, "ops": URL}`
 * in --config): the automatic messages go to every target, an announcement
 * sent from an item (`a` in the wizard) to the audience its item names. Each
 * attempt's outcome, delivered or not, is handed back as a `Delivery` (event,
 * audience, host, HTTP status, the text as sent, when) for the session's record.
 */
import type { Redactor } from '../secrets/redactor.js';
import type { NotifyTarget } from '../config/config-file.js';
import type { Change } from '../session/changes.js';
import type { NotifyKind } from '../grammar/notifications.js';
import type { Delivery } from './types.js';

/** What happened, as data; `messageOf` makes the sentence. */
export type NotifyEvent =
  | { kind: 'session.start'; sessionId: string; environment: string; operator: string }
  | { kind: 'criterion.met'; criterion: string; verdict: string; environment?: string; sessionId?: string }
  | { kind: 'incident'; action: 'opened' | 'updated'; sessionId: string; text: string; eta?: string }
  | { kind: 'signoff.complete'; sessionId: string; status: string; environment: string }
  /** Announcements an operator sends from an item (src/notify/session-events.ts builds them from the record). */
  | { kind: 'deployment.complete'; sessionId: string; environment: string; by: string; settled: number; total: number; failed: number }
  | { kind: 'rollback'; sessionId: string; environment: string; by: string; incident?: { n: number; status: string; severity: string; impact: string; eta: string } };


/** Every message's kind is named in the one list (grammar/notifications.ts), and every name there has a message: checked when compiling. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsNamed: Same<NotifyEvent['kind'], NotifyKind> = true;
void kindsNamed;

export type { Delivery } from './types.js';

/** The one line of a delivery that failed (host only, masked by the notifier). */
function failureLine(d: Pick<Delivery, 'event' | 'audience' | 'host' | 'error'>): string {
  return `notification (${d.event}) to ${d.audience ? `${d.audience} at ` : ''}${d.host} not delivered: ${d.error}`;
}

/** The session change that records one target's outcome: notify.sent, or notify.failed with its one line. */
export function deliveryChange(d: Delivery): Extract<Change, { type: 'notify.sent' | 'notify.failed' }> {
  const { at: _at, ...notification } = d;
  return d.error ? { type: 'notify.failed', detail: failureLine(d), notification } : { type: 'notify.sent', notification };
}

/** The ETA an event's message gives, if any. */
function etaOf(e: NotifyEvent): string | undefined {
  const eta = e.kind === 'incident' ? e.eta : e.kind === 'rollback' ? e.incident?.eta : undefined;
  return eta?.trim() || undefined;
}

/**
 * The one criterion-met event, whoever saw it: `deploy-wizard watch` (its
 * loop's `onMet`) and the wizard (the session change that turned a window to
 * met, session-events.ts) both build it here, so the message is one.
 */
export function criterionMetEvent(criterion: string, verdict: { message: string }, where: { environment?: string; sessionId?: string } = {}): NotifyEvent {
  return { kind: 'criterion.met', criterion, verdict: verdict.message, ...(where.environment !== undefined ? { environment: where.environment } : {}), ...(where.sessionId !== undefined ? { sessionId: where.sessionId } : {}) };
}

/** The message text of an event (pure). */
export function messageOf(e: NotifyEvent): string {
  switch (e.kind) {
    case 'session.start':
      return `:rocket: deploy-wizard: ${e.operator} started deployment session ${e.sessionId} (${e.environment})`;
    case 'criterion.met':
      return `:rotating_light: deploy-wizard: rollback criterion met${e.environment ? ` in ${e.environment}` : ''}: ${e.criterion} — ${e.verdict}. See Rollback Procedures.`;
    case 'incident':
      return `:warning: deploy-wizard: incident ${e.action} in session ${e.sessionId}\n${e.text}`;
    case 'signoff.complete':
      return `:white_check_mark: deploy-wizard: sign-off complete for session ${e.sessionId} (${e.environment}): ${e.status}`;
    case 'deployment.complete':
      return `:white_check_mark: deploy-wizard: deployment to ${e.environment} complete (session ${e.sessionId}): ${e.settled}/${e.total} checklist items settled, ${e.failed} failed; sign-off to follow. Sent by ${e.by}.`;
    case 'rollback': {
      const i = e.incident;
      const what = i ? ` Incident ${i.n}: ${i.status} / ${i.severity}: ${i.impact}. ETA for resolution: ${i.eta.trim() || 'not given yet'}.` : ' No incident recorded yet.';
      return `:rotating_light: deploy-wizard: rolling back ${e.environment} (session ${e.sessionId}).${what} Sent by ${e.by}.`;
    }
  }
}

/** The webhooks: `--notify URL` (one, no audience) wins over the config's `"notify"` (one URL, or one per audience); empty when none. */
export async function resolveNotifyTargets(flag: unknown, configFile: string | undefined): Promise<NotifyTarget[]> {
  // Read through the config module (the one place --config is read and checked).
  const { checkNotifyUrl, readConfig } = await import('../config/config-file.js');
  if (typeof flag === 'string') return [{ url: checkNotifyUrl(flag, '--notify') }];
  if (!configFile) return [];
  const c = await readConfig(configFile);
  return c.notifyTargets ?? (c.notify ? [{ url: c.notify }] : []);
}

export interface NotifierOptions {
  /** One webhook (no audience named)… */
  url?: string;
  /** …or several, each with its audience. */
  targets?: NotifyTarget[];
  /** Each attempt's outcome, delivered or not, for the session's record. */
  onDelivery?: (d: Delivery) => void;
  redact: Redactor;
  /** Each failure, one line (host only, masked); `first` is true once: show that one, log them all. */
  onFailure?: (line: string, first: boolean) => void;
  /** Attempts per message (default 3), first backoff (default 500 ms, doubled each time), deadline per attempt (default 5 s). */
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

export interface Notifier {
  /**
   * Send to every target, or (`audience`) to that audience's targets only.
   * Never rejects: resolves with each target's outcome (empty: no target for that audience).
   */
  notify(event: NotifyEvent, audience?: string, itemId?: string): Promise<Delivery[]>;
  /** The text `notify(event)` sends (masked), for the screen that asks before sending. */
  textOf(event: NotifyEvent): string;
  /** The targets by host and audience (never the URL), for the screen that asks before sending. */
  readonly targets: { audience?: string; host: string }[];
  /** Every failure so far, one line each (host only, masked): for the session's log. */
  readonly failures: string[];
  /** Wait for messages in flight at most `maxMs`, then drop the rest and close. */
  close(maxMs?: number): Promise<void>;
}

/** A notifier that does nothing (no URL given). */
const SILENT: Notifier = { notify: async () => [], textOf: () => '', targets: [], failures: [], close: async () => {} };

export function createNotifier(opts: NotifierOptions): Notifier {
  const targets = (opts.targets ?? (opts.url ? [{ url: opts.url }] : [])).map((t) => ({ ...t, host: new URL(t.url).host }));
  const attempts = opts.attempts ?? 3;
  const backoff = opts.backoffMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const stop = new AbortController();
  const failures: string[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let agent: { close(): Promise<void>; destroy(): Promise<void> } | undefined;
  let undici: Promise<typeof import('undici')> | undefined;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      // Not unref'd: a caller awaiting close() must not see the process end under it.
      const t = setTimeout(resolve, ms);
      stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });

  /** The last answer's status, and why it was not delivered (undefined: delivered). */
  const post = async (url: string, body: string): Promise<{ status?: number; why?: string }> => {
    const { loadUndici } = await import('../probes/net-http.js');
    const u = await (undici ??= loadUndici());
    agent ??= new u.Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
    let last = 'not sent';
    let status: number | undefined;
    for (let i = 0; i < attempts && !stop.signal.aborted; i++) {
      if (i) await wait(backoff * 2 ** (i - 1));
      if (stop.signal.aborted) break;
      try {
        const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]);
        const res = await u.request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal, dispatcher: agent as never });
        await res.body.dump().catch(() => {});
        status = res.statusCode;
        if (res.statusCode < 300) return { status };
        last = `answered ${res.statusCode}`;
        // A client error will not get better by asking again (except 429).
        if (res.statusCode < 500 && res.statusCode !== 429) break;
      } catch (err) {
        const e = err as { code?: string; name?: string; message?: string };
        last = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' ? `no answer within ${timeoutMs} ms` : e.code ?? e.name ?? 'failed';
      }
    }
    return { status, why: stop.signal.aborted ? `${last} (still unsent when the run ended)` : last };
  };

  const send = async (event: NotifyEvent, target: (typeof targets)[number], text: string, body: string, itemId?: string): Promise<Delivery> => {
    const { status, why } = await post(target.url, body).catch((err) => ({ status: undefined, why: err instanceof Error ? err.message : String(err) }));
    const eta = etaOf(event);
    const d: Delivery = { event: event.kind, ...(target.audience ? { audience: target.audience } : {}), host: target.host, ...(status !== undefined ? { status } : {}), text, ...(eta ? { eta: opts.redact(eta) } : {}), ...(itemId ? { itemId } : {}), at: new Date().toISOString() };
    if (why) {
      d.error = opts.redact(why);
      const line = opts.redact(failureLine(d));
      failures.push(line);
      try {
        opts.onFailure?.(line, failures.length === 1);
      } catch {
        // A failing reporter must not turn a lost message into a crash.
      }
    }
    try {
      opts.onDelivery?.(d);
    } catch {
      // Recording is the caller's; a failure there never breaks telling people.
    }
    return d;
  };

  return {
    failures,
    targets: targets.map(({ audience, host }) => ({ ...(audience ? { audience } : {}), host })),
    textOf: (event) => opts.redact(messageOf(event)),
    notify(event, audience, itemId) {
      let text: string;
      let body: string;
      try {
        text = opts.redact(messageOf(event));
        body = JSON.stringify({ text });
      } catch {
        return Promise.resolve([]);
      }
      const to = audience === undefined ? targets : targets.filter((t) => t.audience === audience);
      const p = Promise.all(to.map((t) => send(event, t, text, body, itemId)));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    async close(maxMs = 2000) {
      if (inFlight.size) {
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<void>((r) => (timer = setTimeout(r, maxMs)));
        await Promise.race([Promise.allSettled([...inFlight]), limit]);
        clearTimeout(timer);
      }
      stop.abort();
      await Promise.allSettled([...inFlight]);
      await agent?.destroy().catch(() => {});
    },
  };
}

/**
 * The notifier of a command: `--notify` or the config's `"notify"`, with a
 * redactor that masks the variables' secrets and the webhook URLs themselves.
 * SILENT when no URL is given.
 */
export async function openNotifier(
  opts: { notify?: unknown },
  globals: { config?: string },
  vars: Readonly<Record<string, string>>,
  onFailure?: NotifierOptions['onFailure'],
  onDelivery?: NotifierOptions['onDelivery'],
): Promise<Notifier> {
  const targets = await resolveNotifyTargets(opts.notify, globals.config);
  if (!targets.length) return SILENT;
  const { createRedactor } = await import('../secrets/redactor.js');
  return createNotifier({ targets, redact: createRedactor(vars, targets.map((t) => t.url)), onFailure, onDelivery });
}
