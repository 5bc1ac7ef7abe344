/**
 * The names of notifications, one list for everyone who names them: the
 * notifier (what it sends), the config (who reads a webhook) and the session
 * probe's `notified` check (what the record must show delivered). A leaf: no
 * imports, so a probe's schema loads no notifier.
 */

/** The kinds an operator sends from an item (`a` in the wizard); the others are sent by what happens in the session. */
export const ANNOUNCEMENTS = ['deployment.complete', 'rollback'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENTS)[number];

/** Every kind of message, as the record names it. */
export const NOTIFY_KINDS = ['session.start', 'criterion.met', 'incident', 'signoff.complete', ...ANNOUNCEMENTS] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** An audience name of the config's `"notify": {…}`: lower-case words, e.g. stakeholders, ops, support. */
export const AUDIENCE_NAME = /^[a-z][a-z0-9-]*$/;
