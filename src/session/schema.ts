/**
 * The session document: one JSON file per session, readable by a person.
 * Validated with this schema on every read. Bump SCHEMA_VERSION and add a
 * migration in migrate.ts when the shape changes.
 */
import * as z from 'zod';
import { PROBE_REASONS, PROBE_STATUSES } from '../verdict/probe.js';
import { ITEM_STATES } from '../verdict/items.js';

// One-shot validations in a CLI do not repay zod's JIT-compiled parsers.
z.config({ jitless: true });

export const SCHEMA_VERSION = 1;

const ItemStateSchema = z.enum(ITEM_STATES);
export type ItemState = z.infer<typeof ItemStateSchema>;

export const ProbeResultSchema = z.object({
  kind: z.string(),
  itemId: z.string().optional(),
  spec: z.string(),
  status: z.enum(PROBE_STATUSES),
  /** Why the probe did not judge (added with `inconclusive`; older files have none). */
  reason: z.enum(PROBE_REASONS).optional(),
  /** What to do when the reason's general advice does not say it (added with the kubectl check; older files have none). */
  hint: z.string().optional(),
  summary: z.string(),
  evidence: z.array(z.string()),
  metrics: z.record(z.string(), z.number()).optional(),
  durationMs: z.number(),
  at: z.string(),
  /** The probe proves only part of its item (`evidence=partial`): the item still asks a person. */
  partial: z.boolean().optional(),
});

const ItemRecordSchema = z.object({
  state: ItemStateSchema,
  /**
   * Required when state is skipped; otherwise the reason typed when the state
   * was set over the probes or over a failed item (older files keep it only in the event).
   */
  reason: z.string().optional(),
  note: z.string().optional(),
  /** True when the operator set the state over what the probes said. */
  override: z.boolean().optional(),
  probes: z.array(ProbeResultSchema).default([]),
  updatedAt: z.string(),
  updatedBy: z.string(),
  /** Who set the current state, when, and how: by a probe run or by hand (older files have none: updatedBy/updatedAt stand in). */
  stateSet: z.object({ by: z.string(), at: z.string(), via: z.enum(['probe', 'hand']) }).optional(),
});
export type ItemRecord = z.infer<typeof ItemRecordSchema>;

/**
 * A command block run from the wizard, command by command (on `command.run`
 * events; older files have only the event's detail text). Command text is as
 * it ran, variables resolved, secrets masked.
 */
const CommandRunSchema = z.object({
  /** The section (the step of the procedure) the block belongs to: its id and title, and the block's label. */
  sectionId: z.string().optional(),
  section: z.string().optional(),
  block: z.string().optional(),
  /** kubectl's current context and namespace, for a block that calls kubectl. */
  context: z.string().optional(),
  namespace: z.string().optional(),
  /** The first failing command's status (the block's verdict), null when stopped. */
  exitCode: z.number().nullable(),
  /** Why the run counts as failed, one line ("exit 60: curl …"). */
  failed: z.string().optional(),
  steps: z.array(
    z.object({
      command: z.string(),
      exitCode: z.number().nullable(),
      durationMs: z.number(),
      output: z.string(),
      truncated: z.boolean(),
    }),
  ),
  /** Commands of the block that did not run (after the first failure, or a stop). */
  notRun: z.array(z.string()).optional(),
});
export type CommandRun = z.infer<typeof CommandRunSchema>;

/**
 * What an actor's SSH key signed for a sign-off action (src/signing/): the
 * principal allowed_signers gives the key, the key's SHA256 fingerprint, the
 * time in the signed statement and the armored SSHSIG (public, never masked).
 * Absent: the action was taken by name only.
 */
const KeySignatureSchema = z.object({
  principal: z.string(),
  key: z.string(),
  signedAt: z.string(),
  sshsig: z.string(),
});

/**
 * What a key signed besides the action, session, principal and time, kept so
 * `verify` rebuilds the statement later: the content fingerprint it vouched
 * for, and on a revoke the role and the signature it revoked (its date).
 */
const SignedForSchema = z.object({
  fingerprint: z.string(),
  role: z.string().optional(),
  ref: z.string().optional(),
});

