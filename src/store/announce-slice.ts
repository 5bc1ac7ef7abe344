/**
 * `a` on an item whose probe is `session check=notified event=…`: send the
 * announcement that probe looks for (completion, rollback) to the audience it
 * names, after the operator has read the exact text and the hosts it goes to.
 * The outcome of each target is recorded in the session by the notifier's
 * owner (notify.sent / notify.failed); then the item's probes run again, so
 * the item is settled by what the record now shows, never by the key.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { WizardContext } from './wizard-context.js';
import type { Wizard } from './wizard-store.js';
import type { Item } from '../checklist/types.js';
import { ANNOUNCEMENTS, type AnnouncementKind } from '../grammar/notifications.js';

export interface Announcing {
  itemId: string;
  kind: AnnouncementKind;
  audience?: string;
  /** The message as it will be sent (masked). */
  text: string;
  /** Where it goes: audience and host of each target, never the URL. */
  targets: string[];
  sending?: boolean;
}

export interface AnnounceSlice {
  announcing?: Announcing;
  /** Ask before sending the current item's announcement (or say why there is none). */
  askAnnounce(): void;
  /** y: send it, record each outcome, run the item's probes again; n: leave it unsent. */
  answerAnnounce(yes: boolean): Promise<void>;
}

/** The announcement an item's `notified` probe looks for, and its audience (undefined: the item has none). */
export function announcementOfItem(item: Pick<Item, 'probes'> | undefined): { kind: AnnouncementKind; audience?: string } | undefined {
  for (const p of item?.probes ?? []) {
    if (p.kind !== 'session' || p.params.check !== 'notified') continue;
    const raw = p.params.event;
    const kinds = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',')).map((k) => k.trim());
    const kind = ANNOUNCEMENTS.find((a) => kinds.includes(a));
    if (kind) return { kind, ...(typeof p.params.audience === 'string' ? { audience: p.params.audience } : {}) };
  }
  return undefined;
}

export const announceSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], AnnounceSlice> =>
  (set, get) => ({
    announcing: undefined,
    askAnnounce() {
      const item = ctx.currentItem();
      const wanted = announcementOfItem(item);
      if (!item || !wanted) {
        set({ error: `this item sends no announcement (a works on items whose probe is session check=notified event=${ANNOUNCEMENTS.join('|')})` });
        return;
      }
      const to = wanted.audience ? ` for ${wanted.audience}` : '';
      if (!ctx.deps.announce) {
        set({ error: `no webhook${to}: give --notify URL, or "notify" in --config (one URL, or {"${wanted.audience ?? 'stakeholders'}": URL})` });
        return;
      }
      const { text, targets } = ctx.deps.announce.preview(wanted.kind, wanted.audience);
      if (!targets.length) {
        set({ error: `no webhook${to} in the config's "notify": add {"${wanted.audience}": URL} (the --notify URL names no audience)` });
        return;
      }
      set({ announcing: { itemId: item.id, ...wanted, text, targets } });
      get().openScreen('announce');
    },
    async answerAnnounce(yes) {
      const a = get().announcing;
      if (!a || a.sending) return;
      if (!yes || !ctx.deps.announce) {
        set({ announcing: undefined, notice: 'announcement not sent' });
        get().closeScreen();
        return;
      }
      set({ announcing: { ...a, sending: true } });
      const sent = await ctx.tracked(ctx.deps.announce.send(a.kind, a.audience, a.itemId));
      const lost = sent.filter((d) => d.error);
      const where = (d: (typeof sent)[number]) => (d.audience ? `${d.audience} (${d.host})` : d.host);
      set({ announcing: undefined });
      get().closeScreen();
      // The item is judged by what the record now holds.
      if (get().cursor.itemId === a.itemId) await get().runItemProbes();
      // Said after the run, so its own messages do not hide what was sent.
      set(
        lost.length
          ? { error: `${a.kind} not delivered to ${lost.map((d) => `${where(d)}: ${d.error}`).join('; ')}` }
          : { notice: `${a.kind} delivered to ${sent.map((d) => `${where(d)} (HTTP ${d.status ?? '2xx'})`).join(', ')}` },
      );
    },
  });
