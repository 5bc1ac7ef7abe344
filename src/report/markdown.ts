/**
 * The release record as GitHub-flavoured Markdown. Pure: the same session,
 * checklist and options always give the same text (golden-file tested).
 * All user text is redacted, then escaped through text/escape.ts.
 */
import type { Checklist } from '../checklist/types.js';
import { createRedactor, redactDeep, type Redactor } from '../secrets/redactor.js';
import type { ProbeStatus } from '../probes/types.js';
import type { Vars } from '../config/vars.js';
import type { CommandRun, ItemState, Session } from '../session/schema.js';
import { blockVerdict } from '../verdict/command-run.js';
import { durationText } from '../grammar/time-format.js';
import { describeConflict } from '../session/item-conflict.js';
import { incidentNumber, openIncidents } from '../session/incidents.js';
import { overrideReasons, sessionFingerprint, signatureStatus, signoffRoles } from '../session/signoff.js';
import { codeBlock, escapeBlock, escapeHtml, escapeInline, mermaidLabel } from '../text/escape.js';
import {
  evaluateRollback,
  howText,
  needsAttention,
  settledBy,
  responseTimes,
  sectionLabel,
  STATES,
  stateOf,
  summarizeSections,
} from './model.js';
import { percentDone, progressBreakdown, progressFromCounts } from '../verdict/items.js';
import { formatMarkdown } from '../watch/format.js';
import { savedOutcome } from '../watch/saved.js';
import { rollbackMarkdown } from '../verdict/window.js';
import { embedsRecord, recordBlock } from './signed-record.js';

export interface ReportOptions {
  /** The previous session of the same environment, for the response-time comparison. */
  previous?: Session;
  /** Variables whose secret values must never appear (the store already redacts; this is a second net). */
  vars?: Vars;
  /** A ready redactor; wins over `vars`. */
  redact?: Redactor;
}

const STATE_LABEL: Record<ItemState, string> = {
  done: 'done',
  verified: 'verified',
  failed: 'failed',
  skipped: 'skipped',
  na: 'n/a',
  pending: 'pending',
};

const STATE_ICON: Record<ItemState, string> = {
  done: '✅',
  verified: '🔍',
  failed: '❌',
  skipped: '⏭️',
  na: '➖',
  pending: '⏳',
};

const PROBE_ICON: Record<ProbeStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', error: '💥', skipped: '⏭️', inconclusive: '❔' };

/**
 * The sign-off's SSH-key signatures: who (principal, key fingerprint) signed
 * what and when, and each armored SSHSIG whole (public; never masked), or the
 * plain statement that the sign-off holds names, not signatures.
 */
function keySignatures(s: Session, fingerprint: string): string[] {
  const keyed = [
    ...s.signoff.signatures.filter((x) => x.signed).map((x) => ({ what: x.role, k: x.signed!, covers: x.fingerprint === fingerprint ? 'this content' : '⚠️ earlier content' })),
    ...(s.signoff.history ?? []).filter((h) => h.signed).map((h) => ({ what: h.action === 'completed' ? `${h.overrideReason ? 'Override completion' : 'Completion'} (${h.status ?? ''})` : 'Reopening', k: h.signed!, covers: '—' })),
  ];
  if (!keyed.length) return ['**Signatures**: names, not signatures: no SSH key signed this sign-off.'];
  const out = [
    '### SSH signatures',
    '',
    `Each made with the signer's SSH key over the session fingerprint, the role or action and the time, checked against \`${escapeInline(s.signing?.source ?? 'allowed_signers')}\`; \`deploy-wizard verify\` checks them again, offline, from this file alone.`,
    '',
    ...table(['Signed', 'Principal', 'Key', 'At', 'Covers'], keyed.map((x) => [escapeInline(x.what), escapeInline(x.k.principal), `\`${escapeInline(x.k.key)}\``, formatTime(x.k.signedAt), x.covers])),
  ];
  for (const x of keyed) out.push('', `#### ${escapeInline(x.what)}: ${escapeInline(x.k.principal)}`, '', codeBlock(x.k.sshsig));
  return out;
}

