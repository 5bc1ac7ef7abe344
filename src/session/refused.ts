/**
 * A change refused when it reaches the store (the session was completed
 * meanwhile, a role was signed by someone else, …): what it was in words, and
 * the event that records it. The session core owns the wording so the event,
 * the author's screen and the report say the same thing.
 */
import type { Change } from './changes.js';

/** One refused change, as its author is told and as the session records it. */
export interface Refusal {
  /** The change's id in the author's journal. */
  changeId: string;
  /** Who made it, and when (ISO). */
  who: string;
  at: string;
  change: Change;
  /** Why the store refused it: the core's one line. */
  why: string;
  /** Where the change is still kept (the author's offline journal), when it is. */
  keptIn?: string;
  /** The session was completed when the change reached it (applying it needs a reopening first). */
  completed?: boolean;
}

/** The item a change is about, if any. */
export function changeItemId(change: Change): string | undefined {
  switch (change.type) {
    case 'item.state':
    case 'item.note':
      return change.itemId;
    case 'probe.result':
      return change.result.itemId;
    case 'command.run':
    case 'cursor':
      return change.itemId;
    case 'change.refused':
      return changeItemId(change.refused);
    default:
      return undefined;
  }
}

/**
 * A change in words, e.g. `"Backups verified" marked failed` or
 * `note on "Backups verified": "disk full"`. `itemText` names items (the
 * checklist's text); without it the item id is named.
 */
export function describeChange(change: Change, itemText: (id: string) => string | undefined = () => undefined): string {
  const on = (id: string | undefined) => (id ? (itemText(id) !== undefined ? `"${itemText(id)}"` : `item ${id}`) : 'the session');
  switch (change.type) {
    case 'item.state':
      return `${on(change.itemId)} marked ${change.state}${change.reason ? ` (${change.reason})` : ''}`;
    case 'section.settle':
      return `the rest of section ${change.sectionId} marked ${change.state === 'na' ? 'n/a' : change.state} (${change.reason})`;
    case 'vars.set':
      return `${change.name} given for this session`;
    case 'item.note':
      return change.note ? `note on ${on(change.itemId)}: "${change.note}"` : `note on ${on(change.itemId)} cleared`;
    case 'probe.result':
      return `${change.result.kind} probe result (${change.result.status}) on ${on(change.result.itemId)}`;
    case 'command.run':
      return `command run \`${change.command.split('\n')[0]}\` (exit ${change.exitCode ?? 'killed'})`;
    case 'incident':
      return `incident (${change.status} / ${change.severity}): ${change.impact}`;
    case 'incident.draft':
      return 'incident draft';
    case 'signoff.sign':
      return `signature for ${change.role}`;
    case 'signoff.revoke':
      return `revoking the signature of ${change.role}`;
    case 'signoff.complete':
      return `completion as ${change.status}`;
    case 'signoff.reopen':
      return `reopening (${change.reason})`;
    case 'signoff.draft':
      return 'sign-off draft';
    case 'watch.start':
    case 'watch.measurement':
    case 'watch.stop':
    case 'watch.continue':
      return `${change.type.replace('.', ' ')} (window started ${change.startedAt})`;
    case 'checklist.reconcile':
      return 'checklist reconciliation';
    case 'signing.setup':
      return `allowed signers from ${change.source}`;
    case 'cursor':
      return 'cursor move';
    case 'operator.join':
      return `${change.name} joining`;
    case 'notify.failed':
      return 'notification failure note';
    case 'notify.sent':
      return `record of a ${change.notification.event} notification delivered to ${change.notification.audience ?? change.notification.host}`;
    case 'change.refused':
      return `record of a refused change (${describeChange(change.refused, itemText)})`;
  }
}

/** The change that records a refusal in the session (allowed on a completed session). */
export function refusalRecord(r: Refusal): Extract<Change, { type: 'change.refused' }> {
  return { type: 'change.refused', refused: r.change, madeAt: r.at, why: r.why, changeId: r.changeId };
}

/** The event text of a refusal: what, when it was made, why. */
export function refusalDetail(change: Extract<Change, { type: 'change.refused' }>): string {
  return `${describeChange(change.refused)}, made ${change.madeAt} — refused: ${change.why}`;
}
