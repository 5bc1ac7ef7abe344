/**
 * What the rest of the wizard knows of a notification, as types only (the
 * store records deliveries without loading the notifier).
 */
import type { NotifyKind } from '../grammar/notifications.js';

/** One attempt to tell a target, as the session records it: never the URL, only its host. */
export interface Delivery {
  event: NotifyKind;
  audience?: string;
  host: string;
  /** The HTTP status of the last answer (absent: none came). */
  status?: number;
  /** Set when it was not delivered: why, one line. */
  error?: string;
  /** The message as sent (masked). */
  text: string;
  /** The ETA the message gave (incident and rollback messages), when it gave one. */
  eta?: string;
  /** The item it was sent from (an announcement). */
  itemId?: string;
  at: string;
}
