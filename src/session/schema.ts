/**
 * The session document: one JSON file per session, readable by a person.
 * Validated with this schema on every read. Bump SCHEMA_VERSION and add a
 * migration in migrate.ts when the shape changes.
 */
import * as z from 'zod';
import { PROBE_REASONS, PROBE_STATUSES } from '../verdict/probe.js';

// One-shot validations in a CLI do not repay zod's JIT-compiled parsers.
z.config({ jitless: true });

export const SCHEMA_VERSION = 1;

export const ItemStateSchema = z.enum(['pending', 'done', 'verified', 'failed', 'skipped', 'na']);
export type ItemState = z.infer<typeof ItemStateSchema>;

export const ProbeResultSchema = z.object({
  kind: z.string(),
  itemId: z.string().optional(),
  spec: z.string(),
  status: z.enum(PROBE_STATUSES),
  /** Why the probe did not judge (added with `inconclusive`; older files have none). */
  reason: z.enum(PROBE_REASONS).optional(),
  summary: z.string(),
  evidence: z.array(z.string()),
  metrics: z.record(z.string(), z.number()).optional(),
  durationMs: z.number(),
  at: z.string(),
});

export const ItemRecordSchema = z.object({
  state: ItemStateSchema,
  /** Required when state is skipped. */
  reason: z.string().optional(),
  note: z.string().optional(),
  /** True when the operator set the state over what the probes said. */
  override: z.boolean().optional(),
  probes: z.array(ProbeResultSchema).default([]),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type ItemRecord = z.infer<typeof ItemRecordSchema>;

export const EventSchema = z.object({
  at: z.string(),
  who: z.string(),
  /** e.g. session.start, item.state, item.note, probe.result, command.run, signoff.sign */
  what: z.string(),
  itemId: z.string().optional(),
  detail: z.string().optional(),
});
export type SessionEvent = z.infer<typeof EventSchema>;

export const SignatureSchema = z.object({
  role: z.string(),
  name: z.string(),
  signature: z.string(),
  date: z.string(),
  /** sha256 of the session content (without sign-off) at the moment of signing. */
  fingerprint: z.string(),
});

export const SignoffSchema = z.object({
  status: z.string().optional(),
  notes: z.string().default(''),
  nextSteps: z.string().default(''),
  override: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
  signatures: z.array(SignatureSchema).default([]),
  completedAt: z.string().optional(),
});

export const IncidentSchema = z.object({
  at: z.string(),
  by: z.string(),
  status: z.string(),
  severity: z.string(),
  impact: z.string(),
  eta: z.string(),
  actions: z.string(),
  file: z.string().optional(),
});

export const SessionSchema = z.object({
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
  signoff: SignoffSchema,
  /**
   * Records of items the checklist no longer has (moved here by reconciliation,
   * not counted in progress, restored if the item comes back).
   */
  removedItems: z.record(z.string(), ItemRecordSchema).optional(),
  /** Items added/removed by the last reconciliation, shown on resume. */
  reconciliation: z
    .object({ at: z.string(), added: z.array(z.string()), removed: z.array(z.string()) })
    .optional(),
});
export type Session = z.infer<typeof SessionSchema>;
