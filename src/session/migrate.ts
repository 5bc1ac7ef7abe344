/**
 * Older session documents are migrated on read, one version step at a time,
 * so a session started by an earlier deploy-wizard can still be resumed.
 *
 * Version 0 is the pre-release draft shape (kept here so files written by it
 * still open): `version` instead of `schemaVersion`, `env`, a single
 * `operator`, `checklist` as a plain path, `position`, item `status` with
 * `todo`/`checked`, and a `log` of `{time, user, action, item, message}`.
 */
import { SCHEMA_VERSION } from './schema.js';

/** Why a document cannot be migrated; the store turns it into a UserError. */
export class MigrationError extends Error {}

type Doc = Record<string, unknown>;

/** The schema version a raw document claims (0 for the draft shape). */
function versionOf(doc: Doc): number | undefined {
  if (typeof doc.schemaVersion === 'number') return doc.schemaVersion;
  if (doc.schemaVersion === undefined && (doc.version === 0 || (doc.version === undefined && 'env' in doc))) return 0;
  return undefined;
}

const V0_STATE: Record<string, string> = {
  todo: 'pending',
  pending: 'pending',
  checked: 'done',
  done: 'done',
  verified: 'verified',
  failed: 'failed',
  skipped: 'skipped',
  na: 'na',
  'n/a': 'na',
};

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const obj = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});

function fromV0(d: Doc): Doc {
  const created = str(d.created, new Date(0).toISOString());
  const updated = str(d.updated, created);
  const operator = str(d.operator, 'unknown');
  const items: Doc = {};
  for (const [id, raw] of Object.entries(obj(d.items))) {
    const it = obj(raw);
    const state = V0_STATE[str(it.status, 'todo')];
    if (!state) throw new MigrationError(`item ${id} has unknown status "${str(it.status)}"`);
    items[id] = {
      state,
      reason: state === 'skipped' ? str(it.skipReason, 'no reason recorded') : undefined,
      note: typeof it.note === 'string' ? it.note : undefined,
      probes: [],
      updatedAt: str(it.at, updated),
      updatedBy: str(it.by, operator),
    };
  }
  const log = Array.isArray(d.log) ? d.log : [];
  const events = log.map((raw) => {
    const e = obj(raw);
    return {
      at: str(e.time, created),
      who: str(e.user, operator),
      what: str(e.action, 'note'),
      itemId: typeof e.item === 'string' ? e.item : undefined,
      detail: typeof e.message === 'string' ? e.message : undefined,
    };
  });
  const pos = obj(d.position);
  const signoff = obj(d.signoff);
  return {
    schemaVersion: 1,
    id: str(d.id),
    checklist: { path: str(d.checklist), hash: str(d.checklistHash), title: str(d.title, 'Checklist') },
    environment: str(d.env, 'production'),
    operators: [operator],
    status: d.finished ? 'completed' : 'active',
    createdAt: created,
    updatedAt: updated,
    cursor: { sectionId: typeof pos.section === 'string' ? pos.section : undefined, itemId: typeof pos.item === 'string' ? pos.item : undefined },
    items,
    events,
    incidents: [],
    signoff: { status: typeof signoff.status === 'string' ? signoff.status : undefined, notes: str(signoff.notes), nextSteps: '', signatures: [] },
  };
}

/** Steps from version N to N+1. */
const STEPS: Record<number, (doc: Doc) => Doc> = { 0: fromV0 };

/**
 * Bring a raw document up to SCHEMA_VERSION. Returns the document and the
 * version it started at; throws MigrationError for future or unknown versions.
 */
export function migrate(doc: Doc): { doc: Doc; from: number } {
  const from = versionOf(doc);
  if (from === undefined) throw new MigrationError('has no schemaVersion (not a deploy-wizard session?)');
  if (from > SCHEMA_VERSION) {
    throw new MigrationError(`was written by a newer deploy-wizard (schema version ${from}; this one reads up to ${SCHEMA_VERSION}); upgrade deploy-wizard to open it`);
  }
  let out = doc;
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new MigrationError(`has schema version ${v}, which cannot be migrated`);
    out = step(out);
  }
  return { doc: out, from };
}