/** "2026-11-26 14:32 UTC" from an ISO time; the input escaped when it is not a date. */
function formatTime(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  // Not a date: shown as text (already redacted with the rest of the session).
  if (Number.isNaN(d.getTime())) return escapeInline(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long from `from` to `to` (ISO times), for people; undefined when either is no time or `to` is earlier. */
function spanText(from: string, to?: string): string | undefined {
  if (!to) return undefined;
  const ms = new Date(to).getTime() - new Date(from).getTime();
  return Number.isFinite(ms) && ms >= 0 ? durationText(ms) : undefined;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: string[], rows: string[][], align?: string[]): string[] {
  return [row(head), row(align ?? head.map(() => '---')), ...rows.map(row)];
}

/**
 * A redactor that remembers its answers: every rendered string is redacted
 * once up front and again where it is placed (belt and braces), and a string
 * without secrets comes back unchanged, so the second pass is a lookup.
 */
export function memoRedactor(redact: Redactor): Redactor {
  const seen = new Map<string, string>();
  return (text: string) => {
    let out = seen.get(text);
    if (out === undefined) {
      out = redact(text);
      seen.set(text, out);
      seen.set(out, out);
    }
    return out;
  };
}

/**
 * Render the whole report. `checklist` is the one the session names (or the
 * global one). With SSH-key signatures the report ends with the record it was
 * rendered from (./signed-record.ts), so `deploy-wizard verify` checks it alone.
 */
export function renderMarkdown(session: Session, checklist: Checklist, opts: ReportOptions = {}): string {
  const body = renderReportBody(session, checklist, opts);
  if (!embedsRecord(session)) return body;
  const redact = memoRedactor(opts.redact ?? createRedactor(opts.vars ?? {}));
  const rec = { session: redactDeep(session, redact), checklist, previous: opts.previous ? redactDeep(opts.previous, redact) : undefined };
  return `${body}
${recordBlock(rec)}
`;
}

/** The visible report (what `verify` renders again from an embedded record and compares line by line). */
export function renderReportBody(session: Session, checklist: Checklist, opts: ReportOptions = {}): string {
  // Fingerprints are over the stored content, so compute them before redacting.
  const fingerprint = sessionFingerprint(session);
  const signatures = new Map(signatureStatus(session).map((s) => [s.role, s]));
  const redact = memoRedactor(opts.redact ?? createRedactor(opts.vars ?? {}));
  // The event log is not rendered, so it is not redacted either (redaction is not cheap on long text).
  const s = redactDeep({ ...session, events: [] }, redact);
  const prev = opts.previous ? redactDeep({ ...opts.previous, events: [] }, redact) : undefined;
  const t = (text: string | undefined) => escapeInline(redact(text ?? ''));
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);

  // Header
  const status = s.signoff.status;
  push(`# Deployment report: ${t(checklist.title || s.checklist.title)}`, '');
  push(
    ...table(
      ['Field', 'Value'],
      [
        ['Session', t(s.id)],
        ['Environment', `**${t(s.environment)}**`],
        ['Operators', s.operators.map(t).join(', ') || '—'],
        ['Started', formatTime(s.createdAt)],
        ['Ended', s.signoff.completedAt ? `${formatTime(s.signoff.completedAt)} (${spanText(s.createdAt, s.signoff.completedAt) ?? '?'})` : 'not completed'],
        ['Deployment Status', !status ? 'not signed off' : s.status === 'completed' ? `**${t(status)}**${s.signoff.override ? ' (override)' : ''}` : `${t(status)} (reopened: not completed)`],
        ['Checklist', `${t(s.checklist.path)} (sha256 \`${escapeInline(s.checklist.hash.slice(0, 12))}\`)`],
      ],
    ),
    '',
  );
  if (checklist.hash !== s.checklist.hash) {
    push(
      `> [!WARNING]`,
      `> The checklist has changed since this session started: the session used sha256 \`${escapeInline(s.checklist.hash.slice(0, 12))}\`, the checklist read for this report is \`${escapeInline(checklist.hash.slice(0, 12))}\`. Items are matched by id.`,
      '',
    );
  }

  // Failures and overrides first
  const attention = needsAttention(s, checklist, formatTime);
  // The session core names items by id in the blockers it records; the report names them by the checklist's text.
  const textOf = new Map(checklist.items.map((i) => [i.id, i.text]));
  const named = (sentence: string) => sentence.replace(/"([^"]+?)((?:: [^"]*)?)"/g, (all, id: string, rest: string) => (textOf.has(id) ? `"${textOf.get(id)}${rest}"` : all));
  push('## Failures and overrides', '');
  if (s.signoff.override) {
    push(`- **Deployment Status override** by ${t(s.signoff.override.by)} at ${formatTime(s.signoff.override.at)}: ${t(s.signoff.override.reason)}`);
    // What the override went past: the blockers the session core recorded with the reason at completion
    // (older files: recomputed from the stored session, as the sign-off screen said it).
    for (const r of s.signoff.override.covers ?? overrideReasons(session, checklist, status ?? 'SUCCESS')) push(`  - overridden: ${t(named(r))}`);
  }
  // Earlier completions' overrides (the session was reopened since): each reason stays on the record.
  for (const h of (s.signoff.history ?? []).slice(0, -1)) {
    if (h.action !== 'completed' || !h.overrideReason) continue;
    push(`- Earlier completion (${t(h.status ?? '')}) override by ${t(h.by)} at ${formatTime(h.at)}: ${t(h.overrideReason)}`);
    for (const r of h.overrideCovers ?? []) push(`  - overridden: ${t(named(r))}`);
  }
  for (const a of attention) {
    push(`- ${STATE_ICON[a.state]} **${t(a.text)}** (${t(a.section)}), ${STATE_LABEL[a.state]}`);
    for (const w of a.why) push(`  - ${t(w)}`);
    if (a.note) push(`  - note: ${t(a.note)}`);
  }
  if (!s.signoff.override && !attention.length) push('None: no failed items, no failing probes, no overrides.');
  push('');

  // Summary per section
  const { sections, total, progress } = summarizeSections(s, checklist);
  push('## Summary', '');
  push(`Settled ${progress.settled} of ${progress.total}${progress.failed ? `, ${progress.failed} failed` : ''}: ${progressBreakdown(progress)} (proved: verified by its probes; partly: by probes that prove only part of the item; by hand: ticked by a person).`, '');
  push(
    ...table(
      ['Section', ...STATES.map((st) => STATE_LABEL[st]), 'total'],
      [
        ...sections.map((g) => [t(g.label), ...STATES.map((st) => String(g.counts[st])), String(g.counts.total)]),
        ['**All**', ...STATES.map((st) => `**${total[st]}**`), `**${total.total}**`],
      ],
      ['---', ...STATES.map(() => '---:'), '---:'],
    ),
    '',
  );
  if (total.total > 0) {
    push('```mermaid', 'pie showData', '  title Item states');
    for (const st of STATES) if (total[st]) push(`  "${STATE_LABEL[st]}" : ${total[st]}`);
    push('```', '');
    if (sections.length > 1) {
      const labels = sections.map((g) => `"${mermaidLabel(redact(g.label.split(' › ').pop() ?? g.label), 24)}"`);
      const pct = sections.map((g) => String(percentDone(progressFromCounts(g.counts))));
      const failed = sections.map((g) => String(g.counts.total ? Math.round((g.counts.failed / g.counts.total) * 100) : 0));
      push(
        '```mermaid',
        'xychart-beta',
        '  title "Items settled per section (%): bars settled, line failed"',
        `  x-axis [${labels.join(', ')}]`,
        '  y-axis "%" 0 --> 100',
        `  bar [${pct.join(', ')}]`,
        `  line [${failed.join(', ')}]`,
        '```',
        '',
      );
    }
  }

  // Rollback criteria
  push('## Rollback criteria', '');
  const verdicts = evaluateRollback(s, checklist, prev);
  push(...table(['Criterion', 'Observed', 'Threshold', 'Verdict'], verdicts.map((v) => [t(v.criterion), t(v.observed), t(v.threshold), rollbackMarkdown(v)])), '');

  // Watches of the rollback criteria started in the wizard: the series, thresholds and window verdicts, as `watch --format md` shows them.
  for (const record of s.watches ?? []) {
    const { outcome, elapsedMs } = savedOutcome(record, checklist);
    push(redact(formatMarkdown(outcome, record.startedAt, elapsedMs, { level: 2, by: record.by, state: record.stopped ? 'stopped' : 'live', stopped: record.stopped })));
  }

  // Response times
  const times = responseTimes(s, checklist, prev);
  if (times.length) {
    push('## Response times', '');
    const prevCol = prev ? `previous (${t(prev.id)})` : 'previous';
    push(
      ...table(
        ['Item', 'this session (ms)', `${prevCol} (ms)`, 'stored baseline (ms)', 'change'],
        times.map((r) => [
          t(r.label),
          r.currentMs?.toString() ?? '—',
          r.previousMs?.toString() ?? '—',
          r.baselineMs?.toString() ?? '—',
          r.increasePct === undefined ? '—' : `${r.increasePct > 0 ? '+' : ''}${r.increasePct}%`,
        ]),
      ),
      '',
    );
    const both = times.filter((r) => r.currentMs !== undefined && r.previousMs !== undefined);
    if (prev && both.length) {
      const max = Math.max(...both.flatMap((r) => [r.currentMs!, r.previousMs!]));
      push(
        '```mermaid',
        'xychart-beta',
        `  title "Response time (ms): bars previous session, line this session"`,
        `  x-axis [${both.map((r) => `"${mermaidLabel(redact(r.label), 24)}"`).join(', ')}]`,
        `  y-axis "ms" 0 --> ${Math.ceil(max * 1.2)}`,
        `  bar [${both.map((r) => r.previousMs).join(', ')}]`,
        `  line [${both.map((r) => r.currentMs).join(', ')}]`,
        '```',
        '',
      );
    }
  }

  // Every item, by section
  push('## Items', '');
  const itemsBySection = new Map<string, typeof checklist.items>();
  for (const it of checklist.items) itemsBySection.set(it.sectionId, [...(itemsBySection.get(it.sectionId) ?? []), it]);
  for (const sec of checklist.sections) {
    const items = itemsBySection.get(sec.id);
    if (!items?.length) continue;
    push(`### ${t(sectionLabel(checklist, sec))}`, '');
    // Who set each state, when, and how: verified by its probes, partly, by hand, over the probes (override), set aside with a reason.
    push(
      ...table(
        ['State', 'How', 'By', 'When', 'Item', 'Note'],
        items.map((it) => {
          const rec = s.items[it.id];
          const st = stateOf(s, it.id);
          const who = rec && st !== 'pending' ? settledBy(rec) : undefined;
          // Why no machine settles it, when the checklist says (`<!-- manual: … -->`).
          const manual = it.manual ? ` — ${t(it.manual)}` : '';
          return [`${STATE_ICON[st]} ${STATE_LABEL[st]}`, t(howText(rec)), who ? t(who.by) : '', who ? formatTime(who.at) : '', t(it.text) + manual, rec?.note ? t(rec.note) : ''];
        }),
      ),
      '',
    );
    for (const it of items) {
      for (const p of s.items[it.id]?.probes ?? []) {
        push(
          '<details>',
          `<summary>${PROBE_ICON[p.status] ?? ''} ${escapeHtml(redact(p.kind))} ${escapeHtml(p.status)}${p.reason ? ` (${escapeHtml(p.reason)})` : ''}${p.partial ? ' (partial evidence: a person settles the item)' : ''}: ${escapeHtml(redact(it.text))}: ${escapeHtml(redact(p.summary))} (${Math.round(p.durationMs)} ms, ${escapeHtml(formatTime(p.at))})</summary>`,
          '',
          codeBlock([`probe: ${redact(p.spec)}`, ...p.evidence.map(redact)].join('\n')),
          '',
          '</details>',
          '',
        );
      }
    }
  }
  const known = new Set(checklist.items.map((i) => i.id));
  const orphans = Object.keys(s.items).filter((id) => !known.has(id));
  if (orphans.length) {
    push('### Items no longer in the checklist', '');
    push(...table(['State', 'Item id', 'Note'], orphans.map((id) => [`${STATE_ICON[stateOf(s, id)]} ${STATE_LABEL[stateOf(s, id)]}`, t(id), t(s.items[id].note)])), '');
  }

  // Command blocks run from the wizard, each under its step (section): every command as it ran
  // (variables resolved, secrets masked), its exit status and time, then the output (redacted).
  const runs = session.events.filter((e) => e.what === 'command.run');
  if (runs.length) {
    push('## Commands run', '');
    for (const e of runs) {
      if (e.run) {
        push(...commandRunLines(e.at, e.who, e.run, redact, t), '');
        continue;
      }
      // Older records: the event's first line is how the run ended (exit N, or exit N — FAILED: why), then `$ script` and the output.
      const [head, ...body] = redact(e.detail ?? '').split('\n');
      push(`- ${formatTime(e.at)} by ${t(e.who)}: ${/ — FAILED: /.test(head) ? '❌' : '✅'} ${t(head)}`, '', codeBlock(body.join('\n').trimEnd(), 'console'), '');
    }
  }

  // Incidents
  push('## Incidents', '');
  if (s.incidents.length) {
    push(
      ...table(
        ['Incident', 'Time', 'By', 'Status', 'Severity', 'Impact', 'ETA', 'Actions'],
        // One row per entry: an incident's updates share its number, so its rows are its status history.
        s.incidents.map((i, k) => [String(incidentNumber(i, k)), formatTime(i.at), t(i.by), t(i.status), t(i.severity), t(i.impact), t(i.eta), t(i.actions)]),
      ),
      '',
    );
    const open = openIncidents(s);
    if (open.length) push(`Open at the end of the record: ${open.map((i) => `incident ${i.n} (${t(i.latest.status)})`).join(', ')}.`, '');
  } else push('None recorded.', '');

  // Same-item conflicts (team mode): only when there were any.
  const conflicts = redactDeep(session.events.filter((e) => e.conflict), redact);
  if (conflicts.length) {
    push('## Conflicts', '', 'Two people changed one item without seeing each other\'s change; the more cautious state stays (failed > pending > skipped > n/a > done > verified).', '');
    push(
      ...table(
        ['Time', 'Item', 'What happened', 'Stayed'],
        conflicts.map((e) => [
          formatTime(e.at),
          t(checklist.items.find((i) => i.id === e.itemId)?.text ?? e.itemId ?? ''),
          t(describeConflict(e.conflict!, e.who, e.at, undefined)),
          STATE_LABEL[e.conflict!.kept],
        ]),
      ),
      '',
    );
  }

  // Changes the store refused (team mode: made offline on a session completed meanwhile, …): only when there were any.
  const refused = redactDeep(session.events.filter((e) => e.what === 'change.refused'), redact);
  if (refused.length) {
    push('## Refused changes', '', 'Changes that reached the store after it could take them; kept in their author\'s journal, not applied.', '');
    push(
      ...table(
        ['Time', 'By', 'Item', 'What and why'],
        refused.map((e) => [formatTime(e.at), t(e.who), t(checklist.items.find((i) => i.id === e.itemId)?.text ?? e.itemId ?? ''), t(e.detail ?? '')]),
      ),
      '',
    );
  }

  // Notifications: what was sent, to whom (audience and host, never the URL), the answer; only when there were any.
  const notes = redactDeep(session.events.filter((e) => e.what === 'notify.sent' || e.what === 'notify.failed'), redact);
  if (notes.length) {
    push('## Notifications', '');
    push(
      ...table(
        ['Time', 'By', 'Message', 'To', 'Answer', 'Item'],
        notes.map((e) => {
          const n = e.notification;
          // Older files kept only the failure's line.
          if (!n) return [formatTime(e.at), t(e.who), '', '', t(e.detail ?? ''), ''];
          const answer = n.error ? `not delivered: ${n.error}` : `delivered (HTTP ${n.status ?? '2xx'})`;
          return [formatTime(e.at), t(e.who), `${t(n.event)}: ${t(n.text)}`, t(n.audience ? `${n.audience} (${n.host})` : n.host), t(answer), t(checklist.items.find((i) => i.id === n.itemId)?.text ?? n.itemId ?? '')];
        }),
      ),
      '',
    );
  }

  // Sign-off
  push('## Sign-off', '');
  const roles = [...signoffRoles(checklist)];
  for (const sig of s.signoff.signatures) if (!roles.includes(sig.role)) roles.push(sig.role);
  push(
    ...table(
      ['Role', 'Name', 'Signature', 'Date', 'Valid'],
      roles.map((role) => {
        const sig = s.signoff.signatures.find((x) => x.role === role);
        if (!sig) return [t(role), '', '', '', 'not signed'];
        const check = signatures.get(role);
        const name = sig.combinedWith ? `${t(sig.name)} (also ${t(sig.combinedWith)}, combined as the checklist allows)` : t(sig.name);
        return [t(role), name, t(sig.signature), formatTime(sig.date), check?.status === 'valid' ? '✓ valid' : '⚠️ **changed after signing**'];
      }),
    ),
    '',
  );
  push(`**Deployment Status**: ${status ? t(status) : 'not chosen'}`, '');
  if (s.signoff.override) push(`**Override reason**: ${t(s.signoff.override.reason)}`, '');
  const history = s.signoff.history ?? [];
  const last = history[history.length - 1];
  if (s.status === 'completed') {
    push(`**Read-only**: completed${last ? ` by ${t(last.by)} at ${formatTime(last.at)}` : ''}; no change is accepted until someone reopens the session (reopening is recorded here).`, '');
  } else if (last?.action === 'reopened') {
    push(`**Reopened** by ${t(last.by)} at ${formatTime(last.at)}: ${t(last.reason)}. The session is not completed.`, '');
  }
  // Revoked signatures are part of the story too: a role signed, revoked and signed again, or left unsigned.
  const revocations = session.events
    .filter((e) => e.what === 'signoff.revoke')
    .map((e) => {
      const detail = e.detail ?? '';
      const role = roles.find((r) => detail === r || detail.startsWith(`${r}: `)) ?? detail.split(': ')[0];
      return { at: e.at, row: [formatTime(e.at), t(e.who), `revoked the ${t(role)} signature`, '', t(detail.slice(role.length + 2))] };
    });
  if (history.length || revocations.length) {
    const rows = [
      ...history.map((h) => ({ at: h.at, row: [formatTime(h.at), t(h.by), h.action, t(h.status ?? ''), h.overrideReason ? `override: ${t(h.overrideReason)}` : t(h.reason ?? '')] })),
      ...revocations,
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    push('### Status history', '');
    push(...table(['When', 'Who', 'What', 'Status', 'Reason'], rows.map((r) => r.row)), '');
  }
  push(...keySignatures(s, fingerprint), '');
  push('### Notes', '', s.signoff.notes.trim() ? escapeBlock(redact(s.signoff.notes)) : '—', '');
  push('### Next Steps', '', s.signoff.nextSteps.trim() ? escapeBlock(redact(s.signoff.nextSteps)) : '—', '');

  push('---', '', `Session fingerprint (SHA-256): \`${fingerprint}\``, '');
  return out.join('\n');
}

/** One recorded command block run: its step, who/when, kube context, its verdict, each command with its exit status, the output. */
function commandRunLines(at: string, who: string, run: CommandRun, redact: Redactor, t: (text: string | undefined) => string): string[] {
  const verdict = blockVerdict(run.exitCode, run.steps);
  const failed = Boolean(run.failed) || verdict.failed;
  const title = [run.section, run.block].filter(Boolean).map((x) => t(x)).join(' · ') || 'Command block';
  const kube = run.context ? ` · kube context ${t(run.context)}, namespace ${t(run.namespace ?? 'unknown')}` : '';
  const rows = run.steps.map((st, i) => [
    String(i + 1),
    t(st.command),
    st.exitCode === 0 ? '✅ 0' : st.exitCode === null ? '❌ stopped' : `❌ ${st.exitCode}`,
    durationText(st.durationMs),
    st.truncated ? 'cut (middle left out)' : 'whole',
  ]);
  for (const n of run.notRun ?? []) rows.push(['—', t(n), 'not run', '—', '—']);
  const text = run.steps
    .map((st) => `$ ${st.command}\n${st.output}${st.output && !st.output.endsWith('\n') ? '\n' : ''}${st.exitCode === 0 ? '' : `[exit ${st.exitCode ?? 'stopped'}]\n`}`)
    .join('');
  return [
    `### ${title}`,
    '',
    `${formatTime(at)} by ${t(who)}${kube}: ${failed ? '❌' : '✅'} **${t(run.failed ?? verdict.why)}**`,
    '',
    ...table(['#', 'Command', 'Exit status', 'Took', 'Output'], rows),
    '',
    codeBlock(redact(text).trimEnd(), 'console'),
  ];
}