const EventSchema = z.object({
  at: z.string(),
  who: z.string(),
  /** e.g. session.start, item.state, item.note, probe.result, command.run, signoff.sign */
  what: z.string(),
  itemId: z.string().optional(),
  detail: z.string().optional(),
  /** On `vars.set` events: the variable given in the wizard; `value` only when it is not a secret (by name or shape). */
  variable: z.object({ name: z.string(), value: z.string().optional() }).optional(),
  /** On `item.conflict` events: the change already in the store and the state that stayed (session/item-conflict.ts). */
  conflict: z
    .object({ other: z.string(), otherState: ItemStateSchema, otherAt: z.string(), state: ItemStateSchema, kept: ItemStateSchema })
    .optional(),
  /** On `command.run` events: the run, command by command. */
  run: CommandRunSchema.optional(),
  /** On signoff.sign / revoke / complete / reopen events taken with a key: what the key signed. */
  signed: KeySignatureSchema.optional(),
  /** On a signoff.revoke taken with a key: the rest of the statement it signed (older files have none). */
  signedFor: SignedForSchema.optional(),
  /** On `notify.sent` and `notify.failed` events (older files have only the detail line): what was sent, to whom, the answer. */
  notification: z
    .object({
      /** The kind of message (src/notify/notify.ts NOTIFY_KINDS). */
      event: z.string(),
      /** The target's audience in the config (absent: the one-URL form, readers not named). */
      audience: z.string().optional(),
      /** The webhook's host only: its URL is a secret. */
      host: z.string(),
      /** The HTTP status of the last answer (absent: none came). */
      status: z.number().optional(),
      /** Why it was not delivered (absent: delivered). */
      error: z.string().optional(),
      /** The message as sent (masked). */
      text: z.string(),
      /** The ETA for resolution the message gave, if any. */
      eta: z.string().optional(),
      /** The item it was sent from (an announcement). */
      itemId: z.string().optional(),
    })
    .optional(),
});
export type SessionEvent = z.infer<typeof EventSchema>;

const SignatureSchema = z.object({
  role: z.string(),
  name: z.string(),
  signature: z.string(),
  date: z.string(),
  /** sha256 of the session content (without sign-off) at the moment of signing. */
  fingerprint: z.string(),
  /** Set when the signer also holds another role the checklist allows to be combined with this one. */
  combinedWith: z.string().optional(),
  /** Made with the signer's SSH key (older files and name-only signatures have none). */
  signed: KeySignatureSchema.optional(),
});

/** One completion or reopening of the sign-off, kept in order (the status may change several times). */
const SignoffHistorySchema = z.object({
  at: z.string(),
  by: z.string(),
  action: z.enum(['completed', 'reopened']),
  /** The Deployment Status recorded by a completion. */
  status: z.string().optional(),
  /** Why a completion went ahead with unsigned roles or a blocked status. */
  overrideReason: z.string().optional(),
  /** The blockers that override reason was given against, as they read at completion. */
  overrideCovers: z.array(z.string()).optional(),
  /** Why the session was reopened. */
  reason: z.string().optional(),
  /** Taken with the actor's SSH key. */
  signed: KeySignatureSchema.optional(),
  /** With a key: the content fingerprint it signed (older files have none; `verify` then says it cannot re-check). */
  fingerprint: z.string().optional(),
});
type SignoffHistoryEntry = z.infer<typeof SignoffHistorySchema>;

const SignoffDraftSchema = z.object({
  status: z.string().optional(),
  notes: z.string().default(''),
  nextSteps: z.string().default(''),
  overrideReason: z.string().optional(),
  by: z.string(),
  at: z.string(),
});

const SignoffSchema = z.object({
  status: z.string().optional(),
  notes: z.string().default(''),
  nextSteps: z.string().default(''),
  /** `covers`: the blockers the reason was given against, each as it read at completion (older files have none). */
  override: z.object({ reason: z.string(), by: z.string(), at: z.string(), covers: z.array(z.string()).optional() }).optional(),
  /**
   * The checklist's sign-off policy (roles, combinable and independent roles,
   * statuses), written at session start and on reconciliation, so the session
   * core applies the checklist's rules to every writer. Older files have none:
   * see sessionPolicy (src/session/signoff.ts).
   */
  policy: z
    .object({
      roles: z.array(z.string()),
      combinable: z.array(z.array(z.string())).optional(),
      independent: z.array(z.string()).optional(),
      statuses: z.array(z.string()).optional(),
    })
    .optional(),
  signatures: z.array(SignatureSchema).default([]),
  completedAt: z.string().optional(),
  /** Every completion and reopening, oldest first (older files have none: see withSignoffHistory). */
  history: z.array(SignoffHistorySchema).optional(),
  /**
   * What the sign-off screen holds before completion (status chosen, notes,
   * next steps, override reason), so leaving or quitting loses nothing.
   * Completion records it and drops it; signatures never cover it.
   */
  draft: z
    .object({
      status: z.string().optional(),
      notes: z.string().default(''),
      nextSteps: z.string().default(''),
      overrideReason: z.string().optional(),
      by: z.string(),
      at: z.string(),
    })
    .optional(),
  /** Each person's own sign-off draft, by author (`draft` above is what older files kept: one shared draft). */
  drafts: z.record(z.string(), SignoffDraftSchema).optional(),
});

const IncidentSchema = z.object({
  at: z.string(),
  by: z.string(),
  status: z.string(),
  severity: z.string(),
  impact: z.string(),
  eta: z.string(),
  actions: z.string(),
  file: z.string().optional(),
  /**
   * The incident's number: entries with the same number are one incident's
   * updates, oldest first (its status history). Older files have none: each
   * entry is its own incident, numbered by position (see incidentNumber).
   */
  incident: z.number().int().positive().optional(),
});

