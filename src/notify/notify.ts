/**
 * Notifications: a JSON message in Slack's incoming-webhook shape
 * (`{"text": …}`) posted to `--notify URL` (or `"notify"` in --config) when a
 * session starts, a rollback criterion is met, an incident is opened or
 * updated, and sign-off completes. Callers hand `notify(event)` a plain event
 * and go on: it never blocks, never throws, retries with backoff, masks
 * secrets, and reports a failure once (`onFailure`) while every failure is
 * kept (`failures`) for the session's log. The webhook URL is itself a secret
 * (Slack's carries a token): only its host is ever shown.
 */
import type { Redactor } from '../secrets/redactor.js';

/** What happened, as data; `messageOf` makes the sentence. */
export type NotifyEvent =
  | { kind: 'session.start'; sessionId: string; environment: string; operator: string }
  | { kind: 'criterion.met'; criterion: string; verdict: string; environment?: string; sessionId?: string }
  | { kind: 'incident'; action: 'opened' | 'updated'; sessionId: string; text: string }
  | { kind: 'signoff.complete'; sessionId: string; status: string; environment: string };

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
  }
}

/** `"notify"` of a --config file (JSON), when it has one. */
async function notifyFromConfig(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  // Read through the config module (the one place --config is read and checked).
  const { readConfig } = await import('../config/config-file.js');
  return (await readConfig(file)).notify;
}

/** The webhook: `--notify URL` wins over the config's `"notify"`; undefined when neither is given. */
export async function resolveNotifyUrl(flag: unknown, configFile: string | undefined): Promise<string | undefined> {
  if (typeof flag === 'string') return (await import('../config/config-file.js')).checkNotifyUrl(flag, '--notify');
  return notifyFromConfig(configFile);
}

export interface NotifierOptions {
  url: string;
  redact: Redactor;
  /** Each failure, one line (host only, masked); `first` is true once: show that one, log them all. */
  onFailure?: (line: string, first: boolean) => void;
  /** Attempts per message (default 3), first backoff (default 500 ms, doubled each time), deadline per attempt (default 5 s). */
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

export interface Notifier {
  notify(event: NotifyEvent): void;
  /** Every failure so far, one line each (host only, masked): for the session's log. */
  readonly failures: string[];
  /** Wait for messages in flight at most `maxMs`, then drop the rest and close. */
  close(maxMs?: number): Promise<void>;
}

/** A notifier that does nothing (no URL given). */
const SILENT: Notifier = { notify: () => {}, failures: [], close: async () => {} };

export function createNotifier(opts: NotifierOptions): Notifier {
  const host = new URL(opts.url).host;
  const attempts = opts.attempts ?? 3;
  const backoff = opts.backoffMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const stop = new AbortController();
  const failures: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let agent: { close(): Promise<void>; destroy(): Promise<void> } | undefined;
  let undici: Promise<typeof import('undici')> | undefined;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      // Not unref'd: a caller awaiting close() must not see the process end under it.
      const t = setTimeout(resolve, ms);
      stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });

  const post = async (body: string): Promise<string | undefined> => {
    const { loadUndici } = await import('../probes/net-http.js');
    const u = await (undici ??= loadUndici());
    agent ??= new u.Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
    let last = 'not sent';
    for (let i = 0; i < attempts && !stop.signal.aborted; i++) {
      if (i) await wait(backoff * 2 ** (i - 1));
      if (stop.signal.aborted) break;
      try {
        const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]);
        const res = await u.request(opts.url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal, dispatcher: agent as never });
        await res.body.dump().catch(() => {});
        if (res.statusCode < 300) return undefined;
        last = `answered ${res.statusCode}`;
        // A client error will not get better by asking again (except 429).
        if (res.statusCode < 500 && res.statusCode !== 429) break;
      } catch (err) {
        const e = err as { code?: string; name?: string; message?: string };
        last = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' ? `no answer within ${timeoutMs} ms` : e.code ?? e.name ?? 'failed';
      }
    }
    return stop.signal.aborted ? `${last} (still unsent when the run ended)` : last;
  };

  return {
    failures,
    notify(event) {
      let body: string;
      try {
        body = JSON.stringify({ text: opts.redact(messageOf(event)) });
      } catch {
        return;
      }
      const p = post(body)
        .catch((err) => (err instanceof Error ? err.message : String(err)))
        .then((why) => {
          if (!why) return;
          const line = opts.redact(`notification (${event.kind}) to ${host} not delivered: ${why}`);
          failures.push(line);
          try {
            opts.onFailure?.(line, failures.length === 1);
          } catch {
            // A failing reporter must not turn a lost message into a crash.
          }
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
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
 * redactor that masks the variables' secrets and the webhook URL itself.
 * SILENT when no URL is given.
 */
export async function openNotifier(
  opts: { notify?: unknown },
  globals: { config?: string },
  vars: Readonly<Record<string, string>>,
  onFailure?: NotifierOptions['onFailure'],
): Promise<Notifier> {
  const url = await resolveNotifyUrl(opts.notify, globals.config);
  if (!url) return SILENT;
  const { createRedactor } = await import('../secrets/redactor.js');
  return createNotifier({ url, redact: createRedactor(vars, [url]), onFailure });
}
