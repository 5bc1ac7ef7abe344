/**
 * What makes a Markdown report verifiable on its own, copied anywhere: the
 * record it was rendered from (the redacted session, the checklist as read,
 * the previous session it compared with), gzipped and base64'd in an HTML
 * comment at its end. `deploy-wizard verify` unpacks it, recomputes the
 * session fingerprint the signatures cover, checks each SSH signature, and
 * renders the report again from it: every visible line must be the line the
 * record gives, so one edited character is named by its line. Pure.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Checklist } from '../checklist/types.js';
import type { Session } from '../session/schema.js';

const RECORD_BEGIN = '<!-- deploy-wizard signed record v1: `deploy-wizard verify FILE` checks this report against it';
const RECORD_END = '-->';

export interface EmbeddedRecord {
  session: Session;
  checklist: Checklist;
  previous?: Session;
}

/** Whether a report embeds its record: only when keys are involved (names alone prove nothing to re-check). */
export function embedsRecord(session: Session): boolean {
  return Boolean(session.signing) || session.signoff.signatures.some((s) => s.signed) || (session.signoff.history ?? []).some((h) => h.signed);
}

export function recordBlock(rec: EmbeddedRecord): string {
  const b64 = gzipSync(JSON.stringify(rec)).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return [RECORD_BEGIN, ...lines, RECORD_END].join('\n');
}

export class RecordError extends Error {}

/** Split a report into its visible text and its record; RecordError says what is wrong with the block. */
export function extractRecord(text: string): { visible: string; record?: EmbeddedRecord } {
  const at = text.lastIndexOf(RECORD_BEGIN);
  if (at < 0) return { visible: text };
  const end = text.indexOf(RECORD_END, at + RECORD_BEGIN.length);
  if (end < 0) throw new RecordError('the report\'s signed record is truncated (its closing "-->" is missing)');
  const b64 = text.slice(at + RECORD_BEGIN.length, end).replace(/\s+/g, '');
  let rec: EmbeddedRecord;
  try {
    rec = JSON.parse(gunzipSync(Buffer.from(b64, 'base64')).toString('utf8')) as EmbeddedRecord;
  } catch {
    throw new RecordError('the report\'s signed record is damaged or truncated (it does not unpack)');
  }
  if (!rec || typeof rec !== 'object' || !rec.session || !rec.checklist) throw new RecordError('the report\'s signed record holds no session');
  return { visible: text.slice(0, at), record: rec };
}