/** One measurement of a watched criterion (src/watch/judge.ts `Measurement`). */
const WatchMeasurementSchema = z.object({
  phase: z.enum(['successful', 'failed', 'inconclusive', 'error']),
  value: z.number().optional(),
  message: z.string(),
  reason: z.enum(PROBE_REASONS).optional(),
  /** Set on a slot that passed while the wizard was closed: nothing was measured (counted as inconclusive). */
  missed: z.boolean().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
});

/**
 * A watch started in the wizard: the rollback criteria judged over their
 * window, each measurement saved as it arrives, so resume continues the window
 * on the same interval grid from `startedAt`.
 */
const WatchRecordSchema = z.object({
  startedAt: z.string(),
  /** The operator whose wizard measures (only that operator's wizard continues it on resume). */
  by: z.string(),
  /** Who continued the window after its starter left (a resumed session opened by another operator), in order. */
  continuedBy: z.array(z.string()).optional(),
  /** Set once the window ended, a criterion was met, the operator stopped it, or the session was completed (`signoff`). */
  stoppedAt: z.string().optional(),
  stopped: z.enum(['ended', 'met', 'operator', 'signoff']).optional(),
  criteria: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      kind: z.string(),
      spec: z.string(),
      limits: z.object({ intervalMs: z.number(), count: z.number(), failureLimit: z.number(), inconclusiveLimit: z.number() }),
      measurements: z.array(WatchMeasurementSchema),
      /** Set when the criterion could not be measured at the start (no baseline anywhere, a variable unset): why, as data and words; the others are watched. */
      cannot: z.object({ reason: z.enum(PROBE_REASONS), why: z.string() }).optional(),
      /** The baseline a baseline criterion compared with, and where it came from (this session, the last SUCCESS session, BASELINE_P50_MS). */
      reference: z.object({ ms: z.number(), from: z.string() }).optional(),
    }),
  ),
});
export type WatchRecord = z.infer<typeof WatchRecordSchema>;

const SessionObject = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: z.string(),
  checklist: z.object({ path: z.string(), hash: z.string(), title: z.string() }),
  environment: z.string(),
  operators: z.array(z.string()),
  status: z.enum(['active', 'completed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  cursor: z.object({ sectionId: z.string().optional(), itemId: z.string().optional() }),
  items: z.record(z.string(), ItemRecordSchema),
  /** Results of section-level probes or probes run by `check`, newest last. */
  events: z.array(EventSchema),
  incidents: z.array(IncidentSchema).default([]),
  /**
   * The `!` incident form as typed and not yet logged (any way out keeps it;
   * the form opens on it again). Logging an incident drops it; it is not an incident.
   */
  incidentDraft: IncidentSchema.omit({ file: true, incident: true }).optional(),
  /** Each person's own incident form as typed and not logged yet, by author (`incidentDraft` is what older files kept). */
  incidentDrafts: z.record(z.string(), IncidentSchema.omit({ file: true })).optional(),
  signoff: SignoffSchema,
  /**
   * Records of items the checklist no longer has (moved here by reconciliation,
   * not counted in progress, restored if the item comes back).
   */
  removedItems: z.record(z.string(), ItemRecordSchema).optional(),
  /** Watches of the rollback criteria started in the wizard, oldest first (older files have none). */
  watches: z.array(WatchRecordSchema).optional(),
  /**
   * Who may sign: the allowed_signers file the session was set up with (its
   * text, where it came from), and whether every sign-off action needs a key.
   * Absent: names, not signatures.
   */
  signing: z.object({ allowedSigners: z.string(), source: z.string(), required: z.boolean().optional() }).optional(),
  /** Items added/removed by the last reconciliation, shown on resume. */
  reconciliation: z
    .object({ at: z.string(), added: z.array(z.string()), removed: z.array(z.string()) })
    .optional(),
});

/**
 * Files written before sign-off history existed: a completed session gets the
 * one completion its event log records, so the report and the read-only rule
 * see it like any other.
 */
function withSignoffHistory<T extends z.infer<typeof SessionObject>>(s: T): T {
  if (s.signoff.history?.length || !s.signoff.completedAt) return s;
  const event = [...s.events].reverse().find((e) => e.what === 'signoff.complete');
  const entry: SignoffHistoryEntry = {
    at: s.signoff.completedAt,
    by: event?.who ?? s.signoff.override?.by ?? s.operators[0] ?? 'unknown',
    action: 'completed',
    status: s.signoff.status,
    overrideReason: s.signoff.override?.reason,
  };
  return { ...s, signoff: { ...s.signoff, history: [entry] } };
}

export const SessionSchema = SessionObject.transform(withSignoffHistory);
export type Session = z.infer<typeof SessionSchema>;
